package dev.tlsprovenance.benchmarks.verify;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.tlsprovenance.verify.HeaderBlock;
import dev.tlsprovenance.verify.HeaderStream;
import dev.tlsprovenance.verify.TraceAnalyzer;
import dev.tlsprovenance.verify.TrustBoundary;
import dev.tlsprovenance.verify.Verdict;

/**
 * Headers-only verification throughput on one thread, the way {@code tls-provenance verify big.mbox} runs:
 * stream the mbox, unfold each header section, parse every Received line, apply the trust boundary and decide
 * the verdict. Reports messages per second for each measured pass, after warm-up passes, and separately the
 * analysis alone over header sections already in memory.
 *
 * <p>Usage: {@code VerifyThroughput [mbox] [messages] [warmups] [passes]}; the mbox is generated when missing.
 */
public final class VerifyThroughput {
    private VerifyThroughput() {
    }

    public static void main(String[] args) throws IOException {
        Path mbox = Path.of(args.length > 0 ? args[0] : "target/verify-bench.mbox");
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int passes = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        if (!Files.exists(mbox)) {
            Files.createDirectories(mbox.toAbsolutePath().getParent());
            MboxGenerator.write(mbox, messages, 42);
        }
        TraceAnalyzer analyzer = new TraceAnalyzer(TrustBoundary.builder().trustHost(".example.test").trustNetwork("10.0.0.0/8").build());
        System.out.printf(Locale.ROOT, "mbox %s: %d MiB, JVM %s, %d available processors (one thread used)%n",
            mbox, Files.size(mbox) / (1024 * 1024), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] fileRates = new double[passes];
        double[] cpuRates = new double[passes];
        for (int i = 0; i < warmups + passes; i++) {
            long[] verdicts = new long[Verdict.values().length];
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long count;
            try (InputStream in = Files.newInputStream(mbox)) {
                count = HeaderStream.forEachHeaderBlock(in, block -> verdicts[analyzer.analyze(block).verdict().ordinal()]++, true);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            double rate = count / seconds;
            System.out.printf(Locale.ROOT, "%s pass %d: %d messages in %.2f s = %,.0f messages/s; thread CPU %.2f s = %,.0f messages per CPU-second (verdicts %s)%n",
                i < warmups ? "warm-up" : "measured", i + 1, count, seconds, rate, cpuSeconds, count / cpuSeconds, Arrays.toString(verdicts));
            if (i >= warmups) {
                fileRates[i - warmups] = rate;
                cpuRates[i - warmups] = count / cpuSeconds;
            }
        }

        // A 20,000-message sample: holding all 100k header sections would measure the garbage collector instead.
        List<HeaderBlock> blocks = new ArrayList<>(20_000);
        try (InputStream in = Files.newInputStream(mbox)) {
            HeaderStream.forEachHeaderBlock(HeaderStream.utf8Reader(in), block -> {
                if (blocks.size() < 20_000) {
                    blocks.add(block);
                }
            });
        }
        double[] analysisRates = new double[passes];
        for (int i = 0; i < warmups + passes; i++) {
            long cpuStart = threads.getCurrentThreadCpuTime();
            long sink = 0;
            for (int round = 0; round < 5; round++) {
                for (HeaderBlock block : blocks) {
                    sink += analyzer.analyze(block).hops().size();
                }
            }
            double rate = 5.0 * blocks.size() / ((threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
            if (i >= warmups) {
                analysisRates[i - warmups] = rate;
            }
            System.out.printf(Locale.ROOT, "%s analysis-only pass %d: %,.0f messages per CPU-second (%d hops)%n",
                i < warmups ? "warm-up" : "measured", i + 1, rate, sink);
        }
        System.out.printf(Locale.ROOT, "RESULT file (read+unfold+parse+analyse): wall clock median %,.0f messages/s (min %,.0f, max %,.0f);"
            + " per CPU-second of the one thread median %,.0f%n",
            median(fileRates), Arrays.stream(fileRates).min().orElse(0), Arrays.stream(fileRates).max().orElse(0), median(cpuRates));
        System.out.printf(Locale.ROOT, "RESULT analysis only (header sections in memory): median %,.0f messages per CPU-second%n", median(analysisRates));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
