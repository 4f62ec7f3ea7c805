package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tlsprovenance.sts.StsPolicyServer;
import dev.tlsprovenance.testing.dns.TestDnsNamespace;
import dev.tlsprovenance.testing.dns.TestDnssecServer;
import dev.tlsprovenance.testing.dns.TestHostsFile;
import dev.tlsprovenance.testing.dns.TestZone;
import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.peer.ReceivedTransaction;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * MTA-STS through a real James 3.8.1: TlsPolicyRemoteDelivery with {@code conf/dane.properties} (the test DNSSEC
 * server: an unsigned zone {@code sts.test} below a signed {@code test}, so DANE does not apply) and
 * {@code conf/mta-sts.properties} (cache under {@code var/}, the test CA as {@code sts.trustAnchors}, the policy
 * port of {@link StsPolicyServer}). Every MX host is the loopback STARTTLS sink, whose certificate (from the test CA)
 * names {@code mx.enforce.sts.test} only. Tag {@code sts-hosts}: the policy hosts {@code mta-sts.<domain>} reach
 * loopback through the surefire execution's {@code jdk.net.hosts.file}.
 */
@Tag("sts-hosts")
class StsDeliveryJamesTest {
    private static final String SENDER = "sender@" + JamesTestServer.LOCAL_DOMAIN;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestSmtpPeer PEER;
    private static final TestDnssecServer DNS;
    private static final StsPolicyServer POLICIES;

    static {
        try {
            knowOwnHostName();
            TestPki pki = TestPki.shared();
            PEER = TestSmtpPeer.builder().serverName("mx.enforce.sts.test").identity(pki.peer("mx.enforce.sts.test")).start();
            TestCertificate policyHost = TestCertificate.builder().commonName("mta-sts.enforce.sts.test")
                .addSubjectAlternativeName("mta-sts.enforce.sts.test")
                .addSubjectAlternativeName("mta-sts.mismatch.sts.test")
                .addSubjectAlternativeName("mta-sts.trial.sts.test")
                .addSubjectAlternativeName("mta-sts.nofetch.sts.test")
                .addSubjectAlternativeName("mta-sts.nomx.sts.test")
                .signedBy(pki.intermediate()).build();
            POLICIES = StsPolicyServer.start(TestTls.builder().identity(policyHost).build().sslContext());
            POLICIES.answer("enforce.sts.test", StsPolicyServer.Answer.policy(policy("enforce", "mx.enforce.sts.test")))
                .answer("mismatch.sts.test", StsPolicyServer.Answer.policy(policy("enforce", "*.mismatch.sts.test")))
                .answer("trial.sts.test", StsPolicyServer.Answer.policy(policy("testing", "mx.trial.sts.test")))
                .answer("nofetch.sts.test", StsPolicyServer.Answer.status(404))
                .answer("nomx.sts.test", StsPolicyServer.Answer.policy(policy("enforce", "mx.elsewhere.test")));
            TestZone.Builder zone = TestZone.unsigned("sts.test");
            for (String domain : List.of("enforce", "mismatch", "trial", "nofetch", "nomx")) {
                zone.record(domain, 300, "MX", "10 mx." + domain)
                    .record("mx." + domain, 300, "A", "127.0.0.1")
                    .record("_mta-sts." + domain, 300, "TXT", "\"v=STSv1; id=20261202" + domain + ";\"");
            }
            DNS = TestDnssecServer.start(TestDnsNamespace.builder().zone(TestZone.signed("test")).zone(zone).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * James resolves the machine's own name at start (its task manager's Hostname); in this JVM every name comes from
     * the hosts file (jdk.net.hosts.file), which the JDK reads at each lookup. So the build's copy of that file
     * (target/test-classes, not the source) gets a line for this machine's name, as /etc/hosts would have it.
     */
    private static void knowOwnHostName() throws IOException {
        String file = System.getProperty("jdk.net.hosts.file");
        assertThat(file).as("run by the sts-hosts surefire execution (-Djdk.net.hosts.file)").isNotNull();
        String name = TestHostsFile.ownHostName();
        Path hosts = Path.of(file);
        boolean known = Files.readAllLines(hosts).stream().map(String::strip).filter(l -> !l.startsWith("#"))
            .anyMatch(l -> List.of(l.split("\\s+")).subList(1, Math.max(1, l.split("\\s+").length)).contains(name));
        if (!name.isEmpty() && !known) {
            Files.writeString(hosts, "127.0.0.1 " + name + "\n", java.nio.file.StandardOpenOption.APPEND);
        }
    }

    private static String policy(String mode, String mx) {
        return "version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: 86400\r\n";
    }

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withConfFile("dane.properties", "dnssec.resolver=" + DNS.address().getAddress().getHostAddress() + ":"
            + DNS.address().getPort() + "\n"
            + "dnssec.trustAnchors=test-root.ds\n"
            + "dnssec.queryTimeout=2s\n"
            + "dnssec.lookupDeadline=5s\n")
        .withConfFile("test-root.ds", DNS.namespace().trustAnchor())
        .withConfFile("mta-sts.properties", "sts.enabled=true\n"
            + "sts.cacheDirectory=var/mta-sts\n"
            + "sts.fetchTimeout=20s\n"
            + "sts.trustAnchors=test-ca.pem\n"
            + "sts.policyPort=" + POLICIES.port() + "\n")
        .withConfFile("test-ca.pem", TestPki.shared().root().certificatePem())
        // the shipped shape: a default row at dane is the default of the precedence, not a row of the destination's
        .withConfFile("tls-policy.conf", "default  inbound=none  outbound=dane\n")
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
            + "  <mtaSts>file://conf/mta-sts.properties</mtaSts>\n"
            + "  <smtpPort>" + PEER.port() + "</smtpPort>\n"
            + "</mailet>\n")
        .build();

    @AfterAll
    static void stop() {
        DNS.close();
        PEER.close();
        POLICIES.close();
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
        await().atMost(Duration.ofSeconds(30)).until(() -> ledgerLines(domain).size() >= count);
        return ledgerLines(domain);
    }

    private static DeliveredMail awaitDsnFor(String recipient) {
        String marker = "Final-Recipient: rfc822; " + recipient;
        await().atMost(Duration.ofSeconds(30)).until(() -> james.deliveredMails().stream().anyMatch(m -> m.body().contains(marker)));
        return james.deliveredMails().stream().filter(m -> m.body().contains(marker)).findFirst().get();
    }

    @Test
    void anEnforcePolicyWhoseMxAndCertificateMatchIsDeliveredOverVerifiedTls() throws Exception {
        submit("bob@enforce.sts.test", "sts enforce");

        ReceivedTransaction received = PEER.awaitTransactions(1).get(0);
        assertThat(received.overTls()).isTrue();
        assertThat(received.recipients()).containsExactly("bob@enforce.sts.test");
        JsonNode line = awaitLedgerLines("enforce.sts.test", 1).get(0);
        assertThat(line.path("policy-source").asText()).isEqualTo("sts");
        assertThat(line.path("sts-mode").asText()).isEqualTo("enforce");
        assertThat(line.path("sts-id").asText()).isEqualTo("20261202enforce");
        assertThat(line.path("sts-policy").toString()).as("the fetched policy's lines, a TLS report's policy-string")
            .isEqualTo("[\"version: STSv1\",\"mode: enforce\",\"mx: mx.enforce.sts.test\",\"max_age: 86400\"]");
        assertThat(line.path("dnssec").asText()).isEqualTo("insecure");
        assertThat(line.path("level").asText()).isEqualTo("verify");
        assertThat(line.path("verify").asText()).isEqualTo("verified");
        assertThat(line.path("next-hop").asText()).isEqualTo("mx.enforce.sts.test:" + PEER.port());
        assertThat(line.has("result-type")).isFalse();
        assertThat(line.path("recipients").get(0).path("result").asText()).isEqualTo("delivered");
        assertThat(PEER.cleartextMessageBytes()).isZero();
        assertThat(POLICIES.requests("enforce.sts.test")).isEqualTo(1);
        assertThat(james.workingDirectory().resolve("var/mta-sts/enforce.sts.test.json")).isRegularFile();
    }

    @Test
    void anEnforcePolicyWhoseMxCertificateDoesNotMatchDefersAndSendsNothing() throws Exception {
        submit("carol@mismatch.sts.test", "sts mismatch");

        List<JsonNode> lines = awaitLedgerLines("mismatch.sts.test", 2);
        JsonNode first = lines.get(0);
        assertThat(first.path("policy-source").asText()).isEqualTo("sts");
        assertThat(first.path("sts-mode").asText()).isEqualTo("enforce");
        assertThat(first.path("transport").asText()).isEqualTo("none");
        assertThat(first.path("verify").asText()).isEqualTo("failed");
        assertThat(first.path("result-type").asText()).isEqualTo("certificate-host-mismatch");
        JsonNode recipient = first.path("recipients").get(0);
        assertThat(recipient.path("result").asText()).isEqualTo("deferred");
        assertThat(recipient.path("status").asText()).isEqualTo("4.7.5");
        assertThat(recipient.path("reason").asText()).startsWith("MTA-STS certificate-host-mismatch: ");
        DeliveredMail dsn = awaitDsnFor("carol@mismatch.sts.test");
        assertThat(dsn.body()).contains("Status: 5.7.5").contains("MTA-STS certificate-host-mismatch");
        assertThat(PEER.tlsHandshakes()).as("a handshake happened, then nothing").isPositive();
        assertThat(PEER.transactions()).noneMatch(t -> t.recipients().contains("carol@mismatch.sts.test"));
        assertThat(PEER.commandLog()).noneMatch(l -> l.contains("MAIL FROM") || l.contains("carol@mismatch.sts.test"));
        assertThat(PEER.cleartextMessageBytes()).isZero();
    }

    @Test
    void aTestingPolicyDeliversAndRecordsTheFailure() throws Exception {
        submit("dave@trial.sts.test", "sts testing");

        ReceivedTransaction received = PEER.awaitTransactions(1).get(0);
        assertThat(received.recipients()).containsExactly("dave@trial.sts.test");
        assertThat(received.overTls()).isTrue();
        JsonNode line = awaitLedgerLines("trial.sts.test", 1).get(0);
        assertThat(line.path("policy-source").asText()).isEqualTo("sts");
        assertThat(line.path("sts-mode").asText()).isEqualTo("testing");
        assertThat(line.path("level").asText()).isEqualTo("may");
        assertThat(line.path("verify").asText()).isEqualTo("failed");
        assertThat(line.path("result-type").asText()).isEqualTo("certificate-host-mismatch");
        assertThat(line.path("recipients").get(0).path("result").asText()).isEqualTo("delivered");
    }

    @Test
    void aPolicyThatCannotBeFetchedIsNoPolicyAndItsResultTypeIsRecorded() throws Exception {
        submit("erin@nofetch.sts.test", "sts fetch failure");

        ReceivedTransaction received = PEER.awaitTransactions(1).get(0);
        assertThat(received.recipients()).containsExactly("erin@nofetch.sts.test");
        JsonNode line = awaitLedgerLines("nofetch.sts.test", 1).get(0);
        assertThat(line.path("policy-source").asText()).isEqualTo("default");
        assertThat(line.path("level").asText()).isEqualTo("may");
        assertThat(line.has("sts-mode")).isFalse();
        assertThat(line.path("result-type").asText()).isEqualTo("sts-policy-fetch-error");
        assertThat(line.path("recipients").get(0).path("result").asText()).isEqualTo("delivered");
        assertThat(POLICIES.requests("nofetch.sts.test")).isEqualTo(1);
    }

    @Test
    void anEnforcePolicyMatchingNoMxDefersWithoutConnecting() throws Exception {
        submit("fay@nomx.sts.test", "sts no matching mx");

        JsonNode line = awaitLedgerLines("nomx.sts.test", 1).get(0);
        assertThat(line.path("policy-source").asText()).isEqualTo("sts");
        assertThat(line.path("sts-mode").asText()).isEqualTo("enforce");
        assertThat(line.path("transport").asText()).isEqualTo("none");
        assertThat(line.path("result-type").asText()).isEqualTo("validation-failure");
        assertThat(line.path("transport-reason").asText())
            .startsWith("MTA-STS validation-failure: no MX host of nomx.sts.test (mx.nomx.sts.test) matches the mx patterns");
        assertThat(line.path("recipients").get(0).path("status").asText()).isEqualTo("4.7.5");
        awaitDsnFor("fay@nomx.sts.test");
        assertThat(PEER.connectionCount()).isZero();
    }
}
