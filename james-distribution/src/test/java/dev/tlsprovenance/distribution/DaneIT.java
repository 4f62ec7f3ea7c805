package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.dane.TlsaRecord;
import dev.tlsprovenance.dane.TlsaRecordSet;
import dev.tlsprovenance.testing.dns.TestDnsNamespace;
import dev.tlsprovenance.testing.dns.TestDnssecServer;
import dev.tlsprovenance.testing.dns.TestZone;
import dev.tlsprovenance.testing.peer.ReceivedTransaction;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

/**
 * DANE in the packaged server, with the shipped configuration changed only where an administrator would: the shipped
 * {@code conf/dane.properties} pointed at the test DNSSEC server and its trust anchor, the default row of
 * {@code tls-policy.conf} switched from {@code may} to {@code dane}, one {@code dane-only} row, and (test only) the
 * MX port. The MX hosts of the test zones are the loopback STARTTLS sink with a certificate minted now.
 */
class DaneIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path directory;
    static DistributionProcess server;
    static TestSmtpPeer peer;
    static TestDnssecServer dns;
    static String matching;

    @BeforeAll
    static void start() throws Exception {
        TestCertificate leaf = TestPki.shared().peer("mx.dane.test");
        peer = TestSmtpPeer.builder().serverName("mx.dane.test").identity(leaf).start();
        matching = TlsaRecordSet.of(TlsaRecord.forCertificate(3, 1, 1, leaf.certificate())).policyStrings().get(0);
        String owner = "_" + peer.port() + "._tcp.mx";
        dns = TestDnssecServer.start(TestDnsNamespace.builder()
            .zone(TestZone.signed("test"))
            .zone(zone(TestZone.signed("good.test"), owner, matching))
            .zone(zone(TestZone.signed("mismatch.test"), owner, "3 1 1 " + "00".repeat(32)))
            .zone(zone(TestZone.signed("bogus.test").brokenSignatures(), owner, matching))
            .zone(zone(TestZone.unsigned("plain.test"), owner, matching))
            .zone(zone(TestZone.unsigned("strict.test"), owner, matching))
            .build());
        server = DistributionProcess.installInto(directory);
        Path conf = server.home().resolve("conf");
        String shippedDane = Files.readString(conf.resolve("dane.properties"));
        assertThat(shippedDane).contains("\ndnssec.resolver=system\n");
        Files.writeString(conf.resolve("test-root.ds"), dns.namespace().trustAnchor());
        Files.writeString(conf.resolve("dane.properties"), shippedDane
            .replace("\ndnssec.resolver=system\n", "\ndnssec.resolver=127.0.0.1:" + dns.address().getPort() + "\n")
            .replace("\ndnssec.trustAnchors=builtin-root\n", "\ndnssec.trustAnchors=test-root.ds\n"));
        String policy = Files.readString(conf.resolve("tls-policy.conf"));
        assertThat(policy).contains("outbound=may");
        Files.writeString(conf.resolve("tls-policy.conf"), policy.replaceFirst("(?m)^(default\\s.*)outbound=may", "$1outbound=dane")
            + "\nstrict.test  outbound=dane-only\n");
        String container = Files.readString(conf.resolve("mailetcontainer.xml"));
        String daneLine = "<dane>file://conf/dane.properties</dane>";
        assertThat(container).contains(daneLine);
        Files.writeString(conf.resolve("mailetcontainer.xml"),
            container.replace(daneLine, daneLine + "<smtpPort>" + peer.port() + "</smtpPort>"));
        server.start().awaitStarted();
    }

    private static TestZone.Builder zone(TestZone.Builder zone, String tlsaOwner, String tlsa) {
        return zone.record("@", 300, "MX", "10 mx").record("mx", 300, "A", "127.0.0.1").record(tlsaOwner, 300, "TLSA", tlsa);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (peer != null) {
            peer.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private static List<JsonNode> lines(String domain) throws Exception {
        Path ledger = server.home().resolve("var/tls-ledger/outbound.jsonl");
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(ledger)) {
            for (String line : Files.readAllLines(ledger)) {
                JsonNode node = JSON.readTree(line);
                if (domain.equals(node.path("domain").asText())) {
                    lines.add(node);
                }
            }
        }
        return lines;
    }

    private static JsonNode firstLine(String domain) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> !lines(domain).isEmpty());
        return lines(domain).get(0);
    }

    @Test
    void aDestinationWithMatchingTlsaIsDeliveredAuthenticated() throws Exception {
        new MailClients(server).send(false, "alice@example.test", "bob@good.test", "dane-good", "authenticated by TLSA");

        ReceivedTransaction received = peer.awaitTransactions(1).stream()
            .filter(t -> t.recipients().contains("bob@good.test")).findFirst().orElseThrow();
        assertThat(received.overTls()).isTrue();
        JsonNode line = firstLine("good.test");
        assertThat(line.path("policy-source").asText()).isEqualTo("dane");
        assertThat(line.path("level").asText()).isEqualTo("dane");
        assertThat(line.path("dnssec").asText()).isEqualTo("secure");
        assertThat(line.path("tlsa").get(0).asText()).isEqualTo(matching);
        assertThat(line.path("trust").asText()).isEqualTo("dane");
        assertThat(line.path("verify").asText()).isEqualTo("verified");
    }

    @Test
    void mismatchBogusAndDaneOnlyInsecureWaitWith475AndNothingIsSent() throws Exception {
        MailClients clients = new MailClients(server);
        clients.send(false, "alice@example.test", "carol@mismatch.test", "dane-mismatch", "must not leak");
        clients.send(false, "alice@example.test", "dave@bogus.test", "dane-bogus", "must not leak");
        clients.send(false, "alice@example.test", "erin@strict.test", "dane-only", "must not leak");

        JsonNode mismatch = firstLine("mismatch.test");
        assertThat(mismatch.path("result-type").asText()).isEqualTo("validation-failure");
        assertThat(mismatch.path("transport").asText()).isEqualTo("none");
        JsonNode bogus = firstLine("bogus.test");
        assertThat(bogus.path("result-type").asText()).isEqualTo("dnssec-invalid");
        assertThat(bogus.path("dnssec").asText()).isEqualTo("bogus");
        JsonNode strict = firstLine("strict.test");
        assertThat(strict.path("result-type").asText()).isEqualTo("dane-required");
        assertThat(strict.path("level").asText()).isEqualTo("dane-only");
        for (JsonNode line : List.of(mismatch, bogus, strict)) {
            JsonNode recipient = line.path("recipients").get(0);
            assertThat(recipient.path("result").asText()).as(line.toString()).isEqualTo("deferred");
            assertThat(recipient.path("status").asText()).as(line.toString()).isEqualTo("4.7.5");
        }
        assertThat(peer.transactions()).noneMatch(t -> t.recipients().stream()
            .anyMatch(r -> r.endsWith("@mismatch.test") || r.endsWith("@bogus.test") || r.endsWith("@strict.test")));
        assertThat(peer.commandLog()).noneMatch(l -> l.contains("mismatch.test") || l.contains("bogus.test") || l.contains("strict.test"));
    }

    @Test
    void anInsecureDestinationIsDeliveredAsMay() throws Exception {
        new MailClients(server).send(false, "alice@example.test", "frank@plain.test", "dane-plain", "opportunistic");

        await().atMost(Duration.ofSeconds(30)).until(() -> peer.transactions().stream()
            .anyMatch(t -> t.recipients().contains("frank@plain.test")));
        JsonNode line = firstLine("plain.test");
        assertThat(line.path("level").asText()).isEqualTo("may");
        assertThat(line.path("dnssec").asText()).isEqualTo("insecure");
        assertThat(line.path("policy-source").asText()).isEqualTo("default");
        assertThat(line.path("recipients").get(0).path("result").asText()).isEqualTo("delivered");
    }
}
