package dev.tlsprovenance.benchmarks.mailbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tlsprovenance.benchmarks.BenchmarkMain;
import dev.tlsprovenance.benchmarks.harness.ImapInboxes;
import dev.tlsprovenance.benchmarks.harness.PackagedServer;
import dev.tlsprovenance.benchmarks.harness.ProcessCpu;

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
        int messages = Integer.getInteger("bench.messages", 10_000);
        int connections = Integer.getInteger("bench.connections", 4);
        System.out.println("users,messages,connections,store,accept_msg_s,accept_first1000,accept_last1000,"
            + "mailbox_first1000_msg_s,mailbox_last1000_msg_s,mailbox_overall_msg_s,seconds_accept,seconds_into_mailbox,load_start,load_end,"
            + "server_cpu_ms_per_msg");
        for (String users : System.getProperty("bench.users", "1,200").split(",")) {
            System.out.println(runOnce(Integer.parseInt(users.trim()), messages, connections));
        }
    }

    private static String runOnce(int users, int messages, int connections) throws Exception {
        try (PackagedServer server = PackagedServer.install()) {
            String store = configureStore(server.conf());
            boolean jfr = Boolean.getBoolean("bench.jfr");
            if (jfr) {
                server.javaOptions(" -XX:FlightRecorderOptions:stackdepth=512 -XX:StartFlightRecording=settings=profile");
                // a JVM that writes the CDS archive at exit (the first start) has no JFR diagnostic commands
                server.environment("JAMES_CDS", "off");
            }
            server.environment("JAMES_HEAP", System.getProperty("bench.heap", "512m")).start();
            try {
                return measure(server, users, messages, connections, store);
            } finally {
                dumpRecording(server, users);
            }
        }
    }

    private static String measure(PackagedServer server, int users, int messages, int connections, String store) throws Exception {
        server.webAdminPut("/domains/bench.test", null);
        List<String> addresses = new ArrayList<>();
        for (int user = 0; user < users; user++) {
            server.addUser(user(user), "secret");
            addresses.add(user(user));
        }
        warmUp(server, connections);
        try (ImapInboxes inboxes = new ImapInboxes(server.port("imaps"), addresses, "secret")) {
            String loadStart = ProcessCpu.loadAverage();
            double cpuStart = ProcessCpu.treeSeconds(server.process());
            long[] accepted = new long[messages];
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime();
            ExecutorService senders = Executors.newFixedThreadPool(connections);
            List<Future<?>> sending = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                sending.add(senders.submit(() -> {
                    send(server.port("smtp"), i -> user(i % users), messages, next, accepted);
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
                delivered = inboxes.count();
                deliveredAt.add(new long[] {System.nanoTime(), delivered});
                long sleep = pollNanos - (System.nanoTime() - before);
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            double cpuEnd = ProcessCpu.treeSeconds(server.process());
            for (Future<?> done : sending) {
                done.get();
            }
            senders.shutdown();
            String loadEnd = ProcessCpu.loadAverage();
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
        }
    }

    /**
     * Before the measurement, {@code bench.warmup.messages} (default 2,000; 0 = none) go to a mailbox of their own,
     * which is not measured: a server in service has compiled its hot paths and warmed the database's page cache,
     * and without this the first 1,000 measured messages time the JIT (38 vs 167 msg/s, BENCHMARKS.md session 11)
     * rather than the mailbox size. The measured mailboxes still start empty.
     */
    private static void warmUp(PackagedServer server, int connections) throws Exception {
        int messages = Integer.getInteger("bench.warmup.messages", 2000);
        if (messages == 0) {
            return;
        }
        String warmup = "warmup@bench.test";
        server.addUser(warmup, "secret");
        AtomicInteger next = new AtomicInteger();
        long[] accepted = new long[messages];
        ExecutorService senders = Executors.newFixedThreadPool(connections);
        List<Future<?>> sending = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            sending.add(senders.submit(() -> {
                send(server.port("smtp"), i -> warmup, messages, next, accepted);
                return null;
            }));
        }
        for (Future<?> done : sending) {
            done.get();
        }
        senders.shutdown();
        try (ImapInboxes inbox = new ImapInboxes(server.port("imaps"), List.of(warmup), "secret")) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (inbox.count() < messages) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("warm-up mail not in its mailbox after 10 minutes");
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
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

    private static String configureStore(Path conf) throws IOException {
        String url = System.getProperty("bench.postgresql.url");
        if (url == null) {
            return "derby";
        }
        Files.writeString(conf.resolve("james-database.properties"), String.join("\n",
            "database.driverClassName=org.postgresql.Driver",
            "database.url=" + url,
            "database.username=" + System.getProperty("bench.postgresql.user", "tlsprovenance_test"),
            "database.password=" + System.getProperty("bench.postgresql.password", "tlsprovenance-test"),
            "vendorAdapter.database=POSTGRESQL", "openjpa.streaming=false", ""));
        return "postgresql";
    }

    /** The server ends itself with Runtime.halt (CleanStop), which skips JFR's dump on exit: dump it before the stop. */
    private static void dumpRecording(PackagedServer server, int users) throws Exception {
        if (!Boolean.getBoolean("bench.jfr")) {
            return;
        }
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(server.process().pid()), "JFR.dump",
            "filename=" + recording(users)).inheritIO().start();
        jcmd.waitFor(120, TimeUnit.SECONDS);
    }

    private static Path recording(int users) {
        return Path.of("benchmarks/target/into-mailbox-" + users + "-users.jfr").toAbsolutePath();
    }
}
