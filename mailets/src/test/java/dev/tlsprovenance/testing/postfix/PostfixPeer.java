package dev.tlsprovenance.testing.postfix;

import static org.awaitility.Awaitility.await;

import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestTls;
import dev.tlsprovenance.testing.ports.ListenerPorts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A private Postfix instance (Debian's package, {@code /usr/sbin/postfix}) for interoperability tests: its own
 * config, queue and data directories under a temporary directory, one {@code smtpd} on a free loopback port,
 * optional STARTTLS with a test certificate, and a virtual domain delivered into a Maildir the test reads.
 * <p>
 * Set-up follows the pitfalls in DESIGN.md: no syslog, so {@code maillog_file = /dev/stdout} and
 * {@code postfix start-fg} with its output in {@code postfix.log}; the listener is not chrooted. Needs root (the
 * Postfix master runs as root and drops to the {@code postfix} user). Tests call
 * {@code assumeTrue(PostfixPeer.isAvailable(), PostfixPeer.unavailableReason())}.
 * <pre>
 * try (PostfixPeer postfix = PostfixPeer.builder().domain("partner.test").identity(TestPki.shared().peer("mx.partner.test")).start()) {
 *     ... deliver to localhost:postfix.port() ...
 *     String message = postfix.awaitMessages(1).get(0);   // contains Postfix's "(using TLSv1.3 with cipher ...)"
 * }
 * </pre>
 */
public final class PostfixPeer implements AutoCloseable {
    private static final Path POSTFIX = Path.of("/usr/sbin/postfix");
    private static final Path POSTQUEUE = Path.of("/usr/sbin/postqueue");
    private static final String INTEROP_REQUIRED = "interop.required";

    private final Path root;
    private final Path config;
    private final int port;
    private final Process process;

    private PostfixPeer(Builder builder) throws IOException {
        this.root = Files.createTempDirectory("postfix-peer");
        this.config = Files.createDirectories(root.resolve("conf"));
        Path queue = Files.createDirectories(root.resolve("queue"));
        Path data = Files.createDirectories(root.resolve("data"));
        Path mail = Files.createDirectories(root.resolve("mail"));
        // Postfix insists on a root-owned queue directory reachable by the postfix user.
        root.toFile().setExecutable(true, false);
        root.toFile().setReadable(true, false);
        chownToPostfix(data);
        chownToPostfix(mail);
        this.port = ListenerPorts.unused();
        Files.writeString(config.resolve("main.cf"), mainCf(builder, queue, data, mail), StandardCharsets.US_ASCII);
        Files.writeString(config.resolve("master.cf"), masterCf(port) + String.join("", builder.services), StandardCharsets.US_ASCII);
        for (Map.Entry<String, String> file : builder.configFiles.entrySet()) {
            Files.writeString(config.resolve(file.getKey()), file.getValue(), StandardCharsets.US_ASCII);
        }
        if (builder.identity != null) {
            TestTls.builder().identity(builder.identity).build()
                .writeIdentityPem(config.resolve("key.pem"), config.resolve("chain.pem"));
        }
        if (builder.clientIdentity != null) {
            TestTls.builder().identity(builder.clientIdentity).build()
                .writeIdentityPem(config.resolve("client-key.pem"), config.resolve("client-chain.pem"));
        }
        this.process = new ProcessBuilder(POSTFIX.toString(), "-c", config.toString(), "start-fg")
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("postfix.log").toFile())
            .start();
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(this::greets);
        } catch (RuntimeException e) {
            close();
            throw new IOException("Postfix did not start; log:\n" + log(), e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Postfix is installed and we may run it (root). Where interop is required ({@code -Dinterop.required=true},
     * as {@code .ci/run} sets it), a missing Postfix is a failure, not a skip: CI must not go green without the peer.
     */
    public static boolean isAvailable() {
        boolean available = Files.isExecutable(POSTFIX) && "root".equals(System.getProperty("user.name")) && postfixIds().isPresent();
        if (!available && Boolean.getBoolean(INTEROP_REQUIRED)) {
            throw new IllegalStateException(INTEROP_REQUIRED + "=true but " + unavailableReason());
        }
        return available;
    }

    public static String unavailableReason() {
        return "Postfix interop needs /usr/sbin/postfix (DEBIAN_FRONTEND=noninteractive apt-get install -y postfix), "
            + "a 'postfix' user, and tests running as root; found executable=" + Files.isExecutable(POSTFIX)
            + " user=" + System.getProperty("user.name");
    }

    public String host() {
        return "localhost";
    }

    public int port() {
        return port;
    }

    /** The {@code postfix start-fg} process: its descendants are the master and every Postfix daemon of this instance. */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /** {@code virtual_mailbox_base}: the default map delivers everything to the Maildir {@code inbox/} under it. */
    public Path mailRoot() {
        return root.resolve("mail");
    }

    /** Everything Postfix logged (maillog_file = /dev/stdout). */
    public String log() {
        try {
            return Files.readString(root.resolve("postfix.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** What {@code postqueue -p} lists for this instance: the mail waiting for a retry, with the last reply. */
    public String queue() {
        return postqueue("-p");
    }

    /**
     * Waits for a log line containing {@code text} like {@link #awaitLogLine(String)}, asking Postfix to retry its deferred mail
     * ({@code postqueue -f}) at every poll, so the wait does not hang on qmgr's back-off scheduling: after a TLS
     * handshake failure it sometimes left the mail untried for more than 30 s even with one-second back-off times.
     */
    public String awaitLogLineRetryingDeferredMail(String text) {
        return awaitLogLine(text, Duration.ofSeconds(1), () -> postqueue("-f"));
    }

    private String postqueue(String option) {
        try {
            Process postqueue = new ProcessBuilder(POSTQUEUE.toString(), "-c", config.toString(), option)
                .redirectErrorStream(true).start();
            String listing = new String(postqueue.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!postqueue.waitFor(30, TimeUnit.SECONDS)) {
                postqueue.destroy();
            }
            return listing;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Raw messages delivered to the Maildir so far, oldest first. */
    public List<String> messages() {
        Path newMail = root.resolve("mail/inbox/new");
        if (!Files.isDirectory(newMail)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(newMail)) {
            List<Path> sorted = files.sorted(Comparator.comparing(Path::getFileName)).collect(Collectors.toList());
            List<String> messages = new ArrayList<>();
            for (Path file : sorted) {
                messages.add(Files.readString(file, StandardCharsets.UTF_8));
            }
            return messages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> awaitMessages(int count) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> messages().size() >= count);
        return messages();
    }

    /** Waits for a log line containing {@code text} and returns the first one. */
    public String awaitLogLine(String text) {
        return awaitLogLine(text, Duration.ofMillis(100), () -> { });
    }

    /** Polls the log for {@code text} for up to 30 s, running {@code betweenPolls} after each poll that missed. */
    private String awaitLogLine(String text, Duration pollInterval, Runnable betweenPolls) {
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(pollInterval)
                .until(() -> {
                    if (log().lines().anyMatch(line -> line.contains(text))) {
                        return true;
                    }
                    betweenPolls.run();
                    return false;
                });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no Postfix log line with \"" + text + "\" within 30 s; the log:\n" + log(), e);
        }
        return log().lines().filter(line -> line.contains(text)).findFirst().get();
    }

    @Override
    public void close() {
        try {
            Process stop = new ProcessBuilder(POSTFIX.toString(), "-c", config.toString(), "stop")
                .redirectErrorStream(true).redirectOutput(root.resolve("stop.log").toFile()).start();
            stop.waitFor(30, TimeUnit.SECONDS);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
            }
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
        if (!process.isAlive()) {
            deleteQuietly(root);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory is harmless
        }
    }

    private boolean greets() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            socket.setSoTimeout(2000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[3];
            return in.readNBytes(buffer, 0, 3) == 3 && new String(buffer, StandardCharsets.US_ASCII).equals("220");
        } catch (IOException e) {
            return false;
        }
    }

    private static String mainCf(Builder builder, Path queue, Path data, Path mail) {
        int[] ids = postfixIds().orElseThrow(() -> new IllegalStateException("no postfix user"));
        StringBuilder cf = new StringBuilder()
            .append("compatibility_level = 3.6\n")
            .append("queue_directory = ").append(queue).append('\n')
            .append("data_directory = ").append(data).append('\n')
            .append("mail_owner = postfix\nsetgid_group = postdrop\n")
            .append("maillog_file = /dev/stdout\n")
            .append("myhostname = ").append(builder.hostname).append('\n')
            .append("mydestination =\nalias_maps =\nalias_database =\n")
            .append("inet_interfaces = 127.0.0.1\ninet_protocols = ipv4\nmynetworks = 127.0.0.0/8\n")
            .append("smtputf8_enable = no\nbiff = no\n")
            .append("smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n")
            .append("virtual_mailbox_domains = ").append(builder.domain).append('\n')
            .append("virtual_mailbox_base = ").append(mail).append('\n')
            .append("virtual_mailbox_maps = static:inbox/\n")
            .append("virtual_uid_maps = static:").append(ids[0]).append('\n')
            .append("virtual_gid_maps = static:").append(ids[1]).append('\n')
            .append("smtpd_tls_received_header = yes\nsmtpd_tls_loglevel = 1\n");
        if (builder.relayHost != null) {
            // Everything not for our own domain goes to one next hop, over mandatory (unverified) TLS.
            cf.append("relayhost = [").append(builder.relayHost).append("]:").append(builder.relayPort).append('\n')
                .append("smtp_tls_security_level = ").append(builder.relayTlsLevel).append("\nsmtp_tls_loglevel = 1\n");
            if (builder.fastRetries) {
                cf.append("queue_run_delay = 1s\nminimal_backoff_time = 1s\nmaximal_backoff_time = 2s\n");
            }
            if (builder.relayTlsProtocols != null) {
                cf.append("smtp_tls_protocols = ").append(builder.relayTlsProtocols).append('\n');
            }
        }
        if (builder.clientIdentity != null) {
            // Presented when the next hop asks for a client certificate (Postfix never volunteers one).
            cf.append("smtp_tls_cert_file = $config_directory/client-chain.pem\n")
                .append("smtp_tls_key_file = $config_directory/client-key.pem\n");
        }
        if (builder.identity != null && builder.tls) {
            cf.append("smtpd_tls_security_level = may\n")
                .append("smtpd_tls_cert_file = $config_directory/chain.pem\n")
                .append("smtpd_tls_key_file = $config_directory/key.pem\n");
        } else {
            cf.append("smtpd_tls_security_level = none\n");
        }
        String mainCf = cf.toString();
        for (Map.Entry<String, String> parameter : builder.parameters.entrySet()) {
            String line = parameter.getKey() + " = " + parameter.getValue();
            Pattern existing = Pattern.compile("(?m)^" + Pattern.quote(parameter.getKey()) + " = .*$");
            mainCf = existing.matcher(mainCf).find()
                ? existing.matcher(mainCf).replaceFirst(Matcher.quoteReplacement(line))
                : mainCf + line + "\n";
        }
        return mainCf;
    }

    private static String masterCf(int port) {
        return "127.0.0.1:" + port + " inet n - n - - smtpd\n"
            + "pickup    unix  n - n 60 1 pickup\n"
            + "cleanup   unix  n - n - 0 cleanup\n"
            + "qmgr      unix  n - n 300 1 qmgr\n"
            + "tlsmgr    unix  - - n 1000? 1 tlsmgr\n"
            + "rewrite   unix  - - n - - trivial-rewrite\n"
            + "bounce    unix  - - n - 0 bounce\n"
            + "defer     unix  - - n - 0 bounce\n"
            + "trace     unix  - - n - 0 bounce\n"
            + "verify    unix  - - n - 1 verify\n"
            + "flush     unix  n - n 1000? 0 flush\n"
            + "proxymap  unix  - - n - - proxymap\n"
            + "smtp      unix  - - n - - smtp\n"
            + "relay     unix  - - n - - smtp\n"
            + "showq     unix  n - n - - showq\n"
            + "error     unix  - - n - - error\n"
            + "retry     unix  - - n - - error\n"
            + "discard   unix  - - n - - discard\n"
            + "local     unix  - n n - - local\n"
            + "virtual   unix  - n n - - virtual\n"
            + "anvil     unix  - - n - 1 anvil\n"
            + "scache    unix  - - n - 1 scache\n"
            + "postlog   unix-dgram n - n - 1 postlogd\n";
    }

    /** uid and gid of the postfix user, from /etc/passwd. */
    private static Optional<int[]> postfixIds() {
        try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
            return lines.filter(line -> line.startsWith("postfix:"))
                .map(line -> line.split(":"))
                .map(fields -> new int[] {Integer.parseInt(fields[2]), Integer.parseInt(fields[3])})
                .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void chownToPostfix(Path directory) throws IOException {
        UserPrincipalLookupService lookup = directory.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName("postfix");
        GroupPrincipal group = lookup.lookupPrincipalByGroupName("postfix");
        PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
    }

    /** What the Postfix instance is: host name, the virtual domain it accepts, TLS on or off and its certificate. */
    public static final class Builder {
        private String hostname = "mx.postfix.test";
        private String domain = "partner.test";
        private TestCertificate identity;
        private TestCertificate clientIdentity;
        private boolean tls = true;
        private String relayHost;
        private int relayPort;
        private String relayTlsLevel = "encrypt";
        private String relayTlsProtocols;
        private boolean fastRetries;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private final List<String> services = new ArrayList<>();
        private final Map<String, String> configFiles = new LinkedHashMap<>();

        private Builder() {
        }

        /** One more main.cf parameter, or a new value for one this class sets (e.g. {@code virtual_transport = discard}). */
        public Builder parameter(String name, String value) {
            this.parameters.put(name, value);
            return this;
        }

        /** One more master.cf service line, e.g. {@code tlsproxy unix - - n - 0 tlsproxy}. */
        public Builder service(String masterCfLine) {
            this.services.add(masterCfLine.endsWith("\n") ? masterCfLine : masterCfLine + "\n");
            return this;
        }

        /** A file written into the config directory before start, for a parameter to name as {@code $config_directory/NAME}. */
        public Builder configFile(String name, String content) {
            this.configFiles.put(name, content);
            return this;
        }

        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        /** The domain Postfix accepts mail for (delivered to one Maildir). */
        public Builder domain(String domain) {
            this.domain = domain;
            return this;
        }

        /** Offer STARTTLS with this certificate (and its chain). */
        public Builder identity(TestCertificate leaf) {
            this.identity = leaf;
            this.tls = true;
            return this;
        }

        /** The client certificate (and chain) the Postfix SMTP client presents to a next hop that requests one. */
        public Builder clientIdentity(TestCertificate leaf) {
            this.clientIdentity = leaf;
            return this;
        }

        /** smtpd_tls_security_level = none: no STARTTLS at all. */
        public Builder tlsOff() {
            this.tls = false;
            return this;
        }

        /** Relay mail for other domains to this next hop (relayhost), with STARTTLS required. */
        public Builder relayTo(String host, int port) {
            this.relayHost = host;
            this.relayPort = port;
            return this;
        }

        /**
         * {@code smtp_tls_security_level} towards the relay host (default {@code encrypt}); with {@code may} Postfix
         * delivers in plaintext when TLS is not offered or its handshake fails.
         */
        public Builder relayTlsLevel(String level) {
            this.relayTlsLevel = level;
            return this;
        }

        /** {@code smtp_tls_protocols} towards the relay host, e.g. {@code <=TLSv1.1} for a handshake our listener refuses. */
        public Builder relayTlsProtocols(String protocols) {
            this.relayTlsProtocols = protocols;
            return this;
        }

        /** Retry deferred mail after a second or two instead of Postfix's five minutes. */
        public Builder fastRetries() {
            this.fastRetries = true;
            return this;
        }

        /** With {@link #relayTo}: relay without STARTTLS (smtp_tls_security_level = none), for cleartext-path tests. */
        public Builder relayInCleartext() {
            this.relayTlsLevel = "none";
            return this;
        }

        public PostfixPeer start() throws IOException {
            return new PostfixPeer(this);
        }
    }
}
