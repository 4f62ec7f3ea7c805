package dev.tlsprovenance.benchmarks.outbound;

import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import dev.tlsprovenance.benchmarks.BenchmarkMain;

/**
 * Outbound delivery throughput (issue 4 item 4): messages per second from James to one local TLS peer.
 * A = stock James 3.8.1 {@code RemoteDelivery} (startTLS=true, gateway = the peer, javax.mail, a new
 * connection per mail); B = {@code TlsPolicyRemoteDelivery} at level {@code verify} (chain checked against the
 * private CA, pooled connections, TLS session reuse, provenance attribute + log line + JSON ledger per attempt).
 * Both run in one JVM against two identical {@link TestSmtpPeer}s, same 4 delivery threads, fed the same way:
 * one client submits N mails over one reused SMTP connection, and a measurement ends when the peer has accepted
 * the N-th mail over TLS. Rounds alternate which server goes first; the headline is the median of the per-round
 * B/A ratios. Run with {@code benchmarks/run-outbound.sh}.
 */
public final class OutboundThroughputBenchmark {
    private static final String PARTNER = "mx.partner.test";
    private static final String RECIPIENT = "bob@partner.test";
    private static final String SENDER = "sender@" + JamesTestServer.LOCAL_DOMAIN;

    private OutboundThroughputBenchmark() {
    }

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(OutboundThroughputBenchmark::run);
    }

    private static void run() throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 5);
        int messages = Integer.getInteger("bench.messages", 300);
        int warmup = Integer.getInteger("bench.warmup.messages", 200);
        int threads = Integer.getInteger("bench.threads", 4);
        System.out.printf(Locale.ROOT, "Outbound throughput: rounds=%d messages=%d warmup=%d deliveryThreads=%d cores=%d java=%s%n",
            rounds, messages, warmup, threads, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        OutboundLoad load = new OutboundLoad(SENDER, RECIPIENT);
        Path ca = Files.createTempFile("bench-ca", ".pem");
        Files.writeString(ca, TestPki.shared().root().certificatePem(), StandardCharsets.US_ASCII);
        try (TestSmtpPeer peerA = TestSmtpPeer.builder().serverName(PARTNER).identity(TestPki.shared().peer(PARTNER)).start();
             TestSmtpPeer peerB = TestSmtpPeer.builder().serverName(PARTNER).identity(TestPki.shared().peer(PARTNER)).start();
             JamesTestServer stock = JamesTestServer.builder().withMailets(stockRemoteDelivery(peerA, threads)).build().start();
             JamesTestServer ours = JamesTestServer.builder()
                 .withConfFile("tls-policy.conf", "partner.test  outbound=verify  ca=" + ca + "  route=[localhost]:" + peerB.port() + "\n")
                 .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
                 .withMailets(ourDelivery(threads)).build().start()) {
            load.measure(stock, peerA, warmup);
            load.measure(ours, peerB, warmup);
            List<Double> a = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                boolean stockFirst = round % 2 == 1;
                double first = (stockFirst ? load.measure(stock, peerA, messages) : load.measure(ours, peerB, messages)).rate;
                double second = (stockFirst ? load.measure(ours, peerB, messages) : load.measure(stock, peerA, messages)).rate;
                double rateA = stockFirst ? first : second;
                double rateB = stockFirst ? second : first;
                a.add(rateA);
                b.add(rateB);
                ratios.add(rateB / rateA);
                System.out.printf(Locale.ROOT, "round %d (%s first)  A stock RemoteDelivery %8.1f msg/s   B TlsPolicyRemoteDelivery %8.1f msg/s   B/A %.2f%n",
                    round, stockFirst ? "A" : "B", rateA, rateB, rateB / rateA);
            }
            System.out.println("---");
            System.out.printf(Locale.ROOT, "median  A %8.1f msg/s   B %8.1f msg/s   median of per-round B/A %.2f%n",
                OutboundLoad.median(a), OutboundLoad.median(b), OutboundLoad.median(ratios));
            System.out.printf(Locale.ROOT, "peer A: %d connections, %d TLS handshakes (%d resumed); peer B: %d connections, %d TLS handshakes (%d resumed)%n",
                peerA.connectionCount(), peerA.tlsHandshakes(), peerA.tlsSessionsResumed(),
                peerB.connectionCount(), peerB.tlsHandshakes(), peerB.tlsSessionsResumed());
        }
    }

    private static String stockRemoteDelivery(TestSmtpPeer peer, int threads) {
        return "<mailet match=\"All\" class=\"RemoteDelivery\">\n"
            + "  <outgoing>outgoing-stock</outgoing>\n"
            + "  <delayTime>1000, 5000</delayTime>\n"
            + "  <maxRetries>3</maxRetries>\n"
            + "  <maxDnsProblemRetries>0</maxDnsProblemRetries>\n"
            + "  <deliveryThreads>" + threads + "</deliveryThreads>\n"
            + "  <sendpartial>true</sendpartial>\n"
            + "  <startTLS>true</startTLS>\n"
            + "  <gateway>127.0.0.1</gateway>\n"
            + "  <gatewayPort>" + peer.port() + "</gatewayPort>\n"
            // the test PKI is not in the JVM trust store; stock RemoteDelivery can only trust all (= level encrypt)
            + "  <verifyServerIdentity>false</verifyServerIdentity>\n"
            + "  <mail.smtp.ssl.trust>*</mail.smtp.ssl.trust>\n"
            + "</mailet>\n";
    }

    private static String ourDelivery(int threads) {
        return "<mailet match=\"All\" class=\"dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery\">\n"
            + "  <outgoingQueue>outgoing-tls</outgoingQueue>\n"
            + "  <delays>1s, 5s</delays>\n"
            + "  <maxRetries>3</maxRetries>\n"
            + "  <deliveryThreads>" + threads + "</deliveryThreads>\n"
            + "  <maxIdleConnectionsPerHop>" + threads + "</maxIdleConnectionsPerHop>\n"
            + "</mailet>\n";
    }
}
