package dev.tlsprovenance.benchmarks.outbound;

import static org.awaitility.Awaitility.await;

import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The outbound benchmarks' feed and clock: one client submits N mails to a James over one reused SMTP connection; a
 * measurement ends when the peer has accepted the N-th mail, and no message byte may have reached it in cleartext.
 */
final class OutboundLoad {
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final String sender;
    private final String recipient;

    OutboundLoad(String sender, String recipient) {
        this.sender = sender;
        this.recipient = recipient;
    }

    /** One measurement: messages per second, and this JVM's CPU nanoseconds per message. */
    static final class Sample {
        final double rate;
        final double cpuPerMessage;

        Sample(double rate, double cpuPerMessage) {
            this.rate = rate;
            this.cpuPerMessage = cpuPerMessage;
        }
    }

    Sample measure(JamesTestServer james, TestSmtpPeer peer, int messages) throws IOException {
        peer.resetRecords();
        long cpuStart = OS.getProcessCpuTime();
        long start = System.nanoTime();
        try (SmtpTestClient smtp = SmtpTestClient.connect("localhost", james.smtpPort())) {
            smtp.ehlo("client.test");
            for (int i = 0; i < messages; i++) {
                int code = smtp.send(sender, List.of(recipient), TestMessages.simple(sender, recipient, "outbound bench " + i)).code();
                if (code != 250) {
                    throw new IllegalStateException("James refused message " + i + ": " + code);
                }
            }
            smtp.quit();
        }
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(5))
            .until(() -> peer.acceptedTransactions().size() >= messages);
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = OS.getProcessCpuTime() - cpuStart;
        if (peer.cleartextMessageBytes() != 0) {
            throw new IllegalStateException("message bytes arrived in cleartext");
        }
        return new Sample(messages / seconds, (double) cpu / messages);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}
