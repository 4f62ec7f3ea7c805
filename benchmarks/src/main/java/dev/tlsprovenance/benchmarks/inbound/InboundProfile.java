package dev.tlsprovenance.benchmarks.inbound;

import java.util.Locale;

import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.benchmarks.BenchmarkMain;

/**
 * One server only (A = stock or B = as configured for {@link InboundOverheadBenchmark}), loaded over one reused
 * STARTTLS connection: a clean target for a CPU profiler (JFR), which cannot tell two servers in one JVM apart.
 * {@code -Dbench.profile.server=A|B}, {@code -Dbench.profile.messages} (default 30000), warm-up as the benchmark.
 * Run it like the benchmark, e.g. with {@code -XX:StartFlightRecording=filename=b.jfr,settings=profile}.
 */
public final class InboundProfile {
    private InboundProfile() {
    }

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(InboundProfile::run);
    }

    private static void run() throws Exception {
        InboundSettings settings = new InboundSettings();
        boolean stock = "A".equalsIgnoreCase(System.getProperty("bench.profile.server", "B"));
        int messages = Integer.getInteger("bench.profile.messages", 30000);
        JamesTestServer.Builder builder = JamesTestServer.builder();
        try (JamesTestServer james = (stock ? builder : InboundOverheadBenchmark.withOurInbound(builder, settings)).build().start()) {
            InboundLoad load = new InboundLoad();
            for (int cycle = 1; cycle <= settings.warmupCycles; cycle++) {
                load.measure(james, InboundLoad.Mode.REUSED_CONNECTION, settings.warmupMessages);
            }
            for (int part = 1; part <= 3; part++) {
                InboundLoad.Result result = load.measure(james, InboundLoad.Mode.REUSED_CONNECTION, messages / 3);
                System.out.printf(Locale.ROOT, "%s %s: %.1f msg/s, %.0f us CPU/msg%n", stock ? "A (stock)" : "B",
                    stock ? "" : settings.describeB(), result.messagesPerSecond, result.cpuMicrosPerMessage);
            }
        }
    }
}
