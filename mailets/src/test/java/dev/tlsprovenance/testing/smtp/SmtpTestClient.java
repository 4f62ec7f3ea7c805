package dev.tlsprovenance.testing.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import dev.tlsprovenance.testing.pki.TestTls;

/**
 * A raw-socket SMTP client for tests: every command returns the server's exact reply, nothing is
 * retried or hidden, and odd sequences are possible ({@link #write(String)} then {@link #readReply()}).
 *
 * <pre>{@code
 * try (SmtpTestClient smtp = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(), "client.test",
 *         TestPki.shared().trustingRoot())) {
 *     smtp.mailFrom("alice@client.test");
 *     smtp.rcptTo("bob@james.test");
 *     SmtpReply accepted = smtp.data(TestMessages.simple("alice@client.test", "bob@james.test", "hello"));
 * }
 * }</pre>
 *
 * TLS verifies the server certificate against the given trust and checks the host name (connect to
 * {@code localhost}, a name in the test server's certificate). TCP_NODELAY is on: without it Nagle's
 * algorithm costs ~40 ms per STARTTLS exchange.
 */
public final class SmtpTestClient implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 30_000;

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final SmtpReply greeting;

    private SmtpTestClient(String host, int port, Socket socket) throws IOException {
        this.host = host;
        this.port = port;
        use(socket);
        this.greeting = readReply();
    }

    /** A cleartext connection; the greeting is read. */
    public static SmtpTestClient connect(String host, int port) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
        return new SmtpTestClient(host, port, socket);
    }

    /** A TLS connection from the first byte (SMTPS, RFC 8314); {@code tls} may carry a client identity. */
    public static SmtpTestClient connectImplicitTls(String host, int port, TestTls tls) throws IOException {
        SSLSocket socket = (SSLSocket) tls.sslContext().getSocketFactory().createSocket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        verifyHostName(socket);
        socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
        try {
            socket.startHandshake();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new SmtpTestClient(host, port, socket);
    }

    /**
     * The usual start of a TLS session: {@link #connect}, EHLO, STARTTLS with {@code tls} (which may carry a client
     * identity), EHLO again. A reply other than 250 to either EHLO or 220 to STARTTLS closes the connection and
     * throws, naming the step and the reply; a failed handshake throws its own exception. Tests that look at one of
     * these replies, or expect a step to fail, do the steps themselves.
     */
    public static SmtpTestClient connectWithStartTls(String host, int port, String ehloName, TestTls tls) throws IOException {
        SmtpTestClient client = connect(host, port);
        try {
            client.expect("EHLO", client.ehlo(ehloName), 250);
            client.expect("STARTTLS", client.startTls(tls), 220);
            client.expect("EHLO after STARTTLS", client.ehlo(ehloName), 250);
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void expect(String step, SmtpReply reply, int code) throws IOException {
        if (reply.code() != code) {
            throw new IOException(step + " to " + host + ":" + port + ": expected " + code + ", got " + reply);
        }
    }

    public SmtpReply greeting() {
        return greeting;
    }

    public SmtpReply ehlo(String domain) throws IOException {
        return command("EHLO " + domain);
    }

    public SmtpReply helo(String domain) throws IOException {
        return command("HELO " + domain);
    }

    /**
     * Sends STARTTLS; on a 220 reply performs the handshake (throwing the handshake's exception on failure)
     * and returns the 220. Any other reply is returned and the connection stays in cleartext.
     */
    public SmtpReply startTls(TestTls tls) throws IOException {
        SmtpReply reply = command("STARTTLS");
        if (reply.code() != 220) {
            return reply;
        }
        SSLSocket tlsSocket = (SSLSocket) tls.sslContext().getSocketFactory().createSocket(socket, host, port, true);
        tlsSocket.setUseClientMode(true);
        verifyHostName(tlsSocket);
        // Bytes buffered in cleartext after the 220 are dropped with the old stream, as RFC 3207 requires.
        use(tlsSocket);
        tlsSocket.startHandshake();
        return reply;
    }

    /** {@code MAIL FROM:<address>} plus ESMTP parameters, e.g. {@code "REQUIRETLS"}; {@code ""} = null sender. */
    public SmtpReply mailFrom(String address, String... parameters) throws IOException {
        return command("MAIL FROM:<" + address + ">" + joined(parameters));
    }

    public SmtpReply rcptTo(String address, String... parameters) throws IOException {
        return command("RCPT TO:<" + address + ">" + joined(parameters));
    }

    /**
     * DATA, then the message (line ends normalised to CRLF, leading dots doubled) and the final dot.
     * Returns the final reply, or the reply to DATA itself when it is not 354.
     */
    public SmtpReply data(String rfc822Message) throws IOException {
        SmtpReply go = command("DATA");
        if (go.code() != 354) {
            return go;
        }
        write(dotStuffed(rfc822Message) + ".\r\n");
        return readReply();
    }

    /** MAIL, one RCPT per recipient, DATA; returns the first negative reply or DATA's final reply. */
    public SmtpReply send(String from, List<String> recipients, String rfc822Message) throws IOException {
        SmtpReply reply = mailFrom(from);
        if (!reply.isPositive()) {
            return reply;
        }
        for (String recipient : recipients) {
            reply = rcptTo(recipient);
            if (!reply.isPositive()) {
                return reply;
            }
        }
        return data(rfc822Message);
    }

    public SmtpReply rset() throws IOException {
        return command("RSET");
    }

    public SmtpReply noop() throws IOException {
        return command("NOOP");
    }

    public SmtpReply quit() throws IOException {
        return command("QUIT");
    }

    /** Sends one command line (CRLF added) and reads its reply. */
    public SmtpReply command(String raw) throws IOException {
        write(raw + "\r\n");
        return readReply();
    }

    /** Writes bytes as given, without reading: for pipelining and protocol-violation tests. */
    public void write(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads one (possibly multi-line) reply. */
    public SmtpReply readReply() throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = readLine();
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return SmtpReply.parse(lines);
    }

    /** The TLS session once STARTTLS or implicit TLS succeeded. */
    public Optional<SSLSession> sslSession() {
        return socket instanceof SSLSocket ? Optional.of(((SSLSocket) socket).getSession()) : Optional.empty();
    }

    public boolean isEncrypted() {
        return socket instanceof SSLSocket;
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void use(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b == -1) {
                throw new EOFException("connection closed by server after '" + line.toString(StandardCharsets.UTF_8) + "'");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static void verifyHostName(SSLSocket socket) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
    }

    private static String joined(String... parameters) {
        StringBuilder joined = new StringBuilder();
        for (String parameter : parameters) {
            joined.append(' ').append(parameter);
        }
        return joined.toString();
    }

    static String dotStuffed(String message) {
        String crlf = message.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n");
        if (!crlf.endsWith("\r\n")) {
            crlf += "\r\n";
        }
        StringBuilder stuffed = new StringBuilder(crlf.length() + 16);
        for (String line : crlf.split("\r\n", -1)) {
            if (line.startsWith(".")) {
                stuffed.append('.');
            }
            stuffed.append(line).append("\r\n");
        }
        // split left an empty element after the final CRLF
        stuffed.setLength(stuffed.length() - 2);
        return stuffed.toString();
    }
}
