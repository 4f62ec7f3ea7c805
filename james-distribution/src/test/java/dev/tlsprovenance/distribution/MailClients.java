package dev.tlsprovenance.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * javax.mail and WebAdmin clients for the distribution tests; TLS trusts exactly the server's own keystore, and
 * WebAdmin calls carry the token {@code bin/tls-provenance admin-token} prints.
 */
final class MailClients {
    private final Path home;
    private final DistributionProcess server;
    private String adminToken;

    MailClients(DistributionProcess server) {
        this.server = server;
        this.home = server.home();
    }

    void webAdminPut(String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("webadmin") + path))
            .header("Authorization", "Bearer " + adminToken());
        request = json == null ? request.PUT(HttpRequest.BodyPublishers.noBody())
            : request.header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError("WebAdmin PUT " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** WebAdmin DELETE of PATH; anything but a 2xx reply fails the test. */
    void webAdminDelete(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("webadmin") + path))
            .header("Authorization", "Bearer " + adminToken()).DELETE().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError("WebAdmin DELETE " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** WebAdmin GET of PATH: the JSON body of a 200 reply (anything else fails the test). */
    String webAdminGet(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("webadmin") + path))
            .header("Authorization", "Bearer " + adminToken()).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("WebAdmin GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Number of mails in a James queue ("spool", "outgoing"), from WebAdmin's /mailQueues/NAME. */
    long queueSize(String queue) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("webadmin") + "/mailQueues/" + queue))
            .header("Authorization", "Bearer " + adminToken()).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return 0;
        }
        java.util.regex.Matcher size = java.util.regex.Pattern.compile("\"size\"\\s*:\\s*(\\d+)").matcher(response.body());
        if (response.statusCode() != 200 || !size.find()) {
            throw new AssertionError("WebAdmin GET /mailQueues/" + queue + " answered " + response.statusCode() + ": " + response.body());
        }
        return Long.parseLong(size.group(1));
    }

    /** Fetched once per server installation: the key it is signed with survives restarts. */
    String adminToken() throws IOException, InterruptedException {
        if (adminToken == null) {
            adminToken = server.adminToken();
        }
        return adminToken;
    }

    void createDomainAndUser(String domain, String user, String password) throws IOException, InterruptedException {
        webAdminPut("/domains/" + domain, null);
        webAdminPut("/users/" + user, "{\"password\":\"" + password + "\"}");
    }

    /** Sends over port 25 with STARTTLS required (and the certificate verified for "localhost"), or in cleartext. */
    void send(boolean startTls, String from, String to, String subject, String body) throws MessagingException, GeneralSecurityException, IOException {
        send(startTls, null, from, to, subject, body);
    }

    /** As {@link #send(boolean, String, String, String, String)}, presenting this client key manager's certificate over STARTTLS. */
    void send(boolean startTls, javax.net.ssl.X509KeyManager clientIdentity, String from, String to, String subject, String body)
            throws MessagingException, GeneralSecurityException, IOException {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "localhost");
        properties.put("mail.smtp.port", String.valueOf(server.port("smtp")));
        properties.put("mail.smtp.localhost", "client.example.test");
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "20000");
        if (startTls) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
            properties.put("mail.smtp.ssl.checkserveridentity", "true");
            properties.put("mail.smtp.ssl.socketFactory", trustingServer(clientIdentity).getSocketFactory());
        }
        Session session = Session.getInstance(properties);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText(body);
        Transport.send(message);
    }

    /**
     * The reply to RCPT TO when the server refuses the recipient (send fails with it), e.g.
     * {@code 550 5.1.1 Unknown user: x@y}; fails the test when the mail is accepted.
     */
    String refusedRecipientReply(String from, String to) throws GeneralSecurityException, IOException {
        try {
            send(false, from, to, "expected-refusal", "x");
        } catch (javax.mail.SendFailedException e) {
            Exception refusal = e.getNextException();
            return refusal == null ? e.getMessage() : refusal.getMessage().trim();
        } catch (MessagingException e) {
            throw new AssertionError("sending to " + to + " failed otherwise than at RCPT", e);
        }
        throw new AssertionError("RCPT TO:<" + to + "> was accepted");
    }

    /** Reads the whole INBOX over IMAPS: each message as its raw header block, oldest first. */
    List<String> readInboxHeaders(String user, String password) throws MessagingException, GeneralSecurityException, IOException {
        Store store = imapsStore(user, password);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<String> headerBlocks = new ArrayList<>();
            for (Message message : inbox.getMessages()) {
                StringBuilder block = new StringBuilder();
                for (String line : Collections.list(((MimeMessage) message).getAllHeaderLines())) {
                    block.append(line).append("\r\n");
                }
                headerBlocks.add(block.toString());
            }
            inbox.close(false);
            return headerBlocks;
        } finally {
            store.close();
        }
    }

    /** A logged-in IMAPS connection of USER; the server's certificate is checked against conf/keystore.p12. */
    private Store imapsStore(String user, String password) throws MessagingException, GeneralSecurityException, IOException {
        Properties properties = new Properties();
        properties.put("mail.imaps.ssl.socketFactory", trustingServer().getSocketFactory());
        properties.put("mail.imaps.ssl.checkserveridentity", "true");
        properties.put("mail.imaps.connectiontimeout", "10000");
        properties.put("mail.imaps.timeout", "20000");
        Store store = Session.getInstance(properties).getStore("imaps");
        store.connect("localhost", server.port("imaps"), user, password);
        return store;
    }

    /**
     * The INBOX's numbering over IMAPS: the UID of each message (oldest first) and UIDNEXT. (Mod-sequences are not
     * visible: James's JPA mailbox does not offer CONDSTORE.)
     */
    InboxNumbers readInboxNumbers(String user, String password) throws MessagingException, GeneralSecurityException, IOException {
        Store store = imapsStore(user, password);
        try {
            com.sun.mail.imap.IMAPFolder inbox = (com.sun.mail.imap.IMAPFolder) store.getFolder("INBOX");
            // asked before SELECT, so javax.mail asks with STATUS (UIDNEXT)
            long uidNext = inbox.getUIDNext();
            inbox.open(Folder.READ_ONLY);
            List<Long> uids = new ArrayList<>();
            for (Message message : inbox.getMessages()) {
                uids.add(inbox.getUID(message));
            }
            InboxNumbers numbers = new InboxNumbers(uids, uidNext);
            inbox.close(false);
            return numbers;
        } finally {
            store.close();
        }
    }

    /** What {@link #readInboxNumbers} read. */
    static final class InboxNumbers {
        final List<Long> uids;
        final long uidNext;

        InboxNumbers(List<Long> uids, long uidNext) {
            this.uids = List.copyOf(uids);
            this.uidNext = uidNext;
        }

        long maxUid() {
            return uids.stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    SSLContext trustingServer() throws GeneralSecurityException, IOException {
        return trustingServer(null);
    }

    SSLContext trustingServer(javax.net.ssl.X509KeyManager clientIdentity) throws GeneralSecurityException, IOException {
        KeyStore serverStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(home.resolve("conf/keystore.p12"))) {
            serverStore.load(in, "changeit".toCharArray());
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("server", serverStore.getCertificate(serverStore.aliases().nextElement()));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(clientIdentity == null ? null : new javax.net.ssl.KeyManager[] {clientIdentity}, factory.getTrustManagers(), null);
        return context;
    }
}
