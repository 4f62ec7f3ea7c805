package dev.tlsprovenance.benchmarks.vspostfix;

import java.util.Map;

import dev.tlsprovenance.benchmarks.harness.ThreadCpu;

/**
 * One server's result for one round: messages per second from the first connection to the scenario's end, CPU per
 * message of its processes from the first connection until they are idle again (work deferred past the end counts),
 * that CPU by stage (ours: its threads grouped by {@link ThreadCpu}; Postfix: one stage, {@code other}),
 * for the into-mailbox scenarios the rates of the first and the last window of messages (NaN elsewhere), and for the
 * relay scenarios the connections and full TLS handshakes the sink saw (0 elsewhere): what shows connection reuse.
 */
record Measurement(double messagesPerSecond, double cpuMillisPerMessage, Map<String, Double> stageMillisPerMessage,
        double firstWindowPerSecond, double lastWindowPerSecond, int sinkConnections, int sinkFullHandshakes) {

    Measurement {
        stageMillisPerMessage = Map.copyOf(stageMillisPerMessage);
    }

    /** CPU per message of the JIT compiler threads: a JVM still compiling is not at its steady rate yet. */
    double jitMillisPerMessage() {
        return stageMillisPerMessage.getOrDefault(ThreadCpu.JIT, 0.0);
    }

    /** The share of the CPU that went into JIT compilation (0 for Postfix). */
    double jitShare() {
        return cpuMillisPerMessage > 0 ? jitMillisPerMessage() / cpuMillisPerMessage : 0;
    }
}
