package dev.tlsprovenance.benchmarks.vspostfix;

/**
 * One server's result for one round: messages per second from the first connection to the scenario's end, CPU per
 * message of its processes from the first connection until they are idle again (work deferred past the end counts),
 * for the into-mailbox scenarios the rates of the first and the last window of messages (NaN elsewhere), and for the
 * relay scenarios the connections and full TLS handshakes the sink saw (0 elsewhere): what shows connection reuse.
 */
record Measurement(double messagesPerSecond, double cpuMillisPerMessage, double firstWindowPerSecond, double lastWindowPerSecond,
        int sinkConnections, int sinkFullHandshakes) {
}
