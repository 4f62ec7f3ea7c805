package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tlsprovenance.dane.TlsaRecord;
import dev.tlsprovenance.dane.TlsaRecordSet;
import dev.tlsprovenance.testing.logging.CapturedLog;
import dev.tlsprovenance.testing.dns.TestDnsNamespace;
import dev.tlsprovenance.testing.dns.TestDnssecServer;
import dev.tlsprovenance.testing.dns.TestZone;
import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.peer.ReceivedTransaction;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import ch.qos.logback.classic.Level;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * DANE through a real James 3.8.1: TlsPolicyRemoteDelivery configured with {@code conf/dane.properties} pointing at
 * the test DNSSEC server, which publishes signed, unsigned and bogus zones whose MX hosts are the loopback STARTTLS
 * sink (a certificate minted now) and whose TLSA records match or do not match that certificate. No row in the table
 * for most domains: the built-in default is {@code dane}.
 */
class DaneDeliveryJamesTest {
    private static final String SENDER = "sender@" + JamesTestServer.LOCAL_DOMAIN;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestSmtpPeer PEER;
    private static final TestDnssecServer DNS;
    private static final String MATCHING;
    private static final String ISSUER_TA;

    static {
        try {
            TestCertificate leaf = TestPki.shared().peer("mx.dane.test");
            PEER = TestSmtpPeer.builder().serverName("mx.dane.test").identity(leaf).start();
            MATCHING = TlsaRecordSet.of(TlsaRecord.forCertificate(3, 1, 1, leaf.certificate())).policyStrings().get(0);
            String wrong = "3 1 1 " + "00".repeat(32);
            ISSUER_TA = TlsaRecordSet.of(TlsaRecord.forCertificate(2, 1, 1, leaf.chain().get(1))).policyStrings().get(0);
            String tlsaOwner = "_" + PEER.port() + "._tcp.mx";
            DNS = TestDnssecServer.start(TestDnsNamespace.builder()
                .zone(TestZone.signed("test"))
                .zone(mxZone(TestZone.signed("good.test"), tlsaOwner, MATCHING))
                .zone(mxZone(TestZone.signed("mismatch.test"), tlsaOwner, wrong))
                .zone(mxZone(TestZone.signed("bogus.test").brokenSignatures(), tlsaOwner, MATCHING))
                .zone(mxZone(TestZone.unsigned("plain.test"), tlsaOwner, MATCHING))
                .zone(mxZone(TestZone.unsigned("strict.test"), tlsaOwner, MATCHING))
                // DANE-TA: the MX host mx.dane.test is the name in the certificate; ta-wrong.test's own MX host is not
                .zone(mxZone(TestZone.signed("dane.test"), tlsaOwner, ISSUER_TA))
                .zone(TestZone.signed("ta-good.test").record("@", 300, "MX", "10 mx.dane.test."))
                .zone(TestZone.signed("nullmx.test").record("@", 300, "MX", "0 ."))
                .zone(mxZone(TestZone.signed("ta-wrong.test"), tlsaOwner, ISSUER_TA))
                .build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TestZone.Builder mxZone(TestZone.Builder zone, String tlsaOwner, String tlsa) {
        return zone.record("@", 300, "MX", "10 mx").record("mx", 300, "A", "127.0.0.1").record(tlsaOwner, 300, "TLSA", tlsa);
    }

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withConfFile("tls-policy.conf", "strict.test  outbound=dane-only\n"
            + "routed.test  outbound=dane  route=[mx.good.test]:" + PEER.port() + "\n")
        .withConfFile("dane.properties", "# the test DNSSEC server on loopback\n"
            + "dnssec.resolver=" + DNS.address().getAddress().getHostAddress() + ":" + DNS.address().getPort() + "\n"
            + "dnssec.trustAnchors=test-root.ds\n"
            + "dnssec.queryTimeout=2s\n"
            + "dnssec.lookupDeadline=5s\n")
        .withConfFile("test-root.ds", DNS.namespace().trustAnchor())
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withMailets("<mailet match=\"HostIsLocal\" class=\"ToRepository\">\n"
            + "  <repositoryPath>" + JamesTestServer.DELIVERED + "</repositoryPath>\n"
            + "</mailet>\n"
            + "<mailet match=\"All\" class=\"dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery\">\n"
            + "  <delays>300ms</delays>\n"
            + "  <maxRetries>1</maxRetries>\n"
            + "  <heloName>james.sender.test</heloName>\n"
            + "  <connectionTimeout>5s</connectionTimeout>\n"
            + "  <readTimeout>10s</readTimeout>\n"
            + "  <dane>file://conf/dane.properties</dane>\n"
            + "  <smtpPort>" + PEER.port() + "</smtpPort>\n"
            + "</mailet>\n")
        .build();

    @AfterAll
    static void stopDns() {
        DNS.close();
        PEER.close();
    }

    @BeforeEach
    void forget() throws IOException {
        PEER.resetRecords();
        Files.deleteIfExists(ledgerFile());
        james.clearDelivered();
    }

    private static Path ledgerFile() {
        return james.workingDirectory().resolve("var/tls-ledger/outbound.jsonl");
    }

    private static void submit(String recipient, String subject) throws IOException {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.test");
            assertThat(client.send(SENDER, List.of(recipient), TestMessages.simple(SENDER, recipient, subject)).code()).isEqualTo(250);
            client.quit();
        }
    }

    private static List<JsonNode> ledgerLines(String domain) throws IOException {
        if (!Files.isRegularFile(ledgerFile())) {
            return List.of();
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(ledgerFile())) {
            JsonNode node = JSON.readTree(line);
            if (domain.equals(node.path("domain").asText())) {
                lines.add(node);
            }
        }
        return lines;
    }

    private static List<JsonNode> awaitLedgerLines(String domain, int count) throws IOException {
        await().atMost(Duration.ofSeconds(20)).until(() -> ledgerLines(domain).size() >= count);
        return ledgerLines(domain);
    }

    private static DeliveredMail awaitDsnFor(String recipient) {
        String marker = "Final-Recipient: rfc822; " + recipient;
        await().atMost(Duration.ofSeconds(20)).until(() -> james.deliveredMails().stream().anyMatch(m -> m.body().contains(marker)));
        return james.deliveredMails().stream().filter(m -> m.body().contains(marker)).findFirst().get();
    }

    private static List<String> tlsaOf(JsonNode line) {
        List<String> records = new ArrayList<>();
        line.path("tlsa").forEach(r -> records.add(r.asText()));
        return records;
    }

    private static void assertNothingSentFor(String recipient) {
        assertThat(PEER.transactions()).noneMatch(t -> t.recipients().contains(recipient));
        assertThat(PEER.commandLog()).noneMatch(l -> l.contains(recipient));
        assertThat(PEER.cleartextMessageBytes()).isZero();
    }

    @Test
    void matchingTlsaRecordsAuthenticateTheMxAndTheLedgerSaysSo() throws Exception {
        submit("bob@good.test", "dane match");

        ReceivedTransaction received = PEER.awaitTransactions(1).get(0);
        assertThat(received.overTls()).isTrue();
        assertThat(received.recipients()).containsExactly("bob@good.test");
        JsonNode line = awaitLedgerLines("good.test", 1).get(0);
        assertThat(line.path("policy-source").asText()).isEqualTo("dane");
        assertThat(line.path("dnssec").asText()).isEqualTo("secure");
        assertThat(tlsaOf(line)).containsExactly(MATCHING);
        assertThat(line.path("level").asText()).isEqualTo("dane");
        assertThat(line.path("verify").asText()).isEqualTo("verified");
        assertThat(line.path("trust").asText()).isEqualTo("dane");
        assertThat(line.path("next-hop").asText()).isEqualTo("mx.good.test:" + PEER.port());
        assertThat(line.path("addr").asText()).isEqualTo("127.0.0.1");
        assertThat(line.has("result-type")).isFalse();
        assertThat(line.path("recipients").get(0).path("result").asText()).isEqualTo("delivered");
        assertThat(PEER.cleartextMessageBytes()).isZero();
    }

    @Test
    void mismatchingTlsaRecordsDeferWith475AndNothingIsSent() throws Exception {
        submit("carol@mismatch.test", "dane mismatch");

        List<JsonNode> lines = awaitLedgerLines("mismatch.test", 2);
        JsonNode first = lines.get(0);
        assertThat(first.path("transport").asText()).isEqualTo("none");
        assertThat(first.path("result-type").asText()).isEqualTo("validation-failure");
        assertThat(first.path("policy-source").asText()).isEqualTo("dane");
        assertThat(first.path("dnssec").asText()).isEqualTo("secure");
        assertThat(tlsaOf(first)).containsExactly("3 1 1 " + "00".repeat(32));
        assertThat(first.path("verify").asText()).isEqualTo("failed");
        JsonNode recipient = first.path("recipients").get(0);
        assertThat(recipient.path("result").asText()).isEqualTo("deferred");
        assertThat(recipient.path("status").asText()).isEqualTo("4.7.5");
        assertThat(recipient.path("reason").asText()).startsWith("DANE validation-failure: ");
        DeliveredMail dsn = awaitDsnFor("carol@mismatch.test");
        assertThat(dsn.body()).contains("Status: 5.7.5");
        assertThat(PEER.tlsHandshakes()).as("a handshake happened, then nothing").isPositive();
        assertThat(PEER.commandLog()).noneMatch(l -> l.contains("MAIL FROM"));
        assertNothingSentFor("carol@mismatch.test");
    }

    @Test
    void aNullMxBouncesAtOnceWith5110AndNothingIsTried() throws Exception {
        submit("nell@nullmx.test", "null MX");

        DeliveredMail dsn = awaitDsnFor("nell@nullmx.test");
        assertThat(dsn.body()).contains("Status: 5.1.10");
        assertThat(dsn.body()).contains("null MX (RFC 7505)");
        List<JsonNode> lines = awaitLedgerLines("nullmx.test", 1);
        assertThat(lines).as("permanent at the first attempt: no retry").hasSize(1);
        JsonNode line = lines.get(0);
        assertThat(line.path("transport").asText()).isEqualTo("none");
        assertThat(line.has("result-type")).as("not a TLS failure: nothing for TLS-RPT").isFalse();
        JsonNode recipient = line.path("recipients").get(0);
        assertThat(recipient.path("status").asText()).isEqualTo("5.1.10");
        assertThat(recipient.path("result").asText()).isNotEqualTo("deferred");
        assertThat(PEER.connectionCount()).isZero();
        assertNothingSentFor("nell@nullmx.test");
    }

    @Test
    void whileTheLedgerCannotBeWrittenDaneAuthenticatedDestinationsWaitAndOpportunisticOnesGoOn() throws Exception {
        Files.createDirectories(ledgerFile());
        try (CapturedLog log = CapturedLog.of(TlsPolicyRemoteDelivery.class)) {
            try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
                client.ehlo("client.test");
                assertThat(client.send(SENDER, List.of("bob@good.test", "erin@plain.test"),
                    TestMessages.simple(SENDER, "bob@good.test", "dane during a ledger outage")).code()).isEqualTo(250);
                client.quit();
            }

            assertThat(PEER.awaitTransactions(1).get(0).recipients()).as("insecure DNS: may, no record required")
                .containsExactly("erin@plain.test");
            await().atMost(Duration.ofSeconds(20)).until(() -> log.messages(Level.INFO).stream()
                .filter(m -> m.contains("1 recipient(s) deferred (4.3.0) until the outbound ledger can be written")).count() >= 2);
            assertThat(PEER.transactions()).as("DANE-authenticated: not sent without its record")
                .noneMatch(t -> t.recipients().contains("bob@good.test"));

            Files.delete(ledgerFile());
            await().atMost(Duration.ofSeconds(20)).until(() -> PEER.transactions().stream()
                .anyMatch(t -> t.recipients().contains("bob@good.test")));
            JsonNode line = awaitLedgerLines("good.test", 1).get(0);
            assertThat(line.path("verify").asText()).isEqualTo("verified");
            assertThat(line.path("policy-source").asText()).isEqualTo("dane");
        }
    }

    @Test
    void aBogusZoneDefersWithoutConnecting() throws Exception {
        submit("dave@bogus.test", "dane bogus");

        JsonNode line = awaitLedgerLines("bogus.test", 1).get(0);
        assertThat(line.path("transport").asText()).isEqualTo("none");
        assertThat(line.path("result-type").asText()).isEqualTo("dnssec-invalid");
        assertThat(line.path("dnssec").asText()).isEqualTo("bogus");
        assertThat(line.path("policy-source").asText()).isEqualTo("dane");
        assertThat(line.path("transport-reason").asText()).startsWith("DNSSEC bogus answer for the MX records of bogus.test");
        assertThat(line.path("recipients").get(0).path("status").asText()).isEqualTo("4.7.5");
        awaitDsnFor("dave@bogus.test");
        assertThat(PEER.connectionCount()).isZero();
        assertNothingSentFor("dave@bogus.test");
    }

    @Test
    void anInsecureZoneIsDeliveredAsMay() throws Exception {
        submit("erin@plain.test", "dane insecure");

        ReceivedTransaction received = PEER.awaitTransactions(1).get(0);
        assertThat(received.recipients()).containsExactly("erin@plain.test");
        assertThat(received.overTls()).as("may still uses the offered STARTTLS").isTrue();
        JsonNode line = awaitLedgerLines("plain.test", 1).get(0);
        assertThat(line.path("policy-source").asText()).isEqualTo("default");
        assertThat(line.path("dnssec").asText()).isEqualTo("insecure");
        assertThat(line.path("level").asText()).isEqualTo("may");
        assertThat(line.has("tlsa")).isFalse();
        assertThat(line.path("verify").asText()).isNotEqualTo("verified");
        assertThat(line.has("result-type")).as("nothing the policy demanded failed").isFalse();
    }

    @Test
    void daneOnlyRefusesAnInsecureZone() throws Exception {
        submit("frank@strict.test", "dane-only insecure");

        JsonNode line = awaitLedgerLines("strict.test", 1).get(0);
        assertThat(line.path("policy-source").asText()).isEqualTo("row");
        assertThat(line.path("row").asText()).isEqualTo("tls-policy.conf:1");
        assertThat(line.path("level").asText()).isEqualTo("dane-only");
        assertThat(line.path("result-type").asText()).isEqualTo("dane-required");
        assertThat(line.path("dnssec").asText()).isEqualTo("insecure");
        assertThat(line.path("recipients").get(0).path("status").asText()).isEqualTo("4.7.5");
        awaitDsnFor("frank@strict.test");
        assertThat(PEER.connectionCount()).isZero();
        assertNothingSentFor("frank@strict.test");
    }

    @Test
    void aRouteRowAtDaneIsAuthenticatedByTheRouteHostsTlsa() throws Exception {
        submit("gina@routed.test", "dane route");

        ReceivedTransaction received = PEER.awaitTransactions(1).get(0);
        assertThat(received.recipients()).containsExactly("gina@routed.test");
        JsonNode line = awaitLedgerLines("routed.test", 1).get(0);
        assertThat(line.path("policy-source").asText()).isEqualTo("row");
        assertThat(line.path("trust").asText()).isEqualTo("dane");
        assertThat(tlsaOf(line)).containsExactly(MATCHING);
        assertThat(lineCount("routed.test")).isEqualTo(1);
    }

    @Test
    void daneTaChecksTheMxHostNameAsReferenceIdentifier() throws Exception {
        submit("hal@ta-good.test", "dane-ta good");
        submit("ivy@ta-wrong.test", "dane-ta wrong name");

        ReceivedTransaction received = PEER.awaitTransactions(1).get(0);
        assertThat(received.recipients()).containsExactly("hal@ta-good.test");
        JsonNode good = awaitLedgerLines("ta-good.test", 1).get(0);
        assertThat(good.path("verify").asText()).isEqualTo("verified");
        assertThat(tlsaOf(good)).containsExactly(ISSUER_TA);
        assertThat(good.path("next-hop").asText()).isEqualTo("mx.dane.test:" + PEER.port());
        JsonNode wrong = awaitLedgerLines("ta-wrong.test", 1).get(0);
        assertThat(wrong.path("result-type").asText()).isEqualTo("certificate-host-mismatch");
        assertThat(wrong.path("recipients").get(0).path("status").asText()).isEqualTo("4.7.5");
        assertNothingSentFor("ivy@ta-wrong.test");
    }

    private static long lineCount(String domain) throws IOException {
        return ledgerLines(domain).stream().collect(Collectors.counting());
    }
}
