package dev.tlsprovenance.benchmarks.inbound;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** What one run measures, from system properties (defaults sized for a loaded 2-core machine). */
final class InboundSettings {
    static final String DEFAULT_CORE_HANDLERS = "dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers";
    static final String DEFAULT_MAILETS = "dev.tlsprovenance.headers.AddTlsProvenanceHeaders";

    final int rounds = Integer.getInteger("bench.rounds", 9);
    final int newConnectionMessages = Integer.getInteger("bench.newConnection.messages", 200);
    final int reusedMessages = Integer.getInteger("bench.reused.messages", 3000);
    /** Reused-connection messages per warm-up cycle and server (a quarter of it over new connections). */
    final int warmupMessages = Integer.getInteger("bench.warmup.messages", 1500);
    /** Warm-up cycles, alternating A and B: the JIT needs tens of thousands of SMTP commands. */
    final int warmupCycles = Integer.getInteger("bench.warmup.cycles", 3);
    /** More cycles after those while the JIT compiler threads used more than this share of the JVM's CPU in one. */
    final double warmupMaxJitShare = Double.parseDouble(System.getProperty("bench.warmup.maxJitShare", "0.05"));
    /** The warm-up ends after this many cycles even if the JIT is still busy (the output then shows its share). */
    final int warmupMaxCycles = Integer.getInteger("bench.warmup.maxCycles", 40);
    /** B's core handler package; empty = James's stock CoreCmdHandlerLoader. */
    final String coreHandlersPackage = System.getProperty("bench.b.coreHandlersPackage", DEFAULT_CORE_HANDLERS).trim();
    /** Extra hook classes for B's handler chain, comma-separated. */
    final List<String> hooks = classes(System.getProperty("bench.b.hooks", ""));
    /** Mailet classes for B, first in the root processor (match="All"), comma-separated. */
    final List<String> mailets = classes(System.getProperty("bench.b.mailets", DEFAULT_MAILETS));

    private static List<String> classes(String list) {
        return Arrays.stream(list.split(","))
            .map(String::trim)
            .filter(name -> !name.isEmpty())
            .collect(Collectors.toUnmodifiableList());
    }

    String describeB() {
        return "coreHandlersPackage=" + (coreHandlersPackage.isEmpty() ? "(stock)" : coreHandlersPackage)
            + " hooks=" + hooks + " mailets=" + mailets;
    }

    @Override
    public String toString() {
        return "rounds=" + rounds + " newConnection.messages=" + newConnectionMessages
            + " reused.messages=" + reusedMessages + " warmup.messages=" + warmupMessages + " warmup.cycles=" + warmupCycles
            + " warmup.maxJitShare=" + warmupMaxJitShare + " warmup.maxCycles=" + warmupMaxCycles;
    }
}
