package dev.tlsprovenance.benchmarks.mailbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.mail.Folder;
import javax.mail.Session;
import javax.mail.Store;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import dev.tlsprovenance.benchmarks.BenchmarkMain;

/**
 * SMTP acceptance versus into-the-mailbox rate of the packaged distribution (issue 11, item 8), in one run: a fresh
 * copy of {@code james-distribution/target/james-tls-provenance} is started as a process (its own store: embedded
 * Derby, or PostgreSQL with {@code -Dbench.postgresql.url=jdbc:postgresql://HOST:PORT/DB -Dbench.postgresql.user=...
 * -Dbench.postgresql.password=...}), users are created through WebAdmin, {@code bench.messages} messages are sent
 * over {@code bench.connections} reused cleartext SMTP sessions to port 25 (round robin over the users), and the
 * mailboxes are counted over IMAPS ({@code STATUS INBOX (MESSAGES)}, one logged-in connection per user) every
 * {@code bench.poll.ms}. Reported: the acceptance rate (250 replies per second) and the into-mailbox rate for the
 * first and the last 1,000 messages, with the load average at start and end.
 *
 * <p>Options: bench.users (comma list, "1,200"), bench.messages (10000), bench.connections (4), bench.poll.ms (1000; each poll is an IMAP STATUS, whose cost grows with the mailbox),
 * bench.body.bytes (2000), bench.distribution (path), bench.jfr (true: a JFR recording of the server under
 * target/), bench.heap (512m).
 */
public final class IntoMailboxBenchmark {
    private static final int WINDOW = 1000;

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(IntoMailboxBenchmark::run);
    }

    private static void run() throws Exception {
        Path built = Path.of(System.getProperty("bench.distribution", "james-distribution/target/james-tls-provenance")).toAbsolutePath();
        int messages = Integer.getInteger("bench.messages", 10_000);
        int connections = Integer.getInteger("bench.connections", 4);
        System.out.println("users,messages,connections,store,accept_msg_s,accept_first1000,accept_last1000,"
            + "mailbox_first1000_msg_s,mailbox_last1000_msg_s,mailbox_overall_msg_s,seconds_accept,seconds_into_mailbox,load_start,load_end,"
            + "server_cpu_ms_per_msg");
        for (String users : System.getProperty("bench.users", "1,200").split(",")) {
            System.out.println(runOnce(built, Integer.parseInt(users.trim()), messages, connections));
        }
    }

    private static String runOnce(Path built, int users, int messages, int connections) throws Exception {
        Path home = Files.createTempDirectory("into-mailbox-");
        copyDistribution(built, home);
        String store = configureStore(home);
        Ports ports = new Ports();
        Process server = start(home, ports, users);
        try {
            awaitStarted(home, server);
            String token = adminToken(home, ports);
            webAdminPut(ports, token, "/domains/bench.test", null);
            for (int user = 0; user < users; user++) {
                webAdminPut(ports, token, "/users/" + user(user), "{\"password\":\"secret\"}");
            }
            warmUp(ports, token, connections);
            List<Store> imap = new ArrayList<>();
            List<Folder> inboxes = new ArrayList<>();
            for (int user = 0; user < users; user++) {
                Store connection = imapSession().getStore("imaps");
                connection.connect("127.0.0.1", ports.imaps, user(user), "secret");
                imap.add(connection);
                inboxes.add(connection.getFolder("INBOX"));
            }
            String loadStart = loadAverage();
            double cpuStart = cpuSeconds(server.pid());
            long[] accepted = new long[messages];
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime();
            ExecutorService senders = Executors.newFixedThreadPool(connections);
            List<Future<?>> sending = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                sending.add(senders.submit(() -> {
                    send(ports.smtp, i -> user(i % users), messages, next, accepted);
                    return null;
                }));
            }
            List<long[]> deliveredAt = new ArrayList<>();
            long pollNanos = TimeUnit.MILLISECONDS.toNanos(Long.getLong("bench.poll.ms", 1000));
            long deadline = start + TimeUnit.MINUTES.toNanos(30);
            int delivered = 0;
            while (delivered < messages) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + delivered + " of " + messages + " in the mailboxes after 30 minutes");
                }
                long before = System.nanoTime();
                int count = 0;
                for (Folder inbox : inboxes) {
                    count += inbox.getMessageCount();
                }
                delivered = count;
                deliveredAt.add(new long[] {System.nanoTime(), delivered});
                long sleep = pollNanos - (System.nanoTime() - before);
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            double cpuEnd = cpuSeconds(server.pid());
            for (Future<?> done : sending) {
                done.get();
            }
            senders.shutdown();
            String loadEnd = loadAverage();
            for (Store connection : imap) {
                connection.close();
            }
            long[] sortedAccepts = accepted.clone();
            java.util.Arrays.sort(sortedAccepts);
            double acceptSeconds = seconds(sortedAccepts[messages - 1] - start);
            double mailboxSeconds = seconds(firstReaching(deliveredAt, messages) - start);
            return String.join(",", String.valueOf(users), String.valueOf(messages), String.valueOf(connections), store,
                rate(messages, sortedAccepts[messages - 1] - start),
                rate(WINDOW, sortedAccepts[WINDOW - 1] - start),
                rate(WINDOW, sortedAccepts[messages - 1] - sortedAccepts[messages - WINDOW - 1]),
                rate(WINDOW, firstReaching(deliveredAt, WINDOW) - start),
                rate(WINDOW, firstReaching(deliveredAt, messages) - firstReaching(deliveredAt, messages - WINDOW)),
                rate(messages, firstReaching(deliveredAt, messages) - start),
                String.format(Locale.ROOT, "%.1f", acceptSeconds), String.format(Locale.ROOT, "%.1f", mailboxSeconds),
                loadStart, loadEnd, String.format(Locale.ROOT, "%.2f", (cpuEnd - cpuStart) * 1000 / messages));
        } finally {
            dumpRecording(server, users);
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * Before the measurement, {@code bench.warmup.messages} (default 2,000; 0 = none) go to a mailbox of their own,
     * which is not measured: a server in service has compiled its hot paths and warmed the database's page cache,
     * and without this the first 1,000 measured messages time the JIT (38 vs 167 msg/s, BENCHMARKS.md session 11)
     * rather than the mailbox size. The measured mailboxes still start empty.
     */
    private static void warmUp(Ports ports, String token, int connections) throws Exception {
        int messages = Integer.getInteger("bench.warmup.messages", 2000);
        if (messages == 0) {
            return;
        }
        String warmup = "warmup@bench.test";
        webAdminPut(ports, token, "/users/" + warmup, "{\"password\":\"secret\"}");
        AtomicInteger next = new AtomicInteger();
        long[] accepted = new long[messages];
        ExecutorService senders = Executors.newFixedThreadPool(connections);
        List<Future<?>> sending = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            sending.add(senders.submit(() -> {
                send(ports.smtp, i -> warmup, messages, next, accepted);
                return null;
            }));
        }
        for (Future<?> done : sending) {
            done.get();
        }
        senders.shutdown();
        Store connection = imapSession().getStore("imaps");
        connection.connect("127.0.0.1", ports.imaps, warmup, "secret");
        try {
            Folder inbox = connection.getFolder("INBOX");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (inbox.getMessageCount() < messages) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("warm-up mail not in its mailbox after 10 minutes");
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        } finally {
            connection.close();
        }
    }

    /** One reused SMTP session: MAIL/RCPT/DATA per message until the shared counter reaches the total. */
    private static void send(int port, java.util.function.IntFunction<String> recipient, int messages, AtomicInteger next,
                             long[] accepted) throws IOException {
        String body = "x".repeat(76) + "\r\n";
        int bodyBytes = Integer.getInteger("bench.body.bytes", 2000);
        String text = body.repeat(Math.max(1, bodyBytes / body.length()));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            expect(in, "220");
            command(out, in, "EHLO bench.client.test", "250");
            for (int i = next.getAndIncrement(); i < messages; i = next.getAndIncrement()) {
                command(out, in, "MAIL FROM:<sender@partner.test>", "250");
                String to = recipient.apply(i);
                command(out, in, "RCPT TO:<" + to + ">", "250");
                command(out, in, "DATA", "354");
                String message = "From: sender@partner.test\r\nTo: " + to + "\r\nSubject: into-mailbox " + i
                    + "\r\nMessage-ID: <into-mailbox-" + i + "@bench.client.test>\r\n\r\n" + text + ".\r\n";
                out.write(message.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                expect(in, "250");
                accepted[i] = System.nanoTime();
            }
            command(out, in, "QUIT", "221");
        }
    }

    private static void command(OutputStream out, BufferedReader in, String line, String code) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, code);
    }

    private static void expect(BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null || !line.startsWith(code)) {
                throw new IOException("expected " + code + ", got " + line);
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
    }

    private static long firstReaching(List<long[]> deliveredAt, int count) {
        return deliveredAt.stream().filter(sample -> sample[1] >= count).findFirst()
            .orElseThrow(() -> new IllegalStateException("never reached " + count))[0];
    }

    private static String rate(int messages, long nanos) {
        return String.format(Locale.ROOT, "%.0f", messages / seconds(nanos));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String user(int index) {
        return "user" + index + "@bench.test";
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    private static String configureStore(Path home) throws IOException {
        String url = System.getProperty("bench.postgresql.url");
        if (url == null) {
            return "derby";
        }
        Files.writeString(home.resolve("conf/james-database.properties"), String.join("\n",
            "database.driverClassName=org.postgresql.Driver",
            "database.url=" + url,
            "database.username=" + System.getProperty("bench.postgresql.user", "tlsprovenance_test"),
            "database.password=" + System.getProperty("bench.postgresql.password", "tlsprovenance-test"),
            "vendorAdapter.database=POSTGRESQL", "openjpa.streaming=false", ""));
        return "postgresql";
    }

    /**
     * CPU seconds (user + system) the server process has used, from /proc/PID/stat (fields 14 and 15, in clock ticks
     * of 1/100 s on Linux): CPU per message is steadier than a rate on a shared machine.
     */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** The server ends itself with Runtime.halt (CleanStop), which skips JFR's dump on exit: dump it before the stop. */
    private static void dumpRecording(Process server, int users) throws Exception {
        if (!Boolean.getBoolean("bench.jfr")) {
            return;
        }
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(server.pid()), "JFR.dump",
            "filename=" + recording(users)).inheritIO().start();
        jcmd.waitFor(120, TimeUnit.SECONDS);
    }

    private static Path recording(int users) {
        return Path.of("benchmarks/target/into-mailbox-" + users + "-users.jfr").toAbsolutePath();
    }

    private static Process start(Path home, Ports ports, int users) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/james-server").toString()).directory(home.toFile())
            .redirectErrorStream(true).redirectOutput(home.resolve("console.log").toFile());
        String jfr = Boolean.getBoolean("bench.jfr")
            ? " -XX:FlightRecorderOptions:stackdepth=512 -XX:StartFlightRecording=settings=profile"
            : "";
        builder.environment().put("JAVA_OPTS", ports.javaOpts() + jfr);
        if (!jfr.isEmpty()) {
            // a JVM that writes the CDS archive at exit (the first start) has no JFR diagnostic commands
            builder.environment().put("JAMES_CDS", "off");
        }
        builder.environment().put("JAMES_HEAP", System.getProperty("bench.heap", "512m"));
        return builder.start();
    }

    private static void awaitStarted(Path home, Process server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("server exited: " + Files.readString(home.resolve("console.log")));
            }
            if (Files.readString(home.resolve("console.log")).contains("James TLS Provenance accepting connections")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("server did not start within 180 s");
    }

    private static String adminToken(Path home, Ports ports) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/tls-provenance").toString(), "admin-token")
            .directory(home.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_OPTS", ports.javaOpts());
        Process cli = builder.start();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        cli.waitFor();
        return output.lines().filter(line -> line.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"))
            .findFirst().orElseThrow(() -> new IllegalStateException("no token: " + output));
    }

    private static void webAdminPut(Ports ports, String token, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.webadmin + path))
            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30));
        request = json == null ? request.PUT(HttpRequest.BodyPublishers.noBody())
            : request.header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("PUT " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** The benchmark reads its own server's mailboxes over loopback: the self-signed certificate is not checked. */
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

    private static void copyDistribution(Path from, Path to) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(from)) {
            paths = walk.sorted(Comparator.naturalOrder()).toList();
        }
        for (Path source : paths) {
            String relative = from.relativize(source).toString();
            if (relative.startsWith("var/store") || relative.startsWith("var/mail") || relative.startsWith("var/log")
                    || relative.startsWith("var/webadmin") || relative.startsWith("var/tls-") || relative.equals("conf/keystore.p12")) {
                continue;
            }
            Path target = to.resolve(relative);
            if (Files.isDirectory(source)) {
                Files.createDirectories(target);
            } else {
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static final class Ports {
        final int smtp = free();
        final int smtps = free();
        final int submission = free();
        final int imap = free();
        final int imaps = free();
        final int webadmin = free();

        String javaOpts() {
            return "-Djames.bind.address=127.0.0.1 -Djames.smtp.port=" + smtp + " -Djames.smtps.port=" + smtps
                + " -Djames.submission.port=" + submission + " -Djames.imap.port=" + imap + " -Djames.imaps.port=" + imaps
                + " -Djames.webadmin.port=" + webadmin;
        }

        private static int free() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
