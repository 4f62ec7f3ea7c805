package dev.tlsprovenance.benchmarks.inbound;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;
import dev.tlsprovenance.benchmarks.BenchmarkMain;
import dev.tlsprovenance.benchmarks.harness.ThreadCpu;

/**
 * Inbound overhead (issue 2 item 8): two in-process James 3.8.1 servers in one JVM, A = stock, B = with our
 * inbound handlers and mailets, both storing every mail in a memory repository. Rounds alternate the order
 * (A,B then B,A) so drift and warm-up favour neither; each round measures both servers in both modes
 * (a new STARTTLS connection per message, and one reused STARTTLS connection). Prints per-round figures,
 * the medians and B/A. The headline figure is the median of the per-round ratios: A and B of one round ran
 * back to back, so load from other processes mostly cancels out of their ratio. Run with {@code benchmarks/run-inbound.sh}; see BENCHMARKS.md.
 */
public final class InboundOverheadBenchmark {
    private InboundOverheadBenchmark() {
    }

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(InboundOverheadBenchmark::run);
    }

    private static void run() throws Exception {
        InboundSettings settings = new InboundSettings();
        System.out.printf(Locale.ROOT, "Inbound overhead: %s%nB: %s%ncores=%d java=%s%n", settings, settings.describeB(),
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        try (JamesTestServer stock = JamesTestServer.builder().build().start();
             JamesTestServer ours = withOurInbound(JamesTestServer.builder(), settings).build().start()) {
            showWhatEachServerAdds(stock, "A");
            showWhatEachServerAdds(ours, "B");
            InboundLoad load = new InboundLoad();
            // At least bench.warmup.cycles, then on until the JIT is (nearly) done: a cycle in which the compiler
            // threads used more than bench.warmup.maxJitShare of this JVM's CPU is not the last (BENCHMARKS.md,
            // "A young JVM"); B's own code is compiled later than the James code both servers share.
            double jitShare = 1;
            for (int cycle = 1; cycle <= settings.warmupCycles
                    || (jitShare > settings.warmupMaxJitShare && cycle <= settings.warmupMaxCycles); cycle++) {
                ThreadCpu before = ThreadCpu.of(ProcessHandle.current());
                for (JamesTestServer server : List.of(stock, ours)) {
                    double reused = load.messagesPerSecond(server, InboundLoad.Mode.REUSED_CONNECTION, settings.warmupMessages);
                    double fresh = load.messagesPerSecond(server, InboundLoad.Mode.NEW_CONNECTION,
                        Math.max(1, settings.warmupMessages / 10));
                    System.out.printf(Locale.ROOT, "warm-up %d %s: %.1f msg/s new connection, %.1f msg/s reused%n",
                        cycle, server == stock ? "A" : "B", fresh, reused);
                }
                Map<String, Double> stages = ThreadCpu.stagesBetween(before, ThreadCpu.of(ProcessHandle.current()));
                double total = stages.values().stream().mapToDouble(Double::doubleValue).sum();
                jitShare = total > 0 ? stages.get(ThreadCpu.JIT) / total : 0;
                System.out.printf(Locale.ROOT, "warm-up %d: JIT compiler threads %.0f%% of this JVM's CPU%n", cycle, 100 * jitShare);
            }
            Map<InboundLoad.Mode, Figures> figures = new EnumMap<>(InboundLoad.Mode.class);
            for (InboundLoad.Mode mode : InboundLoad.Mode.values()) {
                figures.put(mode, new Figures());
            }
            for (int round = 1; round <= settings.rounds; round++) {
                boolean stockFirst = round % 2 == 1;
                for (InboundLoad.Mode mode : InboundLoad.Mode.values()) {
                    int messages = mode == InboundLoad.Mode.NEW_CONNECTION ? settings.newConnectionMessages : settings.reusedMessages;
                    InboundLoad.Result first = load.measure(stockFirst ? stock : ours, mode, messages);
                    InboundLoad.Result second = load.measure(stockFirst ? ours : stock, mode, messages);
                    InboundLoad.Result resultA = stockFirst ? first : second;
                    InboundLoad.Result resultB = stockFirst ? second : first;
                    figures.get(mode).add(resultA, resultB);
                    System.out.printf(Locale.ROOT, "round %d (%s first) %-27s A %7.1f msg/s %6.0f us CPU/msg %6.0f us server | "
                            + "B %7.1f msg/s %6.0f us CPU/msg %6.0f us server | B/A rate %.3f, CPU %.3f, server CPU %.3f%n",
                        round, stockFirst ? "A" : "B", mode.label,
                        resultA.messagesPerSecond, resultA.cpuMicrosPerMessage, resultA.serverCpuMicrosPerMessage,
                        resultB.messagesPerSecond, resultB.cpuMicrosPerMessage, resultB.serverCpuMicrosPerMessage,
                        resultB.messagesPerSecond / resultA.messagesPerSecond,
                        resultB.cpuMicrosPerMessage / resultA.cpuMicrosPerMessage,
                        resultB.serverCpuMicrosPerMessage / resultA.serverCpuMicrosPerMessage);
                }
            }
            System.out.println("---");
            for (InboundLoad.Mode mode : InboundLoad.Mode.values()) {
                Figures f = figures.get(mode);
                double pairedRatio = median(f.rateRatios);
                System.out.printf(Locale.ROOT, "median %-27s A %7.1f msg/s, B %7.1f msg/s; median of per-round B/A %.3f"
                        + " (throughput overhead %+.1f%%)%n",
                    mode.label, median(f.ratesA), median(f.ratesB), pairedRatio, (1 - pairedRatio) * 100);
                System.out.printf(Locale.ROOT, "median %-27s A %6.0f us CPU/msg, B %6.0f us CPU/msg; median of per-round"
                        + " B/A %.3f (CPU overhead %+.1f%%)%n",
                    mode.label, median(f.cpuA), median(f.cpuB), median(f.cpuRatios), (median(f.cpuRatios) - 1) * 100);
                System.out.printf(Locale.ROOT, "median %-27s A %6.0f us server CPU/msg, B %6.0f us server CPU/msg; median of"
                        + " per-round B/A %.3f (server CPU overhead %+.1f%%, per-round range %.3f-%.3f, middle half %.3f-%.3f)%n",
                    mode.label, median(f.serverCpuA), median(f.serverCpuB), median(f.serverCpuRatios),
                    (median(f.serverCpuRatios) - 1) * 100, Collections.min(f.serverCpuRatios), Collections.max(f.serverCpuRatios),
                    quantile(f.serverCpuRatios, 0.25), quantile(f.serverCpuRatios, 0.75));
            }
        }
    }

    /** Per-mode series over the rounds. */
    private static final class Figures {
        final List<Double> ratesA = new ArrayList<>();
        final List<Double> ratesB = new ArrayList<>();
        final List<Double> rateRatios = new ArrayList<>();
        final List<Double> cpuA = new ArrayList<>();
        final List<Double> cpuB = new ArrayList<>();
        final List<Double> cpuRatios = new ArrayList<>();
        final List<Double> serverCpuA = new ArrayList<>();
        final List<Double> serverCpuB = new ArrayList<>();
        final List<Double> serverCpuRatios = new ArrayList<>();

        void add(InboundLoad.Result a, InboundLoad.Result b) {
            serverCpuA.add(a.serverCpuMicrosPerMessage);
            serverCpuB.add(b.serverCpuMicrosPerMessage);
            serverCpuRatios.add(b.serverCpuMicrosPerMessage / a.serverCpuMicrosPerMessage);
            ratesA.add(a.messagesPerSecond);
            ratesB.add(b.messagesPerSecond);
            rateRatios.add(b.messagesPerSecond / a.messagesPerSecond);
            cpuA.add(a.cpuMicrosPerMessage);
            cpuB.add(b.cpuMicrosPerMessage);
            cpuRatios.add(b.cpuMicrosPerMessage / a.cpuMicrosPerMessage);
        }
    }

    static JamesTestServer.Builder withOurInbound(JamesTestServer.Builder builder, InboundSettings settings) {
        builder.withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule");
        if (!settings.coreHandlersPackage.isEmpty()) {
            builder.withCoreHandlersPackage(settings.coreHandlersPackage);
        }
        settings.hooks.forEach(builder::withHook);
        // First in the root processor, before James's RemoveMimeHeader, where the shipped mailetcontainer.xml has them.
        settings.mailets.forEach(mailet -> builder.withRootMailets("<mailet match=\"All\" class=\"" + mailet + "\"/>"));
        return builder;
    }

    /** One mail through each server before measuring, so a mis-configured B cannot pass for a fast one. */
    private static void showWhatEachServerAdds(JamesTestServer james, String label) throws Exception {
        james.clearDelivered();
        try (SmtpTestClient smtp = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "client.test", TestPki.shared().trustingRoot())) {
            smtp.send("sender@client.test", List.of("bob@james.test"),
                TestMessages.simple("sender@client.test", "bob@james.test", "check"));
            smtp.quit();
        }
        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        System.out.printf(Locale.ROOT, "%s: Received: %s%n", label, mail.firstHeader("Received").orElse("(none)"));
        System.out.printf(Locale.ROOT, "%s: X-TLS-Provenance: %s%n", label, mail.firstHeader("X-TLS-Provenance").orElse("(none)"));
        System.out.printf(Locale.ROOT, "%s: attributes: %s%n", label, mail.attributes().keySet());
        james.clearDelivered();
    }

    /** The {@code q} quantile (0..1) by linear interpolation between the sorted values. */
    private static double quantile(List<Double> values, double q) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        double position = q * (sorted.size() - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.size() - 1, below + 1);
        return sorted.get(below) + (sorted.get(above) - sorted.get(below)) * (position - below);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
