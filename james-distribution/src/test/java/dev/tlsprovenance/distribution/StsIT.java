package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.dane.TlsaRecord;
import dev.tlsprovenance.dane.TlsaRecordSet;
import dev.tlsprovenance.sts.StsPolicyServer;
import dev.tlsprovenance.testing.dns.TestDnsNamespace;
import dev.tlsprovenance.testing.dns.TestDnssecServer;
import dev.tlsprovenance.testing.dns.TestHostsFile;
import dev.tlsprovenance.testing.dns.TestZone;
import dev.tlsprovenance.testing.peer.ReceivedTransaction;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;

/**
 * MTA-STS (RFC 8461) in the packaged server, with the shipped {@code conf/mailetcontainer.xml} (its delivery mailet
 * names {@code conf/dane.properties} and {@code conf/mta-sts.properties}) and the shipped property files changed only
 * where an administrator would: the DNSSEC resolver is the test DNSSEC server, {@code sts.trustAnchors} is the test
 * CA, the default row of {@code tls-policy.conf} is back at the shipped {@code dane}; test only: the policy port and
 * the MX port. The zone {@code sts.test} is unsigned (below a signed {@code test}), so DANE finds nothing and MTA-STS
 * decides; {@code stsdane.test} is signed with a matching TLSA record. Every MX host is the loopback STARTTLS sink,
 * whose certificate (test PKI) names {@code mx.enforce.sts.test} only. The server JVM finds {@code mta-sts.<domain>}
 * on 127.0.0.1 through {@code -Djdk.net.hosts.file} (the JDK HttpClient resolves with the JVM's resolver).
 * One server start for the cases, one restart with the policy host down for the cache.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SENDER_DOMAIN = "@example.test";
    private static final List<String> STS_DOMAINS = List.of("enforce", "mismatch", "nomx", "trial", "untrusted");

    @TempDir
    static Path directory;
    static DistributionProcess server;
    static TestSmtpPeer peer;
    static TestSmtpPeer untrustedPeer;
    static TestDnssecServer dns;
    static StsPolicyServer policies;
    static String matchingTlsa;

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = TestPki.shared();
        TestCertificate leaf = pki.peer("mx.enforce.sts.test");
        peer = TestSmtpPeer.builder().serverName("mx.enforce.sts.test").identity(leaf).start();
        // the MX of untrusted.sts.test: 127.0.0.2 on the same port (the mailet has one smtpPort), a certificate that
        // names it, from a CA outside sts.trustAnchors
        untrustedPeer = TestSmtpPeer.builder().serverName("mx.untrusted.sts.test")
            .identity(pki.signedByUnknownCa("mx.untrusted.sts.test"))
            .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), peer.port())).start();
        matchingTlsa = TlsaRecordSet.of(TlsaRecord.forCertificate(3, 1, 1, leaf.certificate())).policyStrings().get(0);

        TestCertificate.Builder policyHost = TestCertificate.builder().commonName("mta-sts.enforce.sts.test");
        for (String domain : STS_DOMAINS) {
            policyHost.addSubjectAlternativeName("mta-sts." + domain + ".sts.test");
        }
        policyHost.addSubjectAlternativeName("mta-sts.stsdane.test");
        policies = StsPolicyServer.start(TestTls.builder().identity(policyHost.signedBy(pki.intermediate()).build()).build().sslContext());
        policies.answer("enforce.sts.test", StsPolicyServer.Answer.policy(policy("enforce", "mx.enforce.sts.test")))
            .answer("mismatch.sts.test", StsPolicyServer.Answer.policy(policy("enforce", "*.mismatch.sts.test")))
            .answer("nomx.sts.test", StsPolicyServer.Answer.policy(policy("enforce", "mx.elsewhere.test")))
            .answer("trial.sts.test", StsPolicyServer.Answer.policy(policy("testing", "mx.trial.sts.test")))
            .answer("untrusted.sts.test", StsPolicyServer.Answer.policy(policy("enforce", "mx.untrusted.sts.test")))
            .answer("stsdane.test", StsPolicyServer.Answer.policy(policy("enforce", "mx.elsewhere.test")));

        TestZone.Builder unsigned = TestZone.unsigned("sts.test");
        for (String domain : STS_DOMAINS) {
            unsigned.record(domain, 300, "MX", "10 mx." + domain)
                .record("mx." + domain, 300, "A", domain.equals("untrusted") ? "127.0.0.2" : "127.0.0.1")
                .record("_mta-sts." + domain, 300, "TXT", "\"v=STSv1; id=20261202" + domain + ";\"");
        }
        TestZone.Builder signed = TestZone.signed("stsdane.test")
            .record("@", 300, "MX", "10 mx")
            .record("mx", 300, "A", "127.0.0.1")
            .record("_" + peer.port() + "._tcp.mx", 300, "TLSA", matchingTlsa)
            .record("_mta-sts", 300, "TXT", "\"v=STSv1; id=20261202stsdane;\"");
        dns = TestDnssecServer.start(TestDnsNamespace.builder().zone(TestZone.signed("test")).zone(unsigned).zone(signed).build());

        server = DistributionProcess.installInto(directory);
        Path conf = server.home().resolve("conf");
        String shippedDane = Files.readString(conf.resolve("dane.properties"));
        assertThat(shippedDane).contains("\ndnssec.resolver=system\n").contains("\ndnssec.trustAnchors=builtin-root\n");
        Files.writeString(conf.resolve("test-root.ds"), dns.namespace().trustAnchor());
        Files.writeString(conf.resolve("dane.properties"), shippedDane
            .replace("\ndnssec.resolver=system\n", "\ndnssec.resolver=127.0.0.1:" + dns.address().getPort() + "\n")
            .replace("\ndnssec.trustAnchors=builtin-root\n", "\ndnssec.trustAnchors=test-root.ds\n"));
        String shippedSts = Files.readString(conf.resolve("mta-sts.properties"));
        assertThat(shippedSts).contains("\nsts.enabled=true\n").contains("\nsts.cacheDirectory=var/mta-sts\n")
            .contains("\nsts.trustAnchors=jvm-default\n").doesNotContain("sts.policyPort");
        Files.writeString(conf.resolve("test-ca.pem"), pki.root().certificatePem());
        Files.writeString(conf.resolve("mta-sts.properties"), shippedSts
            .replace("\nsts.trustAnchors=jvm-default\n", "\nsts.trustAnchors=test-ca.pem\n")
            + "\nsts.policyPort=" + policies.port() + "\n");
        String policy = Files.readString(conf.resolve("tls-policy.conf"));
        Files.writeString(conf.resolve("tls-policy.conf"), policy.replaceFirst("(?m)^(default\\s.*)outbound=may", "$1outbound=dane"));
        String container = Files.readString(conf.resolve("mailetcontainer.xml"));
        String stsLine = "<mtaSts>file://conf/mta-sts.properties</mtaSts>";
        assertThat(container).contains("<dane>file://conf/dane.properties</dane>").contains(stsLine);
        Files.writeString(conf.resolve("mailetcontainer.xml"), container.replace(stsLine, stsLine + "<smtpPort>" + peer.port() + "</smtpPort>"));

        List<String> policyHosts = new ArrayList<>(List.of("mta-sts.stsdane.test"));
        STS_DOMAINS.forEach(domain -> policyHosts.add("mta-sts." + domain + ".sts.test"));
        Path hosts = TestHostsFile.writeLoopback(directory.resolve("sts-hosts"), policyHosts);
        server.withJavaOption("-Djdk.net.hosts.file=" + hosts).start().awaitStarted();
    }

    private static String policy(String mode, String mx) {
        return "version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: 86400\r\n";
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        for (AutoCloseable closeable : new AutoCloseable[] {peer, untrustedPeer, dns, policies}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    private static void send(String from, String to) throws Exception {
        new MailClients(server).send(false, from + SENDER_DOMAIN, to, "sts " + to, "through MTA-STS");
    }

    /** The outbound ledger lines of attempts for RECIPIENT, oldest first. */
    private static List<JsonNode> lines(String recipient) throws IOException {
        Path ledger = server.home().resolve("var/tls-ledger/outbound.jsonl");
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(ledger)) {
            for (String line : Files.readAllLines(ledger)) {
                JsonNode node = JSON.readTree(line);
                for (JsonNode rcpt : node.path("recipients")) {
                    if (recipient.equals(rcpt.path("rcpt").asText())) {
                        lines.add(node);
                    }
                }
            }
        }
        return lines;
    }

    private static JsonNode firstLine(String recipient) throws IOException {
        await().atMost(Duration.ofSeconds(30)).until(() -> !lines(recipient).isEmpty());
        return lines(recipient).get(0);
    }

    private static ReceivedTransaction awaitDelivered(String recipient) {
        await().atMost(Duration.ofSeconds(30)).until(() -> peer.transactions().stream().anyMatch(t -> t.recipients().contains(recipient)));
        return peer.transactions().stream().filter(t -> t.recipients().contains(recipient)).findFirst().orElseThrow();
    }

    private static void assertDeferred(JsonNode line, String reasonStart) {
        JsonNode recipient = line.path("recipients").get(0);
        assertThat(recipient.path("result").asText()).as(line.toString()).isEqualTo("deferred");
        assertThat(recipient.path("status").asText()).as(line.toString()).isEqualTo("4.7.5");
        assertThat(recipient.path("reason").asText()).as(line.toString()).startsWith(reasonStart);
    }

    /** Nothing of a refused mail reached the sink: its sender (one per case) never appears in a MAIL FROM. */
    private static void assertNothingSent(String sender, String recipient) {
        assertThat(peer.commandLog()).noneMatch(l -> l.contains(sender + SENDER_DOMAIN) || l.contains(recipient));
        assertThat(peer.transactions()).noneMatch(t -> t.recipients().contains(recipient));
    }

    private static void assertEnforceDelivered(String recipient) throws IOException {
        ReceivedTransaction received = awaitDelivered(recipient);
        assertThat(received.overTls()).isTrue();
        JsonNode line = firstLine(recipient);
        assertThat(line.path("domain").asText()).isEqualTo("enforce.sts.test");
        assertThat(line.path("policy-source").asText()).isEqualTo("sts");
        assertThat(line.path("sts-mode").asText()).isEqualTo("enforce");
        assertThat(line.path("sts-id").asText()).isEqualTo("20261202enforce");
        assertThat(line.path("dnssec").asText()).isEqualTo("insecure");
        assertThat(line.path("level").asText()).isEqualTo("verify");
        assertThat(line.path("transport").asText()).isEqualTo("starttls");
        assertThat(line.path("verify").asText()).isEqualTo("verified");
        assertThat(line.path("next-hop").asText()).isEqualTo("mx.enforce.sts.test:" + peer.port());
        assertThat(line.has("result-type")).as(line.toString()).isFalse();
        assertThat(line.path("recipients").get(0).path("result").asText()).isEqualTo("delivered");
    }

    private static void assertEnforceCertificateRefused(String sender, String recipient) throws IOException {
        assertEnforceCertificateRefused(sender, recipient, "mismatch", "*.mismatch.sts.test", "certificate-host-mismatch");
        assertNothingSent(sender, recipient);
    }

    /** An enforce policy refused the MX's certificate: nothing sent, 4.7.5, the RFC 8460 result type. */
    private static void assertEnforceCertificateRefused(String sender, String recipient, String label, String mx, String resultType)
            throws IOException {
        JsonNode line = firstLine(recipient);
        assertThat(line.path("domain").asText()).isEqualTo(label + ".sts.test");
        assertThat(line.path("policy-source").asText()).isEqualTo("sts");
        assertThat(line.path("sts-mode").asText()).isEqualTo("enforce");
        assertThat(line.path("sts-id").asText()).isEqualTo("20261202" + label);
        assertThat(line.path("sts-policy").toString()).isEqualTo("[\"version: STSv1\",\"mode: enforce\",\"mx: " + mx + "\",\"max_age: 86400\"]");
        assertThat(line.path("next-hop").asText()).isEqualTo("mx." + label + ".sts.test:" + peer.port());
        assertThat(line.path("transport").asText()).isEqualTo("none");
        assertThat(line.path("verify").asText()).isEqualTo("failed");
        assertThat(line.path("result-type").asText()).isEqualTo(resultType);
        assertDeferred(line, "MTA-STS " + resultType + ": ");
    }

    @Test
    @Order(1)
    void anEnforcePolicyWhoseMxAndCertificateMatchIsDeliveredOverVerifiedTls() throws Exception {
        send("case1", "bob@enforce.sts.test");

        assertEnforceDelivered("bob@enforce.sts.test");
        assertThat(policies.requests("enforce.sts.test")).isEqualTo(1);
        assertThat(server.home().resolve("var/mta-sts/enforce.sts.test.json")).isRegularFile();
    }

    @Test
    @Order(2)
    void anEnforcePolicyWhoseMxCertificateNamesAnotherHostOrComesFromAnotherCaDefersAndSendsNothing() throws Exception {
        send("case2", "carol@mismatch.sts.test");
        send("case2untrusted", "hal@untrusted.sts.test");

        assertEnforceCertificateRefused("case2", "carol@mismatch.sts.test");
        assertThat(server.home().resolve("var/mta-sts/mismatch.sts.test.json")).isRegularFile();
        assertEnforceCertificateRefused("case2untrusted", "hal@untrusted.sts.test", "untrusted", "mx.untrusted.sts.test",
            "certificate-not-trusted");
        assertThat(untrustedPeer.tlsHandshakes() + untrustedPeer.failedHandshakes()).as("it was reached, then nothing").isPositive();
        assertThat(untrustedPeer.commandLog()).noneMatch(l -> l.contains("MAIL FROM"));
        assertThat(untrustedPeer.transactions()).isEmpty();
        assertNothingSent("case2untrusted", "hal@untrusted.sts.test");
    }

    @Test
    @Order(3)
    void anEnforcePolicyMatchingNoMxDefersWithoutConnecting() throws Exception {
        send("case3", "fay@nomx.sts.test");

        JsonNode line = firstLine("fay@nomx.sts.test");
        assertThat(line.path("policy-source").asText()).isEqualTo("sts");
        assertThat(line.path("sts-mode").asText()).isEqualTo("enforce");
        assertThat(line.path("sts-id").asText()).isEqualTo("20261202nomx");
        assertThat(line.path("transport").asText()).isEqualTo("none");
        assertThat(line.path("result-type").asText()).isEqualTo("validation-failure");
        assertThat(line.path("transport-reason").asText())
            .startsWith("MTA-STS validation-failure: no MX host of nomx.sts.test (mx.nomx.sts.test) matches the mx patterns");
        assertDeferred(line, "MTA-STS validation-failure: ");
        assertNothingSent("case3", "fay@nomx.sts.test");
    }

    @Test
    @Order(4)
    void aTestingPolicyDeliversAndRecordsTheCertificateFailure() throws Exception {
        send("case4", "dave@trial.sts.test");

        ReceivedTransaction received = awaitDelivered("dave@trial.sts.test");
        assertThat(received.overTls()).isTrue();
        JsonNode line = firstLine("dave@trial.sts.test");
        assertThat(line.path("policy-source").asText()).isEqualTo("sts");
        assertThat(line.path("sts-mode").asText()).isEqualTo("testing");
        assertThat(line.path("sts-id").asText()).isEqualTo("20261202trial");
        assertThat(line.path("level").asText()).isEqualTo("may");
        assertThat(line.path("transport").asText()).isEqualTo("starttls");
        assertThat(line.path("verify").asText()).isEqualTo("failed");
        assertThat(line.path("result-type").asText()).isEqualTo("certificate-host-mismatch");
        assertThat(line.path("recipients").get(0).path("result").asText()).isEqualTo("delivered");
    }

    @Test
    @Order(5)
    void stsNeverOverridesDane() throws Exception {
        send("case7", "gina@stsdane.test");

        ReceivedTransaction received = awaitDelivered("gina@stsdane.test");
        assertThat(received.overTls()).isTrue();
        JsonNode line = firstLine("gina@stsdane.test");
        assertThat(line.path("policy-source").asText()).isEqualTo("dane");
        assertThat(line.path("dnssec").asText()).isEqualTo("secure");
        assertThat(line.path("tlsa").get(0).asText()).isEqualTo(matchingTlsa);
        assertThat(line.path("trust").asText()).isEqualTo("dane");
        assertThat(line.path("verify").asText()).isEqualTo("verified");
        assertThat(line.has("sts-mode")).as(line.toString()).isFalse();
        assertThat(line.path("recipients").get(0).path("result").asText()).isEqualTo("delivered");
    }

    @Test
    @Order(6)
    void theTlsReportPreviewShowsTheStsPolicyAndItsFailures() throws Exception {
        MailClients clients = new MailClients(server);
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        JsonNode refused = JSON.readTree(clients.webAdminGet("/tls/reports/mismatch.sts.test?day=" + today)).path("policies").path(0);
        assertThat(refused.path("policy").path("policy-type").asText()).isEqualTo("sts");
        assertThat(refused.path("policy").path("policy-domain").asText()).isEqualTo("mismatch.sts.test");
        assertThat(JSON.convertValue(refused.path("policy").path("policy-string"), List.class)).as("RFC 8460 4.4: the policy's lines")
            .isEqualTo(List.of("version: STSv1", "mode: enforce", "mx: *.mismatch.sts.test", "max_age: 86400"));
        assertThat(refused.path("policy").path("mx-host").get(0).asText()).isEqualTo("mx.mismatch.sts.test");
        assertThat(refused.path("summary").path("total-successful-session-count").asLong()).isZero();
        assertThat(refused.path("summary").path("total-failure-session-count").asLong()).as("one per attempt, retries included")
            .isPositive().isLessThanOrEqualTo(lines("carol@mismatch.sts.test").size());
        assertThat(refused.path("failure-details").path(0).path("result-type").asText()).isEqualTo("certificate-host-mismatch");
        assertThat(refused.path("failure-details").path(0).path("receiving-mx-hostname").asText()).isEqualTo("mx.mismatch.sts.test");

        JsonNode delivered = JSON.readTree(clients.webAdminGet("/tls/reports/enforce.sts.test?day=" + today)).path("policies").path(0);
        assertThat(delivered.path("policy").path("policy-type").asText()).isEqualTo("sts");
        assertThat(delivered.path("summary").path("total-successful-session-count").asLong()).isEqualTo(1);
        assertThat(delivered.path("summary").path("total-failure-session-count").asLong()).isZero();

        JsonNode trial = JSON.readTree(clients.webAdminGet("/tls/reports/trial.sts.test?day=" + today)).path("policies").path(0);
        assertThat(trial.path("policy").path("policy-type").asText()).isEqualTo("sts");
        assertThat(trial.path("summary").path("total-failure-session-count").asLong()).isEqualTo(1);
        assertThat(trial.path("failure-details").path(0).path("result-type").asText()).isEqualTo("certificate-host-mismatch");
    }

    @Test
    @Order(7)
    void afterARestartWithThePolicyHostDownTheCachedEnforcePolicyStillApplies() throws Exception {
        server.close();
        policies.close();
        server.start().awaitAcceptingSmtp();

        send("case5refused", "carol2@mismatch.sts.test");
        send("case5delivered", "bob2@enforce.sts.test");

        assertEnforceDelivered("bob2@enforce.sts.test");
        assertEnforceCertificateRefused("case5refused", "carol2@mismatch.sts.test");
    }
}
