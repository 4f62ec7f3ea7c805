package dev.tlsprovenance.benchmarks.vspostfix;

import dev.tlsprovenance.testing.pki.TestTls;
import dev.tlsprovenance.testing.smtp.SmtpReply;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The one client both servers get: {@code connections} parallel sessions to {@code localhost:port}, each
 * EHLO, STARTTLS (trusting the test root, checking the name; TLS sessions resumed on new connections as a sending MTA
 * does), EHLO, then up to {@code perConnection} transactions before QUIT and a new connection, until {@code messages}
 * mails were accepted. Every mail must get a 250.
 */
final class SmtpLoad {
    private static final String SENDER = "sender@client.test";

    private final TestTls tls;
    private final int connections;
    private final int perConnection;
    private final IntFunction<String> recipient;

    SmtpLoad(TestTls tls, int connections, int perConnection, IntFunction<String> recipient) {
        this.tls = tls;
        this.connections = connections;
        this.perConnection = perConnection;
        this.recipient = recipient;
    }

    /** Sends {@code messages} mails; returns when every one got its 250, with the {@code System.nanoTime()} of each. */
    long[] send(int port, int messages, String subject) throws Exception {
        long[] acceptedAt = new long[messages];
        AtomicInteger next = new AtomicInteger();
        ExecutorService sessions = Executors.newFixedThreadPool(connections);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                running.add(sessions.submit(() -> {
                    session(port, messages, next, acceptedAt, subject);
                    return null;
                }));
            }
            for (Future<?> session : running) {
                session.get();
            }
        } finally {
            sessions.shutdownNow();
        }
        return acceptedAt;
    }

    private void session(int port, int messages, AtomicInteger next, long[] acceptedAt, String subject) throws Exception {
        int index = next.getAndIncrement();
        while (index < messages) {
            try (SmtpTestClient smtp = SmtpTestClient.connectWithStartTls("localhost", port, "client.test", tls)) {
                for (int sent = 0; index < messages && sent < perConnection; sent++) {
                    String to = recipient.apply(index);
                    SmtpReply reply = smtp.send(SENDER, List.of(to), TestMessages.simple(SENDER, to, subject + " " + index));
                    expect(reply, 250, "mail " + index);
                    acceptedAt[index] = System.nanoTime();
                    index = next.getAndIncrement();
                }
                smtp.quit();
            }
        }
    }

    private static void expect(SmtpReply reply, int code, String what) {
        if (reply.code() != code) {
            throw new IllegalStateException(what + ": expected " + code + ", got " + reply);
        }
    }
}
