package dev.tlsprovenance.outbound;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small SMTP client over a plain socket, for exact control of what is sent when: nothing is pipelined, the
 * STARTTLS upgrade discards any cleartext state, and message content goes out only through {@link #data}.
 * Not thread-safe: one delivery thread uses a client at a time.
 */
public final class SmtpClient implements Closeable {
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final String remoteAddress;
    private SSLSession sslSession;
    private long lastUsedNanos = System.nanoTime();

    private SmtpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.remoteAddress = socket.getInetAddress().getHostAddress();
        bindStreams();
    }

    /** Opens a cleartext TCP connection (no bytes sent yet). */
    public static SmtpClient connect(String host, int port, Duration connectTimeout, Duration readTimeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) readTimeout.toMillis());
            return new SmtpClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Wraps the connection in TLS (after a 220 to STARTTLS, or at once for implicit TLS) and completes the handshake. */
    public SSLSession upgradeToTls(SSLSocketFactory factory, String peerHost, int peerPort, String[] protocols)
            throws IOException {
        SSLSocket ssl = (SSLSocket) factory.createSocket(socket, peerHost, peerPort, true);
        ssl.setUseClientMode(true);
        if (protocols != null) {
            ssl.setEnabledProtocols(protocols);
        }
        socket = ssl;
        bindStreams();
        ssl.startHandshake();
        sslSession = ssl.getSession();
        return sslSession;
    }

    private void bindStreams() throws IOException {
        in = socket.getInputStream();
        out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    }

    public Optional<SSLSession> sslSession() {
        return Optional.ofNullable(sslSession);
    }

    public String remoteAddress() {
        return remoteAddress;
    }

    public SmtpReply readReply() throws IOException {
        List<String> lines = new ArrayList<>();
        int code;
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new SmtpProtocolException(lines.isEmpty()
                    ? "connection closed by server" : "connection closed in the middle of a reply");
            }
            if (line.length() < 3 || !isDigits(line.substring(0, 3))) {
                throw new SmtpProtocolException("malformed reply: " + abbreviate(line));
            }
            code = Integer.parseInt(line.substring(0, 3));
            boolean more = line.length() > 3 && line.charAt(3) == '-';
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (!more) {
                break;
            }
        }
        lastUsedNanos = System.nanoTime();
        return new SmtpReply(code, lines);
    }

    /** Sends one command line and reads its reply. */
    public SmtpReply command(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.US_ASCII));
        out.write('\r');
        out.write('\n');
        out.flush();
        return readReply();
    }

    /**
     * Sends DATA; when the server answers 354, streams the message (CRLF-normalised, dot-stuffed) and the final
     * dot, and returns the server's verdict. A non-354 reply is returned as is and nothing is sent.
     */
    public SmtpReply data(MessageContent content) throws IOException {
        SmtpReply go = command("DATA");
        if (go.code() != 354) {
            return go;
        }
        DotStuffingOutputStream stuffed = new DotStuffingOutputStream(out);
        content.writeTo(stuffed);
        stuffed.finish();
        out.flush();
        return readReply();
    }

    public long idleNanos() {
        return System.nanoTime() - lastUsedNanos;
    }

    public boolean isOpen() {
        return !socket.isClosed() && socket.isConnected();
    }

    /** Says QUIT when still possible, then closes; never throws. */
    public void quitQuietly() {
        try {
            if (isOpen()) {
                command("QUIT");
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            if (line.size() > 4096) {
                throw new SmtpProtocolException("reply line longer than 4096 bytes");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    private static boolean isDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
