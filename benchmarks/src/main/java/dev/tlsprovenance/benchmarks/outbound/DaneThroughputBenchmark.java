package dev.tlsprovenance.benchmarks.outbound;

import dev.tlsprovenance.benchmarks.BenchmarkMain;
import dev.tlsprovenance.dane.TlsaRecord;
import dev.tlsprovenance.dane.TlsaRecordSet;
import dev.tlsprovenance.testing.dns.TestDnsNamespace;
import dev.tlsprovenance.testing.dns.TestDnssecServer;
import dev.tlsprovenance.testing.dns.TestZone;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Outbound throughput at the DANE default (issue 13 item 6): "outbound throughput with DANE lookups cached stays
 * within 10% of today's". Both servers are {@code TlsPolicyRemoteDelivery} in one JVM, same delivery threads, same
 * connection pool settings, each to its own identical loopback STARTTLS peer:
 * <ul>
 *   <li><b>A</b> (before DANE): the destination's row is {@code outbound=may route=[localhost]:port} - what a
 *       destination without a row got before DANE became the default (opportunistic TLS, no DNS);</li>
 *   <li><b>B</b> (DANE default): no row; the built-in default is {@code dane}; {@code conf/dane.properties} points at
 *       the in-JVM DNSSEC server, whose signed zone gives the MX host, its address and a {@code 3 1 1} TLSA record
 *       matching the peer's certificate. Every mail takes the DANE path (validated MX, A/AAAA and TLSA answers from
 *       the lookup cache after the warm-up, DANE-EE check of the peer's certificate).</li>
 * </ul>
 * Fed the same way (one client, one reused SMTP connection, N mails); a measurement ends when the peer has accepted
 * the N-th mail over TLS. Rounds alternate which server goes first; the headline is the median of per-round B/A
 * ratios of messages per second and of this JVM's CPU time per message (the idle server costs both alike).
 * Run with {@code benchmarks/run-outbound.sh dane}.
 */
public final class DaneThroughputBenchmark {
    private static final String DOMAIN = "partner.test";
    private static final String RECIPIENT = "bob@" + DOMAIN;
    private static final String SENDER = "sender@" + JamesTestServer.LOCAL_DOMAIN;

    private DaneThroughputBenchmark() {
    }

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(DaneThroughputBenchmark::run);
    }

    private static void run() throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 9);
        int messages = Integer.getInteger("bench.messages", 500);
        int warmup = Integer.getInteger("bench.warmup.messages", 500);
        int threads = Integer.getInteger("bench.threads", 4);
        System.out.printf(Locale.ROOT, "DANE outbound throughput: rounds=%d messages=%d warmup=%d deliveryThreads=%d cores=%d java=%s%n",
            rounds, messages, warmup, threads, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        OutboundLoad load = new OutboundLoad(SENDER, RECIPIENT);
        TestCertificate leaf = TestPki.shared().peer("mx." + DOMAIN);
        String tlsa = TlsaRecordSet.of(TlsaRecord.forCertificate(3, 1, 1, leaf.certificate())).policyStrings().get(0);
        try (TestSmtpPeer peerA = TestSmtpPeer.builder().serverName("mx." + DOMAIN).identity(leaf).start();
             TestSmtpPeer peerB = TestSmtpPeer.builder().serverName("mx." + DOMAIN).identity(leaf).start()) {
            TestDnssecServer dns = TestDnssecServer.start(TestDnsNamespace.builder()
                .zone(TestZone.signed("test"))
                .zone(TestZone.signed(DOMAIN)
                    .record("@", 3600, "MX", "10 mx")
                    .record("mx", 3600, "A", "127.0.0.1")
                    .record("_" + peerB.port() + "._tcp.mx", 3600, "TLSA", tlsa))
                .build());
            try (dns;
                 JamesTestServer before = JamesTestServer.builder()
                     .withConfFile("tls-policy.conf", DOMAIN + "  outbound=may  route=[localhost]:" + peerA.port() + "\n")
                     .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
                     .withMailets(delivery(threads, "")).build().start();
                 JamesTestServer dane = JamesTestServer.builder()
                     .withConfFile("dane.properties", "dnssec.resolver=" + dns.address().getAddress().getHostAddress()
                         + ":" + dns.address().getPort() + "\n"
                         + "dnssec.trustAnchors=test-root.ds\n")
                     .withConfFile("test-root.ds", dns.namespace().trustAnchor())
                     .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
                     .withMailets(delivery(threads, "  <dane>file://conf/dane.properties</dane>\n"
                         + "  <smtpPort>" + peerB.port() + "</smtpPort>\n")).build().start()) {
                load.measure(before, peerA, warmup);
                load.measure(dane, peerB, warmup);
                if (peerB.tlsHandshakes() == 0) {
                    throw new IllegalStateException("B delivered without TLS: DANE was not used");
                }
                System.out.printf(Locale.ROOT, "warm-up: peer A %d connections, %d TLS handshakes; peer B %d connections, %d TLS handshakes; DNS queries %d%n",
                    peerA.connectionCount(), peerA.tlsHandshakes(), peerB.connectionCount(), peerB.tlsHandshakes(), dns.queries().size());
                List<Double> rateA = new ArrayList<>();
                List<Double> rateB = new ArrayList<>();
                List<Double> rateRatios = new ArrayList<>();
                List<Double> cpuRatios = new ArrayList<>();
                List<Double> cpuA = new ArrayList<>();
                List<Double> cpuB = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    boolean beforeFirst = round % 2 == 1;
                    OutboundLoad.Sample first = beforeFirst ? load.measure(before, peerA, messages) : load.measure(dane, peerB, messages);
                    OutboundLoad.Sample second = beforeFirst ? load.measure(dane, peerB, messages) : load.measure(before, peerA, messages);
                    OutboundLoad.Sample a = beforeFirst ? first : second;
                    OutboundLoad.Sample b = beforeFirst ? second : first;
                    rateA.add(a.rate);
                    rateB.add(b.rate);
                    cpuA.add(a.cpuPerMessage);
                    cpuB.add(b.cpuPerMessage);
                    rateRatios.add(b.rate / a.rate);
                    cpuRatios.add(b.cpuPerMessage / a.cpuPerMessage);
                    System.out.printf(Locale.ROOT, "round %d (%s first)  A may+route %7.1f msg/s %6.0f us/msg   B dane %7.1f msg/s %6.0f us/msg   B/A rate %.3f cpu %.3f%n",
                        round, beforeFirst ? "A" : "B", a.rate, a.cpuPerMessage / 1e3, b.rate, b.cpuPerMessage / 1e3,
                        b.rate / a.rate, b.cpuPerMessage / a.cpuPerMessage);
                }
                System.out.println("---");
                System.out.printf(Locale.ROOT, "median  A %7.1f msg/s %6.0f us/msg   B %7.1f msg/s %6.0f us/msg%n",
                    OutboundLoad.median(rateA), OutboundLoad.median(cpuA) / 1e3, OutboundLoad.median(rateB), OutboundLoad.median(cpuB) / 1e3);
                System.out.printf(Locale.ROOT, "per-round B/A rate: median %.3f (range %.3f-%.3f)   CPU per message: median %.3f (range %.3f-%.3f)%n",
                    OutboundLoad.median(rateRatios), Collections.min(rateRatios), Collections.max(rateRatios),
                    OutboundLoad.median(cpuRatios), Collections.min(cpuRatios), Collections.max(cpuRatios));
                System.out.printf(Locale.ROOT, "DNS queries answered in all: %d (the rest came from the lookup cache)%n", dns.queries().size());
            }
        }
    }

    private static String delivery(int threads, String extra) {
        return "<mailet match=\"All\" class=\"dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery\">\n"
            + "  <outgoingQueue>outgoing-tls</outgoingQueue>\n"
            + "  <delays>1s, 5s</delays>\n"
            + "  <maxRetries>3</maxRetries>\n"
            + "  <deliveryThreads>" + threads + "</deliveryThreads>\n"
            + "  <maxIdleConnectionsPerHop>" + threads + "</maxIdleConnectionsPerHop>\n"
            + extra
            + "</mailet>\n";
    }
}
