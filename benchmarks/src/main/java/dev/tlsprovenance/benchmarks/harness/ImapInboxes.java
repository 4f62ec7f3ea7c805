package dev.tlsprovenance.benchmarks.harness;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.mail.Folder;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The INBOXes of some users of a packaged server, counted over IMAPS: one logged-in connection per user, each count a
 * {@code STATUS INBOX (MESSAGES)} (whose own cost grows with the mailbox, so poll no more often than needed).
 */
public final class ImapInboxes implements AutoCloseable {
    private final List<Store> connections = new ArrayList<>();
    private final List<Folder> inboxes = new ArrayList<>();

    public ImapInboxes(int imapsPort, List<String> users, String password) throws Exception {
        Session session = imapSession();
        for (String user : users) {
            Store connection = session.getStore("imaps");
            connection.connect("127.0.0.1", imapsPort, user, password);
            connections.add(connection);
            inboxes.add(connection.getFolder("INBOX"));
        }
    }

    /** Messages in all the INBOXes together. */
    public int count() throws MessagingException {
        int count = 0;
        for (Folder inbox : inboxes) {
            count += inbox.getMessageCount();
        }
        return count;
    }

    @Override
    public void close() throws MessagingException {
        for (Store connection : connections) {
            connection.close();
        }
    }

    /** The benchmark reads its own server's mailboxes over loopback: the server's certificate is not checked. */
    private static Session imapSession() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        Properties properties = new Properties();
        properties.put("mail.imaps.ssl.socketFactory", context.getSocketFactory());
        properties.put("mail.imaps.ssl.checkserveridentity", "false");
        return Session.getInstance(properties);
    }
}
