package dev.tlsprovenance.benchmarks.inbound;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.sun.management.OperatingSystemMXBean;

import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;
import dev.tlsprovenance.testing.smtp.SmtpReply;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/**
 * One sequential sending client over STARTTLS. A measurement ends when the last mail has gone through the
 * whole mailet container (it is in the delivered repository), not when the client got its 250: the
 * mailets run after the SMTP reply and must be inside the measured time.
 */
final class InboundLoad {
    enum Mode {
        NEW_CONNECTION("new connection per message"),
        REUSED_CONNECTION("one reused connection");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    private static final String SENDER = "sender@client.test";
    private static final String RECIPIENT = "bob@" + JamesTestServer.LOCAL_DOMAIN;
    private final TestTls clientTls = TestPki.shared().trustingRoot();
    /**
     * {@code bench.extraHeaderBytes} (default 0): trace headers of earlier hops put in front of every message, so
     * the mail looks like Internet mail (whose header section is typically several KB) rather than a 450-byte stub.
     */
    private final String upstreamHeaders = upstreamHeaders(Integer.getInteger("bench.extraHeaderBytes", 0));
    /** {@code bench.bodyBytes} (default 0 = a one-line body): the body's size, in 76-character lines. */
    private final String body = body(Integer.getInteger("bench.bodyBytes", 0));
    /**
     * {@code bench.multipart} (default false): the body as most Internet mail is, multipart/alternative with a
     * text/plain and a text/html part (each half the body, quoted-printable), instead of one text/plain body.
     */
    private final boolean multipart = Boolean.getBoolean("bench.multipart");

    /** What one measurement found. */
    static final class Result {
        final double messagesPerSecond;
        final double cpuMicrosPerMessage;
        final double serverCpuMicrosPerMessage;

        Result(double messagesPerSecond, double cpuMicrosPerMessage, double serverCpuMicrosPerMessage) {
            this.messagesPerSecond = messagesPerSecond;
            this.cpuMicrosPerMessage = cpuMicrosPerMessage;
            this.serverCpuMicrosPerMessage = serverCpuMicrosPerMessage;
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static final OperatingSystemMXBean OS =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Sends {@code messages} mails and returns messages per second, end to end. */
    double messagesPerSecond(JamesTestServer james, Mode mode, int messages) throws IOException {
        return measure(james, mode, messages).messagesPerSecond;
    }

    /**
     * Sends {@code messages} mails: messages per second end to end, and this JVM's CPU time per message
     * (client and both servers; the client's and the idle server's share is the same for A and B, so the
     * difference is what B's handlers and mailets cost, and other processes' load barely moves it).
     */
    Result measure(JamesTestServer james, Mode mode, int messages) throws IOException {
        james.clearDelivered();
        Map<Long, Long> threadsStart = serverThreadCpu();
        long cpuStart = OS.getProcessCpuTime();
        long start = System.nanoTime();
        if (mode == Mode.NEW_CONNECTION) {
            for (int i = 0; i < messages; i++) {
                try (SmtpTestClient smtp = startTls(james)) {
                    send(smtp, i);
                    smtp.quit();
                }
            }
        } else {
            try (SmtpTestClient smtp = startTls(james)) {
                for (int i = 0; i < messages; i++) {
                    send(smtp, i);
                }
                smtp.quit();
            }
        }
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(2))
            .until(() -> james.mailCount(JamesTestServer.DELIVERED) >= messages);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMicros = (OS.getProcessCpuTime() - cpuStart) / 1e3;
        Map<Long, Long> threadsEnd = serverThreadCpu();
        long serverNanos = 0;
        for (Map.Entry<Long, Long> thread : threadsEnd.entrySet()) {
            serverNanos += thread.getValue() - threadsStart.getOrDefault(thread.getKey(), 0L);
        }
        return new Result(messages / seconds, cpuMicros / messages, serverNanos / 1e3 / messages);
    }

    /**
     * CPU time so far of every live Java thread except the client (this thread) and Awaitility's poller: the
     * servers' own threads (SMTP workers, spool, mailets). The JIT compiler and GC threads are not Java threads and
     * are left out, as are other processes: the noise of the process-wide figure is mostly theirs. A thread that ends
     * during a measurement loses its share (James's pools keep theirs).
     */
    private static Map<Long, Long> serverThreadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        long client = Thread.currentThread().getId();
        for (ThreadInfo thread : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (thread == null || thread.getThreadId() == client || thread.getThreadName().startsWith("awaitility")) {
                continue;
            }
            long nanos = THREADS.getThreadCpuTime(thread.getThreadId());
            if (nanos > 0) {
                cpu.put(thread.getThreadId(), nanos);
            }
        }
        return cpu;
    }

    private SmtpTestClient startTls(JamesTestServer james) throws IOException {
        return SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(), "client.test", clientTls);
    }

    private void send(SmtpTestClient smtp, int index) throws IOException {
        String message = multipart ? multipartMessage("benchmark " + index)
            : TestMessages.simple(SENDER, RECIPIENT, "benchmark " + index, body);
        expect(smtp.send(SENDER, List.of(RECIPIENT), upstreamHeaders + message), 250);
    }

    private String multipartMessage(String subject) {
        String half = body.substring(0, body.length() / 2 - (body.length() / 2) % 76);
        return "From: <" + SENDER + ">\r\nTo: <" + RECIPIENT + ">\r\nSubject: " + subject + "\r\n"
            + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
            + "Message-ID: " + TestMessages.messageId() + "\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/alternative; boundary=\"=_alt_boundary\"\r\n\r\n"
            + "--=_alt_boundary\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + half
            + "--=_alt_boundary\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "<html><body>\r\n" + half + "</body></html>\r\n--=_alt_boundary--\r\n";
    }

    private static String body(int bytes) {
        if (bytes <= 0) {
            return "Test message body.\r\n";
        }
        String line = "x".repeat(74) + "\r\n";
        return line.repeat(Math.max(1, bytes / line.length()));
    }

    static String upstreamHeaders(int bytes) {
        StringBuilder headers = new StringBuilder();
        for (int hop = 1; headers.length() < bytes; hop++) {
            headers.append("Received: from relay").append(hop).append(".upstream.test (relay").append(hop)
                .append(".upstream.test [192.0.2.").append(hop % 250).append("])\r\n")
                .append("        by mx").append(hop).append(".upstream.test (Postfix) with ESMTPS id 4Q").append(hop)
                .append("Xz1k2LzMd\r\n        for <bob@james.test>; Sun, 29 Nov 2026 12:00:00 +0000 (UTC)\r\n");
        }
        return headers.toString();
    }

    private static void expect(SmtpReply reply, int code) {
        if (reply.code() != code) {
            throw new IllegalStateException("expected " + code + " but got: " + reply);
        }
    }
}
