package dev.tlsprovenance.benchmarks.vspostfix;

import dev.tlsprovenance.benchmarks.BenchmarkMain;
import dev.tlsprovenance.benchmarks.harness.ProcessCpu;
import dev.tlsprovenance.benchmarks.harness.ThreadCpu;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * The packaged server side by side with a private Debian Postfix (issue 14 item 1): one STARTTLS sink
 * ({@link TestSmtpPeer}), one client ({@link SmtpLoad}), alternating paired rounds (ours then Postfix, Postfix then
 * ours). Per scenario: the median per-round ratio ours/Postfix of messages per second with its range, the rates and
 * CPU per message of each server (its whole process tree, from /proc), and the load average at start and end.
 * Run with {@code benchmarks/run-vs-postfix.sh [scenario...]}; scenarios and options in BENCHMARKS.md.
 */
public final class VsPostfixBenchmark {

    /** {@code 2026-12-03T1412Z}: sorts by time, and is a valid file name everywhere (no colons). */
    private static final DateTimeFormatter RESULT_FILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmm'Z'", Locale.ROOT)
        .withZone(ZoneOffset.UTC);
    static final String LOCAL_DOMAIN = "bench.test";
    static final String SINK_DOMAIN = "sink.test";
    static final String SINK_HOST = "mx.sink.test";
    private static final long DEADLINE_NANOS = TimeUnit.MINUTES.toNanos(30);
    /** A warm-up chunk at most this much faster than the one before it ends the warm-up. */
    private static final double FLAT_WITHIN = 0.05;

    private VsPostfixBenchmark() {
    }

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(() -> {
            List<Scenario> scenarios = args.length == 0 ? Arrays.asList(Scenario.values())
                : Arrays.stream(args).map(Scenario::byId).toList();
            for (Scenario scenario : scenarios) {
                run(scenario);
            }
        });
    }

    private static void run(Scenario scenario) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 5);
        int messages = Integer.getInteger("bench.messages", scenario.defaultMessages);
        int connections = Integer.getInteger("bench.connections", scenario.defaultConnections);
        int warmup = Integer.getInteger("bench.warmup.messages", 500);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        PrintStream report = new PrintStream(new TeeStream(System.out, copy), true, StandardCharsets.UTF_8);
        report.printf(Locale.ROOT, "vs-postfix %s: messages=%d connections=%d messagesPerConnection=%s rounds=%d warmup=%d%s%n",
            scenario.id, messages, connections, scenario.messagesPerConnection == Integer.MAX_VALUE ? "all" : scenario.messagesPerConnection,
            rounds, warmup, scenario.mailboxes > 0 ? " mailboxes=" + scenario.mailboxes : "");
        boolean withoutExtension = Boolean.getBoolean("bench.ours.withoutExtension");
        if (withoutExtension) {
            report.println("ours: the packaged server with the extension taken out of its SMTP handlers and mailets (bench.ours.withoutExtension)");
        }
        Instant startTime = Instant.now();
        report.printf(Locale.ROOT, "started %s  cores=%d  java=%s  postfix=%s  commit=%s  load average %s%n", startTime,
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), output("/usr/sbin/postconf", "-dh", "mail_version"),
            output("git", "rev-parse", "--short", "HEAD"), ProcessCpu.loadAverage());
        String loadStart = ProcessCpu.loadAverage();
        SmtpLoad load = new SmtpLoad(TestPki.shared().trustingRoot(), connections, scenario.messagesPerConnection, scenario::recipient);
        SmtpLoad warmUpLoad = new SmtpLoad(TestPki.shared().trustingRoot(), connections, scenario.messagesPerConnection,
            scenario::warmUpRecipient);
        List<Measurement> ourResults = new ArrayList<>();
        List<Measurement> postfixResults = new ArrayList<>();
        try (TestSmtpPeer sink = TestSmtpPeer.builder().serverName(SINK_HOST).identity(TestPki.shared().peer(SINK_HOST)).start()) {
            if (scenario.kind == Scenario.Kind.MAILBOX) {
                // a mailbox must start empty: both servers are installed afresh for every round
                for (int round = 1; round <= rounds; round++) {
                    try (Contender ours = OurServer.start(scenario, sink); Contender postfix = PostfixServer.start(scenario, sink)) {
                        warmUp(ours, warmUpLoad, warmup);
                        warmUp(postfix, warmUpLoad, warmup);
                        round(report, scenario, load, sink, round, ours, postfix, messages, ourResults, postfixResults);
                    }
                }
            } else {
                try (Contender ours = OurServer.start(scenario, sink); Contender postfix = PostfixServer.start(scenario, sink)) {
                    warmUpUntilFlat(report, scenario, ours, warmUpLoad, sink, warmup);
                    warmUpUntilFlat(report, scenario, postfix, warmUpLoad, sink, warmup);
                    for (int round = 1; round <= rounds; round++) {
                        round(report, scenario, load, sink, round, ours, postfix, messages, ourResults, postfixResults);
                    }
                }
            }
        }
        summary(report, scenario, messages, ourResults, postfixResults, loadStart, ProcessCpu.loadAverage());
        Path results = Path.of(System.getProperty("bench.results", "benchmarks/results"));
        Files.createDirectories(results);
        // The start time to the minute is in the name: a second run on the same day must not replace the first,
        // because paired runs are compared with each other.
        String started = RESULT_FILE_TIME.format(startTime);
        Path file = results.resolve("vs-postfix-" + started + "-" + scenario.id + (withoutExtension ? "-without-extension" : "") + ".txt");
        Files.write(file, copy.toByteArray(), StandardOpenOption.CREATE_NEW);
        System.out.println("written to " + file);
    }

    /** Odd rounds measure ours first, even rounds Postfix first: drift over the run cancels in the per-round ratio. */
    private static void round(PrintStream report, Scenario scenario, SmtpLoad load, TestSmtpPeer sink, int round,
            Contender ours, Contender postfix, int messages, List<Measurement> ourResults, List<Measurement> postfixResults) throws Exception {
        boolean oursFirst = round % 2 == 1;
        Contender first = oursFirst ? ours : postfix;
        Contender second = oursFirst ? postfix : ours;
        Measurement firstResult = measure(scenario, first, load, sink, messages, "round " + round);
        Measurement secondResult = measure(scenario, second, load, sink, messages, "round " + round);
        Measurement our = oursFirst ? firstResult : secondResult;
        Measurement theirs = oursFirst ? secondResult : firstResult;
        ourResults.add(our);
        postfixResults.add(theirs);
        report.printf(Locale.ROOT, "round %d (%s first)  ours %8.1f msg/s %7.2f ms CPU/msg (JIT %.2f)   postfix %8.1f msg/s %7.2f ms CPU/msg   ours/postfix %.2f  CPU ours/postfix %.2f%s%s  load %s%n",
            round, first.name(), our.messagesPerSecond(), our.cpuMillisPerMessage(), our.jitMillisPerMessage(), theirs.messagesPerSecond(), theirs.cpuMillisPerMessage(),
            our.messagesPerSecond() / theirs.messagesPerSecond(), our.cpuMillisPerMessage() / theirs.cpuMillisPerMessage(),
            scenario.kind == Scenario.Kind.MAILBOX ? String.format(Locale.ROOT, "   first/last window msg/s ours %.0f/%.0f postfix %.0f/%.0f",
                our.firstWindowPerSecond(), our.lastWindowPerSecond(), theirs.firstWindowPerSecond(), theirs.lastWindowPerSecond()) : "",
            scenario.kind == Scenario.Kind.RELAY ? String.format(Locale.ROOT, "   sink connections (full handshakes) ours %d (%d) postfix %d (%d)",
                our.sinkConnections(), our.sinkFullHandshakes(), theirs.sinkConnections(), theirs.sinkFullHandshakes()) : "",
            ProcessCpu.loadAverage());
        report.printf(Locale.ROOT, "         ours CPU ms/msg by stage: %s%n", stages(our));
    }

    /** {@code smtp 0.62  spool 1.10 ...}: a measurement's CPU per message by {@link ThreadCpu} stage. */
    private static String stages(Measurement measurement) {
        return ThreadCpu.STAGES.stream()
            .map(stage -> String.format(Locale.ROOT, "%s %.2f", stage, measurement.stageMillisPerMessage().getOrDefault(stage, 0.0)))
            .collect(Collectors.joining("  "));
    }

    /**
     * Unmeasured mail before the rounds, so that a round times a server that has compiled its hot paths (our JVM) and
     * warmed its caches rather than its start; the next measurement waits until the server is idle again, i.e.
     * until this mail is delivered.
     */
    private static void warmUp(Contender server, SmtpLoad warmUpLoad, int messages) throws Exception {
        if (messages > 0) {
            warmUpLoad.send(server.smtpPort(), messages, "warm-up");
        }
    }

    /**
     * Warm-up for the relay and inbound scenarios: chunks of {@code chunk} mails, each timed as a round is, until a
     * chunk is no more than 5 % faster than the one before it ({@link #FLAT_WITHIN}) <em>and</em> our JIT compiler
     * threads used at most {@code bench.warmup.maxJitShare} (5 %) of the CPU of both (one quiet chunk was often
     * followed by a busy one: C2 works through a queue); at least two chunks, at most
     * {@code bench.warmup.maxChunks} (100). The rate alone was not enough: on 4 Dec a warm-up that stopped at a flat
     * rate after 3,000 mails left C2 compiling at 35-40 % of our CPU through every round (James is large; it took
     * about 30,000 relayed mails to fall to 5 %), so the rounds timed a young JVM, not the server a deployment runs.
     */
    private static void warmUpUntilFlat(PrintStream report, Scenario scenario, Contender server, SmtpLoad warmUpLoad,
            TestSmtpPeer sink, int chunk) throws Exception {
        if (chunk <= 0) {
            return;
        }
        int maxChunks = Math.max(2, Integer.getInteger("bench.warmup.maxChunks", 100));
        double maxJitShare = Double.parseDouble(System.getProperty("bench.warmup.maxJitShare", "0.05"));
        List<Measurement> chunks = new ArrayList<>();
        boolean flat = false;
        while (!flat && chunks.size() < maxChunks) {
            Measurement now = measure(scenario, server, warmUpLoad, sink, chunk, "warm-up " + (chunks.size() + 1));
            chunks.add(now);
            int last = chunks.size() - 1;
            flat = last > 0 && now.messagesPerSecond() <= chunks.get(last - 1).messagesPerSecond() * (1 + FLAT_WITHIN)
                && now.jitShare() <= maxJitShare && chunks.get(last - 1).jitShare() <= maxJitShare;
        }
        report.printf(Locale.ROOT, "warm-up %s: %d x %d mails, msg/s (JIT share of CPU) %s%s%n", server.name(), chunks.size(), chunk,
            chunks.stream().map(m -> String.format(Locale.ROOT, "%.1f (%.0f%%)", m.messagesPerSecond(), 100 * m.jitShare()))
                .collect(Collectors.joining(" ")),
            flat ? "" : " (not yet steady at bench.warmup.maxChunks)");
    }

    private static Measurement measure(Scenario scenario, Contender server, SmtpLoad load, TestSmtpPeer sink, int messages, String label)
            throws Exception {
        ProcessCpu.awaitIdle(server.process());
        sink.resetRecords();
        ThreadCpu cpuStart = ThreadCpu.of(server.process());
        long start = System.nanoTime();
        CompletableFuture<long[]> sending = CompletableFuture.supplyAsync(() -> {
            try {
                return load.send(server.smtpPort(), messages, scenario.id + " " + label);
            } catch (Exception e) {
                throw new IllegalStateException(server.name() + ", " + label + ": " + e.getMessage(), e);
            }
        });
        long end;
        double firstWindow = Double.NaN;
        double lastWindow = Double.NaN;
        switch (scenario.kind) {
            case INBOUND:
                end = Arrays.stream(sending.join()).max().getAsLong();
                break;
            case RELAY:
                end = awaitCount(sending, start, 5, count -> count >= messages, () -> sink.acceptedTransactions().size()).get(0)[0];
                if (sink.cleartextMessageBytes() != 0) {
                    throw new IllegalStateException(server.name() + " relayed message bytes in cleartext");
                }
                break;
            default:
                int window = Math.max(1, Math.min(1000, messages / 10));
                List<long[]> samples = awaitCount(sending, start, Long.getLong("bench.poll.ms", 500), count -> false,
                    server::messagesInMailboxes);
                end = reached(samples, start, messages);
                firstWindow = window / seconds(reached(samples, start, window) - start);
                lastWindow = window / seconds(end - reached(samples, start, messages - window));
        }
        sending.join();
        ProcessCpu.awaitIdle(server.process());
        ThreadCpu cpuEnd = ThreadCpu.of(server.process());
        double cpu = cpuEnd.processSeconds() - cpuStart.processSeconds();
        Map<String, Double> stages = new HashMap<>();
        ThreadCpu.stagesBetween(cpuStart, cpuEnd).forEach((stage, stageSeconds) -> stages.put(stage, stageSeconds * 1000 / messages));
        return new Measurement(messages / seconds(end - start), cpu * 1000 / messages, stages, firstWindow, lastWindow,
            sink.connectionCount(), sink.tlsHandshakes() - sink.tlsSessionsResumed());
    }

    /** A count read now. */
    @FunctionalInterface
    private interface Count {
        int read() throws Exception;
    }

    /**
     * Polls {@code count} every {@code pollMillis} until it reaches the number of messages sent (or {@code done}
     * says so); returns the samples {time, count}, the last one first when {@code done} ended the wait.
     */
    private static List<long[]> awaitCount(CompletableFuture<long[]> sending, long start, long pollMillis, IntPredicate done, Count count)
            throws Exception {
        List<long[]> samples = new ArrayList<>();
        while (true) {
            if (sending.isCompletedExceptionally()) {
                sending.join();
            }
            int now = count.read();
            long at = System.nanoTime();
            if (done.test(now)) {
                return List.of(new long[] {at, now});
            }
            samples.add(new long[] {at, now});
            if (sending.isDone() && now >= sending.join().length) {
                return samples;
            }
            if (at - start > DEADLINE_NANOS) {
                throw new IllegalStateException("only " + now + " messages after 30 minutes");
            }
            TimeUnit.MILLISECONDS.sleep(pollMillis);
        }
    }

    /**
     * When the count reached {@code count}: interpolated between the last sample below it and the first at or above
     * it (a sample {start, 0} comes first), so a window's rate is not rounded to the poll interval.
     */
    private static long reached(List<long[]> samples, long start, int count) {
        long[] before = {start, 0};
        for (long[] sample : samples) {
            if (sample[1] >= count) {
                double fraction = (double) (count - before[1]) / (sample[1] - before[1]);
                return before[0] + Math.round(fraction * (sample[0] - before[0]));
            }
            before = sample;
        }
        throw new IllegalStateException("never reached " + count);
    }

    private static void summary(PrintStream report, Scenario scenario, int messages, List<Measurement> ours, List<Measurement> postfix,
            String loadStart, String loadEnd) {
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            ratios.add(ours.get(i).messagesPerSecond() / postfix.get(i).messagesPerSecond());
            cpuRatios.add(ours.get(i).cpuMillisPerMessage() / postfix.get(i).cpuMillisPerMessage());
        }
        report.println("---");
        report.printf(Locale.ROOT, "%s: ours/postfix msg/s, median of per-round ratios %s over %d rounds%n",
            scenario.id, Spread.of(ratios).format("%.2f"), ours.size());
        report.printf(Locale.ROOT, "  msg/s       ours %s   postfix %s%n", spread(ours, Measurement::messagesPerSecond, "%.1f"),
            spread(postfix, Measurement::messagesPerSecond, "%.1f"));
        report.printf(Locale.ROOT, "  CPU ms/msg  ours %s   postfix %s   per-round ratio ours/postfix %s%n",
            spread(ours, Measurement::cpuMillisPerMessage, "%.2f"), spread(postfix, Measurement::cpuMillisPerMessage, "%.2f"),
            Spread.of(cpuRatios).format("%.2f"));
        report.printf(Locale.ROOT, "  ours CPU ms/msg by stage: %s%n", ThreadCpu.STAGES.stream()
            .map(stage -> stage + " " + spread(ours, m -> m.stageMillisPerMessage().getOrDefault(stage, 0.0), "%.2f"))
            .collect(Collectors.joining("  ")));
        if (scenario.kind == Scenario.Kind.MAILBOX) {
            int window = Math.max(1, Math.min(1000, messages / 10));
            report.printf(Locale.ROOT, "  into the mailboxes, msg/s of messages 1-%d: ours %s   postfix %s%n", window,
                spread(ours, Measurement::firstWindowPerSecond, "%.0f"), spread(postfix, Measurement::firstWindowPerSecond, "%.0f"));
            report.printf(Locale.ROOT, "  into the mailboxes, msg/s of messages %d-%d: ours %s   postfix %s%n", messages - window + 1, messages,
                spread(ours, Measurement::lastWindowPerSecond, "%.0f"), spread(postfix, Measurement::lastWindowPerSecond, "%.0f"));
        }
        report.printf(Locale.ROOT, "  load average at start %s, at end %s%n", loadStart, loadEnd);
    }

    private static String spread(List<Measurement> results, java.util.function.ToDoubleFunction<Measurement> figure, String number) {
        return Spread.of(results.stream().map(figure::applyAsDouble).toList()).format(number);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** The first line a command prints, or "unknown". */
    private static String output(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor() == 0 && !text.isEmpty() ? text.lines().findFirst().get() : "unknown";
        } catch (Exception e) {
            return "unknown";
        }
    }
}
