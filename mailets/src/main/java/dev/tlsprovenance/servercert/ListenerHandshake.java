package dev.tlsprovenance.servercert;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import com.google.common.net.InetAddresses;

/**
 * A real client handshake with one of our own listeners, to see the certificate chain exactly as a client gets it
 * (the keystore that is loaded now, after any reload, and the chain order the server sends). STARTTLS is spoken as a
 * client would (SMTP: greeting, EHLO, STARTTLS; IMAP: greeting, STARTTLS); nothing else is sent, no mail, no login.
 * The chain is captured, never trusted or refused here: {@link CertificateAssessment} judges it. Every read and the
 * connect are bounded by the timeout, so a hung listener costs at most a few timeouts, never a stuck request.
 */
public final class ListenerHandshake {
    private final Duration timeout;

    public ListenerHandshake(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * @return the chain the listener presented, leaf first
     * @throws IOException naming the step that failed (connect, greeting, STARTTLS refused, handshake)
     */
    public List<X509Certificate> presentedChain(ListenerEndpoint listener) throws IOException {
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(listener.host(), listener.port()), millis);
            plain.setSoTimeout(millis);
            if (listener.mode() == ListenerEndpoint.Mode.STARTTLS) {
                startTls(plain, listener);
            }
            ChainCapture capture = new ChainCapture();
            try (SSLSocket tls = (SSLSocket) context(capture).getSocketFactory()
                    .createSocket(plain, listener.host(), listener.port(), false)) {
                tls.setSoTimeout(millis);
                tls.setUseClientMode(true);
                if (!InetAddresses.isInetAddress(listener.helloName()) && listener.helloName().contains(".")) {
                    SSLParameters parameters = tls.getSSLParameters();
                    parameters.setServerNames(List.of(new SNIHostName(listener.helloName())));
                    tls.setSSLParameters(parameters);
                }
                try {
                    tls.startHandshake();
                } catch (IOException e) {
                    // A listener that demands a client certificate ends the handshake after it sent its own chain.
                    if (capture.chain.isEmpty()) {
                        throw new IOException("TLS handshake with " + listener + " failed: " + e.getMessage(), e);
                    }
                }
                if (capture.chain.isEmpty()) {
                    throw new IOException("the TLS handshake with " + listener + " presented no certificate");
                }
                return capture.chain;
            }
        }
    }

    private static void startTls(Socket socket, ListenerEndpoint listener) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = socket.getOutputStream();
        if (listener.protocol() == ListenerEndpoint.Protocol.SMTP) {
            expectSmtp(in, "220", listener, "greeting");
            send(out, "EHLO tls-certificates.invalid");
            expectSmtp(in, "250", listener, "EHLO");
            send(out, "STARTTLS");
            expectSmtp(in, "220", listener, "STARTTLS");
        } else {
            String greeting = line(in, listener, "greeting");
            if (!greeting.startsWith("* OK")) {
                throw new IOException(listener + " greeted with '" + greeting + "', not * OK");
            }
            send(out, "t1 STARTTLS");
            for (String reply = line(in, listener, "STARTTLS"); !reply.startsWith("t1 "); reply = line(in, listener, "STARTTLS")) {
                // untagged lines before the tagged answer
            }
        }
    }

    /** Reads one (possibly multi-line) SMTP reply; its last line must start with {@code code}. */
    private static void expectSmtp(BufferedReader in, String code, ListenerEndpoint listener, String step) throws IOException {
        String reply;
        do {
            reply = line(in, listener, step);
        } while (reply.length() > 3 && reply.charAt(3) == '-');
        if (!reply.startsWith(code)) {
            throw new IOException(listener + " answered " + step + " with '" + reply + "'");
        }
    }

    private static String line(BufferedReader in, ListenerEndpoint listener, String step) throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException(listener + " closed the connection at the " + step);
        }
        if (line.toUpperCase(Locale.ROOT).startsWith("T1 NO") || line.toUpperCase(Locale.ROOT).startsWith("T1 BAD")) {
            throw new IOException(listener + " refused STARTTLS: " + line);
        }
        return line;
    }

    private static void send(OutputStream out, String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static SSLContext context(ChainCapture capture) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {capture}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("no TLS client in this JVM: " + e, e);
        }
    }

    /** Accepts any chain during the handshake and keeps it: the verdict comes afterwards, with a reason in words. */
    private static final class ChainCapture implements X509TrustManager {
        private List<X509Certificate> chain = List.of();

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] presented, String authType) {
            chain = List.copyOf(new ArrayList<>(Arrays.asList(presented)));
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
