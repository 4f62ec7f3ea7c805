package dev.tlsprovenance.testing.peer;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * A loopback SMTP server for tests, whose TLS behaviour is chosen per test: offer or withhold STARTTLS, refuse it
 * with 454, present any certificate, request or demand a client certificate, drop the connection in the middle of
 * the handshake, speak implicit TLS, advertise REQUIRETLS, or answer chosen commands with 4xx/5xx.
 * <p>
 * It records what it received ({@link #transactions()}), whether it arrived over TLS, and how many bytes of
 * message content ever arrived in cleartext ({@link #cleartextMessageBytes()}) - the number that proves a
 * STARTTLS-stripping attack failed.
 * <pre>
 * try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().serverTls().keyManager().get())
 *         .advertiseRequireTls(true).start()) {
 *     ... deliver to "localhost", peer.port() ...
 *     assertThat(peer.awaitTransactions(1).get(0).overTls()).isTrue();
 * }
 * </pre>
 * One thread per connection; everything is bound to 127.0.0.1.
 */
public final class TestSmtpPeer implements AutoCloseable {

    /** Whether the peer asks the client for a certificate during the handshake. */
    public enum ClientAuth { NONE, WANT, NEED }

    /** Where the connection is dropped, to simulate a broken or hostile network. */
    public enum Drop { NEVER, DURING_HANDSHAKE }

    private final Builder config;
    private final SSLContext sslContext;
    private final ServerSocket serverSocket;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-smtp-peer");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final Map<String, String> replyOverrides = new ConcurrentHashMap<>();
    private final Map<String, String> recipientReplies = new ConcurrentHashMap<>();
    private final List<ReceivedTransaction> transactions = new CopyOnWriteArrayList<>();
    private final List<X509Certificate> clientCertificatesSeen = new CopyOnWriteArrayList<>();
    private final Set<String> tlsSessionIds = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger tlsHandshakes = new AtomicInteger();
    private final AtomicInteger tlsSessionsResumed = new AtomicInteger();
    private final AtomicInteger failedHandshakes = new AtomicInteger();
    private final AtomicInteger startTlsCommands = new AtomicInteger();
    private final AtomicLong cleartextMessageBytes = new AtomicLong();
    private final List<String> commandLog = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private TestSmtpPeer(Builder config) throws IOException {
        this.config = config;
        this.sslContext = config.buildSslContext();
        this.replyOverrides.putAll(config.replyOverrides);
        this.recipientReplies.putAll(config.recipientReplies);
        this.serverSocket = new ServerSocket();
        serverSocket.bind(config.bindAddress, 50);
        threads.execute(this::acceptLoop);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A cleartext-only peer that never offers STARTTLS. */
    public static TestSmtpPeer cleartextOnly() throws IOException {
        return builder().start();
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** The name to connect to: a DNS SAN of the harness' server certificate, and loopback. */
    public String host() {
        return "localhost";
    }

    public String serverName() {
        return config.serverName;
    }

    // ---- recorded facts -------------------------------------------------------------------------

    public List<ReceivedTransaction> transactions() {
        return List.copyOf(transactions);
    }

    /** Transactions whose final reply was 2xx: what the peer "delivered". */
    public List<ReceivedTransaction> acceptedTransactions() {
        List<ReceivedTransaction> accepted = new ArrayList<>();
        for (ReceivedTransaction transaction : transactions) {
            if (transaction.accepted()) {
                accepted.add(transaction);
            }
        }
        return accepted;
    }

    /** Waits (Awaitility, up to 20 s) until at least {@code count} transactions were received, then returns all. */
    public List<ReceivedTransaction> awaitTransactions(int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> transactions.size() >= count);
        return transactions();
    }

    /** Waits until at least {@code count} connections were accepted. */
    public int awaitConnections(int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> connections.get() >= count);
        return connections.get();
    }

    /** Bytes of DATA content (after the 354, before the dot) that arrived on a connection without TLS. */
    public long cleartextMessageBytes() {
        return cleartextMessageBytes.get();
    }

    public int connectionCount() {
        return connections.get();
    }

    public int tlsHandshakes() {
        return tlsHandshakes.get();
    }

    /** Handshakes that resumed a session this peer had established before (abbreviated handshake). */
    public int tlsSessionsResumed() {
        return tlsSessionsResumed.get();
    }

    public int failedHandshakes() {
        return failedHandshakes.get();
    }

    public int startTlsCommands() {
        return startTlsCommands.get();
    }

    /** Client certificates (leaf) presented in handshakes, in order. */
    public List<X509Certificate> clientCertificatesSeen() {
        return List.copyOf(clientCertificatesSeen);
    }

    /** Every command line received, prefixed with the connection number ("3 MAIL FROM:&lt;a@b.test&gt;"). */
    public List<String> commandLog() {
        return List.copyOf(commandLog);
    }

    // ---- behaviour changes while running (e.g. fail the first attempt, then accept) ---------------

    /**
     * Answers {@code verb} (EHLO, HELO, MAIL, RCPT, DATA, MESSAGE = after the final dot, RSET, STARTTLS, QUIT,
     * GREETING = the 220 banner) with {@code reply} from now on, e.g. {@code replyTo("MAIL", "451 4.3.0 Try later")}.
     */
    public TestSmtpPeer replyTo(String verb, String reply) {
        replyOverrides.put(verb.toUpperCase(Locale.ROOT), reply);
        return this;
    }

    /** Answers RCPT TO for this address with {@code reply}. */
    public TestSmtpPeer replyToRecipient(String address, String reply) {
        recipientReplies.put(address.toLowerCase(Locale.ROOT), reply);
        return this;
    }

    /** Back to normal answers for every command. */
    public TestSmtpPeer clearReplies() {
        replyOverrides.clear();
        recipientReplies.clear();
        return this;
    }

    /** Forgets what was recorded (transactions, counters), keeps the behaviour. */
    public void resetRecords() {
        transactions.clear();
        clientCertificatesSeen.clear();
        commandLog.clear();
        connections.set(0);
        tlsHandshakes.set(0);
        tlsSessionsResumed.set(0);
        failedHandshakes.set(0);
        startTlsCommands.set(0);
        cleartextMessageBytes.set(0);
    }

    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : openSockets) {
            closeQuietly(socket);
        }
        threads.shutdownNow();
    }

    // ---- the server --------------------------------------------------------------------------------

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                socket.setTcpNoDelay(true);
                int number = connections.incrementAndGet();
                openSockets.add(socket);
                threads.execute(() -> serve(socket, number));
            } catch (IOException e) {
                if (!closed) {
                    commandLog.add("0 accept failed: " + e);
                }
                return;
            }
        }
    }

    private void serve(Socket socket, int number) {
        Connection connection = new Connection(socket, number);
        try {
            connection.run();
        } catch (IOException e) {
            commandLog.add(number + " closed: " + e.getMessage());
        } finally {
            openSockets.remove(connection.socket);
            closeQuietly(connection.socket);
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private String reply(String verb, String normal) {
        return replyOverrides.getOrDefault(verb, normal);
    }

    /** One client connection: a small SMTP state machine. */
    private final class Connection {
        private final int number;
        private Socket socket;
        private LineReader in;
        private OutputStream out;
        private ReceivedTransaction.TlsState tls;
        private String heloName = "";
        private String mailFrom;
        private final List<String> mailParameters = new ArrayList<>();
        private final List<String> recipients = new ArrayList<>();

        Connection(Socket socket, int number) {
            this.socket = socket;
            this.number = number;
        }

        void run() throws IOException {
            socket.setSoTimeout(30_000);
            if (config.implicitTls) {
                if (!handshake()) {
                    return;
                }
            } else {
                in = new LineReader(socket.getInputStream());
                out = socket.getOutputStream();
            }
            String greeting = reply("GREETING", "220 " + config.serverName + " ESMTP TestSmtpPeer");
            send(greeting);
            if (!greeting.startsWith("2")) {
                return;
            }
            String line;
            while ((line = in.readLine()) != null) {
                commandLog.add(number + " " + line);
                if (!handle(line)) {
                    return;
                }
            }
        }

        /** Returns false when the connection must end. */
        private boolean handle(String line) throws IOException {
            String verb = verbOf(line);
            switch (verb) {
                case "EHLO":
                    heloName = line.length() > 5 ? line.substring(5).trim() : "";
                    resetTransaction();
                    return sendOrEnd("EHLO", reply("EHLO", String.join("\r\n", ehloLines())));
                case "HELO":
                    heloName = line.length() > 5 ? line.substring(5).trim() : "";
                    resetTransaction();
                    return sendOrEnd("HELO", reply("HELO", "250 " + config.serverName));
                case "STARTTLS":
                    return startTls();
                case "MAIL":
                    return mail(line);
                case "RCPT":
                    return rcpt(line);
                case "DATA":
                    return data();
                case "RSET":
                    resetTransaction();
                    return sendOrEnd("RSET", reply("RSET", "250 2.0.0 Ok"));
                case "NOOP":
                    return sendOrEnd("NOOP", reply("NOOP", "250 2.0.0 Ok"));
                case "QUIT":
                    send(reply("QUIT", "221 2.0.0 Bye"));
                    return false;
                default:
                    send("500 5.5.2 Command not recognised");
                    return true;
            }
        }

        private List<String> ehloLines() {
            List<String> keywords = new ArrayList<>();
            keywords.add("PIPELINING");
            keywords.add("8BITMIME");
            keywords.add("ENHANCEDSTATUSCODES");
            if (tls == null && config.offerStartTls) {
                keywords.add("STARTTLS");
            }
            if ((tls != null && config.advertiseRequireTls) || (tls == null && config.advertiseRequireTlsInCleartext)) {
                keywords.add("REQUIRETLS");
            }
            List<String> lines = new ArrayList<>();
            lines.add("250-" + config.serverName);
            for (int i = 0; i < keywords.size(); i++) {
                lines.add((i == keywords.size() - 1 ? "250 " : "250-") + keywords.get(i));
            }
            return lines;
        }

        private boolean startTls() throws IOException {
            startTlsCommands.incrementAndGet();
            if (tls != null) {
                send("503 5.5.1 TLS already active");
                return true;
            }
            if (!config.offerStartTls && !replyOverrides.containsKey("STARTTLS")) {
                send("502 5.5.1 STARTTLS not supported");
                return true;
            }
            String answer = reply("STARTTLS", "220 2.0.0 Ready to start TLS");
            send(answer);
            if (!answer.startsWith("220")) {
                return true;
            }
            // RFC 3207: anything the client pipelined after STARTTLS in cleartext is discarded.
            in.discardBuffered();
            heloName = "";
            resetTransaction();
            return handshake();
        }

        private boolean handshake() throws IOException {
            if (sslContext == null) {
                throw new IllegalStateException("TLS requested but the peer has no identity");
            }
            if (config.drop == Drop.DURING_HANDSHAKE) {
                // Read the ClientHello, then vanish.
                socket.getInputStream().read(new byte[512]);
                failedHandshakes.incrementAndGet();
                return false;
            }
            SSLSocket sslSocket = (SSLSocket) sslContext.getSocketFactory()
                .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            sslSocket.setUseClientMode(false);
            if (config.clientAuth == ClientAuth.NEED) {
                sslSocket.setNeedClientAuth(true);
            } else if (config.clientAuth == ClientAuth.WANT) {
                sslSocket.setWantClientAuth(true);
            }
            if (config.enabledProtocols != null) {
                sslSocket.setEnabledProtocols(config.enabledProtocols);
            }
            openSockets.add(sslSocket);
            try {
                sslSocket.startHandshake();
            } catch (IOException e) {
                failedHandshakes.incrementAndGet();
                commandLog.add(number + " handshake failed: " + e.getMessage());
                socket = sslSocket;
                return false;
            }
            socket = sslSocket;
            SSLSession session = sslSocket.getSession();
            tlsHandshakes.incrementAndGet();
            // TLS 1.2 resumes with the same session id; JDK TLS 1.3 resumption gives a new id but keeps the
            // original session's creation time.
            boolean idSeen = session.getId().length > 0
                && !tlsSessionIds.add(Base64.getEncoder().encodeToString(session.getId()));
            boolean creationSeen = !tlsSessionIds.add("created:" + session.getCreationTime());
            if (idSeen || creationSeen) {
                tlsSessionsResumed.incrementAndGet();
            }
            X509Certificate clientCertificate = clientCertificateOf(session);
            if (clientCertificate != null) {
                clientCertificatesSeen.add(clientCertificate);
            }
            tls = new ReceivedTransaction.TlsState(session.getProtocol(), session.getCipherSuite(), clientCertificate);
            in = new LineReader(sslSocket.getInputStream());
            out = sslSocket.getOutputStream();
            return true;
        }

        private boolean mail(String line) throws IOException {
            if (mailFrom != null) {
                send("503 5.5.1 Nested MAIL command");
                return true;
            }
            String argument = line.substring(Math.min(line.length(), 10)).trim(); // after "MAIL FROM:"
            String path = pathOf(argument);
            String params = argument.substring(Math.min(argument.length(), argument.indexOf('>') + 1)).trim();
            String answer = reply("MAIL", "250 2.1.0 Ok");
            if (answer.startsWith("2")) {
                mailFrom = path;
                mailParameters.clear();
                if (!params.isEmpty()) {
                    mailParameters.addAll(List.of(params.split("\\s+")));
                }
            }
            return sendOrEnd("MAIL", answer);
        }

        private boolean rcpt(String line) throws IOException {
            if (mailFrom == null) {
                send("503 5.5.1 Need MAIL command");
                return true;
            }
            String path = pathOf(line.substring(Math.min(line.length(), 8)).trim()); // after "RCPT TO:"
            String answer = recipientReplies.getOrDefault(path.toLowerCase(Locale.ROOT), reply("RCPT", "250 2.1.5 Ok"));
            if (answer.startsWith("2")) {
                recipients.add(path);
            }
            return sendOrEnd("RCPT", answer);
        }

        private boolean data() throws IOException {
            if (mailFrom == null || recipients.isEmpty()) {
                send("503 5.5.1 Need RCPT command");
                return true;
            }
            String answer = reply("DATA", "354 End data with <CR><LF>.<CR><LF>");
            if (!answer.startsWith("354")) {
                return sendOrEnd("DATA", answer);
            }
            send(answer);
            StringBuilder content = new StringBuilder();
            long bytes = 0;
            String line;
            while ((line = in.readLine()) != null && !line.equals(".")) {
                bytes += line.length() + 2;
                content.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
            }
            if (tls == null) {
                cleartextMessageBytes.addAndGet(bytes);
            }
            if (line == null) {
                return false;
            }
            String finalReply = reply("MESSAGE", "250 2.0.0 Ok: queued as " + number + "." + (transactions.size() + 1));
            transactions.add(new ReceivedTransaction(number, heloName, mailFrom, mailParameters, recipients,
                content.toString(), tls, finalReply));
            resetTransaction();
            return sendOrEnd("MESSAGE", finalReply);
        }

        /** A 421 reply closes the connection, as a real server does. */
        private boolean sendOrEnd(String verb, String answer) throws IOException {
            send(answer);
            return !answer.startsWith("421");
        }

        private void resetTransaction() {
            mailFrom = null;
            mailParameters.clear();
            recipients.clear();
        }

        private void send(String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static X509Certificate clientCertificateOf(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 ? (X509Certificate) chain[0] : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static String verbOf(String line) {
        int space = line.indexOf(' ');
        String verb = space < 0 ? line : line.substring(0, space);
        int colon = verb.indexOf(':');
        return (colon < 0 ? verb : verb.substring(0, colon)).toUpperCase(Locale.ROOT);
    }

    private static String pathOf(String argument) {
        int open = argument.indexOf('<');
        int close = argument.indexOf('>');
        if (open >= 0 && close > open) {
            return argument.substring(open + 1, close);
        }
        int space = argument.indexOf(' ');
        return space < 0 ? argument : argument.substring(0, space);
    }

    /**
     * Reads CRLF lines from a stream with its own buffer, so that the buffered bytes can be thrown away at
     * STARTTLS instead of being fed to (or hiding) the TLS handshake.
     */
    private static final class LineReader {
        private final InputStream in;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;

        LineReader(InputStream in) {
            this.in = in;
        }

        String readLine() throws IOException {
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(128);
            while (true) {
                if (position == limit) {
                    int read;
                    try {
                        read = in.read(buffer);
                    } catch (SocketException e) {
                        read = -1;
                    }
                    if (read <= 0) {
                        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                    }
                    position = 0;
                    limit = read;
                }
                byte b = buffer[position++];
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.UTF_8);
                }
                line.write(b);
            }
        }

        void discardBuffered() {
            position = limit;
        }
    }

    /** Chooses the peer's behaviour; {@link #start()} binds it to a loopback port. */
    public static final class Builder {
        private String serverName = "peer.test";
        private X509KeyManager identity;
        private SSLContext sslContext;
        private boolean offerStartTls;
        private boolean implicitTls;
        private boolean advertiseRequireTls;
        private boolean advertiseRequireTlsInCleartext;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private Drop drop = Drop.NEVER;
        private String[] enabledProtocols;
        private final Map<String, String> replyOverrides = new ConcurrentHashMap<>();
        private final Map<String, String> recipientReplies = new ConcurrentHashMap<>();
        private InetSocketAddress bindAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

        private Builder() {
        }

        /**
         * Where to listen instead of a free port of 127.0.0.1: e.g. 127.0.0.2 on the port of another peer, for a
         * delivery whose one SMTP port (the mailet's {@code smtpPort}) must reach two MX hosts with different
         * certificates.
         */
        public Builder bind(InetSocketAddress address) {
            this.bindAddress = address;
            return this;
        }

        /** Name in the banner and EHLO reply. */
        public Builder serverName(String serverName) {
            this.serverName = serverName;
            return this;
        }

        /**
         * The certificate and key the peer presents (e.g. {@code TestTls#keyManager()}); offers STARTTLS.
         * Client certificates, when asked for, are accepted whatever they are and recorded.
         */
        public Builder identity(X509KeyManager identity) {
            this.identity = identity;
            this.offerStartTls = true;
            return this;
        }

        /** Presents this test certificate (with its chain up to, not including, the root). */
        public Builder identity(dev.tlsprovenance.testing.pki.TestCertificate leaf) {
            return identity(dev.tlsprovenance.testing.pki.TestTls.builder().identity(leaf).build());
        }

        /** Presents the identity of this TestTls (e.g. {@code TestPki.shared().serverTls()}). */
        public Builder identity(dev.tlsprovenance.testing.pki.TestTls tls) {
            return identity(tls.keyManager().orElseThrow(() -> new IllegalArgumentException("TestTls without identity")));
        }

        /** A ready SSLContext (its own trust decides which client certificates pass); offers STARTTLS. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            this.offerStartTls = true;
            return this;
        }

        /** Keeps the identity but does not advertise STARTTLS (it still answers a STARTTLS sent anyway with 502). */
        public Builder withholdStartTls() {
            this.offerStartTls = false;
            return this;
        }

        /** Advertises STARTTLS but answers it with 454 (temporary failure). */
        public Builder refuseStartTls() {
            this.offerStartTls = true;
            replyOverrides.put("STARTTLS", "454 4.7.0 TLS not available due to temporary reason");
            return this;
        }

        /** TLS from the first byte (SMTPS, port 465 style); no STARTTLS. */
        public Builder implicitTls() {
            this.implicitTls = true;
            return this;
        }

        /** Advertises REQUIRETLS in EHLO once TLS is active (RFC 8689). */
        public Builder advertiseRequireTls(boolean advertise) {
            this.advertiseRequireTls = advertise;
            return this;
        }

        /** Misbehaviour for tests: advertise REQUIRETLS before TLS as well. */
        public Builder advertiseRequireTlsInCleartext(boolean advertise) {
            this.advertiseRequireTlsInCleartext = advertise;
            return this;
        }

        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = clientAuth;
            return this;
        }

        /** Reads the ClientHello and closes the connection. */
        public Builder dropDuringHandshake() {
            this.drop = Drop.DURING_HANDSHAKE;
            return this;
        }

        /** Restricts the TLS versions the peer accepts, e.g. "TLSv1.2". */
        public Builder enabledProtocols(String... protocols) {
            this.enabledProtocols = protocols.clone();
            return this;
        }

        /** See {@link TestSmtpPeer#replyTo(String, String)}. */
        public Builder replyTo(String verb, String reply) {
            replyOverrides.put(verb.toUpperCase(Locale.ROOT), reply);
            return this;
        }

        public Builder replyToRecipient(String address, String reply) {
            recipientReplies.put(address.toLowerCase(Locale.ROOT), reply);
            return this;
        }

        public TestSmtpPeer start() throws IOException {
            return new TestSmtpPeer(this);
        }

        private SSLContext buildSslContext() {
            if (sslContext != null) {
                return sslContext;
            }
            if (identity == null) {
                return null;
            }
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(new KeyManager[] {identity}, new TrustManager[] {new RecordAnyClient()}, null);
                return context;
            } catch (NoSuchAlgorithmException | KeyManagementException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Accepts any client certificate: the peer records what it was shown; tests judge it. */
    private static final class RecordAnyClient implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // recorded after the handshake
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("server side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    @Override
    public String toString() {
        return "TestSmtpPeer{port=" + port() + ", starttls=" + config.offerStartTls + ", implicit=" + config.implicitTls
            + ", connections=" + connections + ", transactions=" + transactions.size() + "}";
    }

    /** Convenience for assertions: the first transaction's data, if any. */
    public Optional<String> firstMessage() {
        return transactions.isEmpty() ? Optional.empty() : Optional.of(transactions.get(0).data());
    }

}
