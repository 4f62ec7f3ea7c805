package dev.tlsprovenance.outbound;

import static dev.tlsprovenance.outbound.OutboundFixtures.PARTNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tlsprovenance.ledger.Ledger;
import dev.tlsprovenance.testing.james.FailingMxDnsService;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.logging.CapturedLog;
import dev.tlsprovenance.testing.peer.ReceivedTransaction;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The outbound ledger of a real James 3.8.1: one line per attempt, with the mail's identity, including attempts that
 * sent nothing (DNS failure, refused connection, 454 to STARTTLS, no STARTTLS at encrypt), and no delivery at
 * encrypt or above while the ledger cannot be written.
 */
class OutboundLedgerJamesTest {
    private static final String SENDER = "sender@" + JamesTestServer.LOCAL_DOMAIN;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestSmtpPeer GOOD_PEER;
    private static final TestSmtpPeer REFUSING_PEER;
    private static final TestSmtpPeer STRIPPING_PEER;
    private static final TestSmtpPeer OPEN_PEER;
    private static final int CLOSED_PORT;

    static {
        try {
            TestPki pki = TestPki.shared();
            GOOD_PEER = TestSmtpPeer.builder().serverName(PARTNER).identity(pki.peer(PARTNER)).start();
            REFUSING_PEER = TestSmtpPeer.builder().serverName("mx.refused.test").identity(pki.peer(PARTNER)).refuseStartTls().start();
            STRIPPING_PEER = TestSmtpPeer.builder().serverName("mx.stripped.test").identity(pki.peer(PARTNER)).withholdStartTls().start();
            OPEN_PEER = TestSmtpPeer.builder().serverName("mx.open.test").start();
            try (ServerSocket socket = new ServerSocket(0)) {
                CLOSED_PORT = socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Line numbers matter: the ledger names the row as tls-policy.conf:N. */
    private static String policyFile() {
        return "good.test      outbound=secure   match=" + PARTNER + "  ca=" + OutboundFixtures.caBundle()
            + "  route=[localhost]:" + GOOD_PEER.port() + "\n"
            + "refused.test   outbound=encrypt  route=[localhost]:" + REFUSING_PEER.port() + "\n"
            + "stripped.test  outbound=encrypt  route=[localhost]:" + STRIPPING_PEER.port() + "\n"
            + "closed.test    outbound=encrypt  route=[localhost]:" + CLOSED_PORT + "\n"
            + FailingMxDnsService.FAILING_SUFFIX + "   outbound=encrypt\n"
            + "open.test      outbound=may      route=[localhost]:" + OPEN_PEER.port() + "\n"
            + "default        outbound=may\n";
    }

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withConfFile("tls-policy.conf", policyFile())
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withOverrides(FailingMxDnsService.MODULE)
        .withMailets("<mailet match=\"HostIsLocal\" class=\"ToRepository\">\n"
            + "  <repositoryPath>" + JamesTestServer.DELIVERED + "</repositoryPath>\n"
            + "</mailet>\n"
            + "<mailet match=\"All\" class=\"dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery\">\n"
            + "  <delays>200ms</delays>\n"
            + "  <maxRetries>1</maxRetries>\n"
            + "  <heloName>james.sender.test</heloName>\n"
            + "  <connectionTimeout>5s</connectionTimeout>\n"
            + "  <readTimeout>10s</readTimeout>\n"
            + "  <ledgerRequiredFrom>encrypt</ledgerRequiredFrom>\n"
            + "</mailet>\n")
        .build();

    private static Path ledgerFile() {
        return james.workingDirectory().resolve("var/tls-ledger/outbound.jsonl");
    }

    @BeforeEach
    void forgetPeersAndLedger() throws IOException {
        List.of(GOOD_PEER, REFUSING_PEER, STRIPPING_PEER, OPEN_PEER).forEach(TestSmtpPeer::resetRecords);
        GOOD_PEER.clearReplies();
        Path ledger = ledgerFile();
        if (Files.isDirectory(ledger)) {
            Files.delete(ledger);
        }
        Files.deleteIfExists(ledger);
        james.clearDelivered();
    }

    private static String submit(List<String> recipients, String subject) throws IOException {
        String messageId = "<" + UUID.randomUUID() + "@ledger.test>";
        String message = "From: <" + SENDER + ">\r\nTo: <" + recipients.get(0) + ">\r\nSubject: " + subject + "\r\n"
            + "Message-ID: " + messageId + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nledger test\r\n";
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.test");
            assertThat(client.send(SENDER, recipients, message).code()).isEqualTo(250);
            client.quit();
        }
        return messageId;
    }

    private static List<JsonNode> ledgerLines(String domain) throws IOException {
        Path ledger = ledgerFile();
        if (!Files.isRegularFile(ledger)) {
            return List.of();
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(ledger)) {
            JsonNode node = JSON.readTree(line);
            if (domain.equals(node.path("domain").asText())) {
                lines.add(node);
            }
        }
        return lines;
    }

    private static List<JsonNode> awaitLedgerLines(String domain, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> ledgerLines(domain).size() >= count);
        try {
            return ledgerLines(domain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode recipient(JsonNode line, String address) {
        for (JsonNode recipient : line.path("recipients")) {
            if (recipient.path("rcpt").asText().equals(address)) {
                return recipient;
            }
        }
        throw new AssertionError(address + " not in " + line);
    }

    /** The identity and policy part every line carries. */
    private static void assertIdentity(JsonNode line, String messageId, String row, String level, String... recipients) {
        assertThat(line.path("dir").asText()).isEqualTo("outbound");
        assertThat(line.path("mail").asText()).isNotBlank();
        assertThat(line.path("message-id").asText()).isEqualTo(messageId);
        assertThat(line.path("sender").asText()).isEqualTo(SENDER);
        assertThat(line.path("row").asText()).isEqualTo(row);
        assertThat(line.path("level").asText()).isEqualTo(level);
        assertThat(line.path("by").asText()).isEqualTo("james.sender.test");
        assertThat(line.path("fallback").asText()).isEqualTo("no");
        assertThat(line.path("requiretls").asText()).isEqualTo("no");
        assertThat(line.path("time").asText()).isNotBlank();
        List<String> listed = new ArrayList<>();
        line.path("recipients").forEach(r -> listed.add(r.path("rcpt").asText()));
        assertThat(listed).containsExactlyInAnyOrder(recipients);
    }

    @Test
    void aDnsFailureIsALineWithTransportNoneAndTheResolverError() throws Exception {
        String messageId = submit(List.of("dan@" + FailingMxDnsService.FAILING_SUFFIX), "dns failure");

        List<JsonNode> lines = awaitLedgerLines(FailingMxDnsService.FAILING_SUFFIX, 2);
        JsonNode first = lines.get(0);
        assertIdentity(first, messageId, "tls-policy.conf:5", "encrypt", "dan@" + FailingMxDnsService.FAILING_SUFFIX);
        assertThat(first.path("transport").asText()).isEqualTo("none");
        assertThat(first.path("transport-reason").asText()).isEqualTo("temporary DNS failure looking up MX of "
            + FailingMxDnsService.FAILING_SUFFIX + ": SERVFAIL for " + FailingMxDnsService.FAILING_SUFFIX + " (test resolver)");
        assertThat(first.path("addr").asText()).isEmpty();
        assertThat(first.has("next-hop")).isFalse();
        assertThat(first.has("protocol")).isFalse();
        assertThat(first.path("attempt").asText()).isEqualTo("1");
        JsonNode recipient = first.path("recipients").get(0);
        assertThat(recipient.path("result").asText()).isEqualTo("deferred");
        assertThat(recipient.path("status").asText()).isEqualTo("4.4.1");
        assertThat(recipient.path("reason").asText()).isEqualTo(first.path("transport-reason").asText());
        assertThat(recipient.has("code")).isFalse();
        // the last try: the same failure, now final
        assertThat(lines.get(1).path("attempt").asText()).isEqualTo("2");
        assertThat(lines.get(1).path("recipients").get(0).path("result").asText()).isEqualTo("failed");
        assertThat(lines.get(1).path("mail").asText()).isEqualTo(first.path("mail").asText());
    }

    @Test
    void aRefusedConnectionIsALineWithTransportNoneAndTheReason() throws Exception {
        String messageId = submit(List.of("erin@closed.test"), "refused connection");

        JsonNode line = awaitLedgerLines("closed.test", 1).get(0);
        assertIdentity(line, messageId, "tls-policy.conf:4", "encrypt", "erin@closed.test");
        assertThat(line.path("transport").asText()).isEqualTo("none");
        assertThat(line.path("transport-reason").asText()).startsWith("cannot connect to localhost:" + CLOSED_PORT + ": ")
            .containsIgnoringCase("refused");
        assertThat(line.path("next-hop").asText()).isEqualTo("localhost:" + CLOSED_PORT);
        assertThat(line.path("verify").asText()).isEqualTo("not-checked");
        assertThat(line.path("recipients").get(0).path("status").asText()).isEqualTo("4.4.1");
    }

    @Test
    void a454ToStartTlsAtEncryptIsALineWithTransportNoneAndThePeersReply() throws Exception {
        String messageId = submit(List.of("fay@refused.test"), "454 to starttls");

        JsonNode line = awaitLedgerLines("refused.test", 1).get(0);
        assertIdentity(line, messageId, "tls-policy.conf:2", "encrypt", "fay@refused.test");
        assertThat(line.path("transport").asText()).isEqualTo("none");
        assertThat(line.path("transport-reason").asText())
            .isEqualTo("STARTTLS refused: 454 4.7.0 TLS not available due to temporary reason");
        assertThat(line.path("addr").asText()).isEqualTo("127.0.0.1");
        assertThat(line.path("recipients").get(0).path("status").asText()).isEqualTo("4.7.10");
        assertThat(line.has("protocol")).isFalse();
        assertThat(REFUSING_PEER.commandLog()).noneMatch(command -> command.startsWith("MAIL") || command.startsWith("RCPT"));
    }

    @Test
    void noStartTlsOfferAtEncryptIsALineWithTransportNone() throws Exception {
        String messageId = submit(List.of("gus@stripped.test"), "no starttls");

        JsonNode line = awaitLedgerLines("stripped.test", 1).get(0);
        assertIdentity(line, messageId, "tls-policy.conf:3", "encrypt", "gus@stripped.test");
        assertThat(line.path("transport").asText()).isEqualTo("none");
        assertThat(line.path("transport-reason").asText()).isEqualTo("server did not offer STARTTLS");
        assertThat(line.path("outcome").asText()).isEqualTo("4.7.10 server did not offer STARTTLS");
        assertThat(STRIPPING_PEER.commandLog()).noneMatch(command -> command.startsWith("MAIL") || command.startsWith("RCPT"));
    }

    @Test
    void aStartTlsDeliveryLineHasEveryFieldAndEachRecipientsReply() throws Exception {
        GOOD_PEER.replyToRecipient("nobody@good.test", "550 5.1.1 no such user");
        String messageId = submit(List.of("bob@good.test", "nobody@good.test"), "all fields");

        ReceivedTransaction received = GOOD_PEER.awaitTransactions(1).get(0);
        assertThat(received.overTls()).isTrue();
        JsonNode line = awaitLedgerLines("good.test", 1).get(0);
        assertThat(fieldNames(line)).containsExactly("dir", "transport", "protocol", "cipher", "bits", "by", "addr", "host",
            "verify", "trust", "peer-subject", "peer-issuer", "peer-san", "peer-serial", "peer-sha256",
            "peer-not-before", "peer-not-after", "domain", "next-hop", "level", "outcome", "attempt", "time", "fallback",
            "requiretls", "mail", "message-id", "sender", "row", "policy-source", "recipients");
        assertThat(line.path("policy-source").asText()).isEqualTo("row");
        assertIdentity(line, messageId, "tls-policy.conf:1", "secure", "bob@good.test", "nobody@good.test");
        assertThat(line.path("transport").asText()).isEqualTo("starttls");
        assertThat(line.path("protocol").asText()).isEqualTo("TLSv1.3");
        assertThat(line.path("cipher").asText()).startsWith("TLS_");
        assertThat(line.path("addr").asText()).isEqualTo("127.0.0.1");
        assertThat(line.path("host").asText()).isEqualTo("localhost");
        assertThat(line.path("next-hop").asText()).isEqualTo("localhost:" + GOOD_PEER.port());
        assertThat(line.path("verify").asText()).isEqualTo("verified");
        assertThat(line.path("peer-subject").asText()).isEqualTo("CN=" + PARTNER);
        assertThat(line.path("peer-san").asText()).contains("DNS:" + PARTNER);
        assertThat(line.path("attempt").asText()).isEqualTo("1");
        JsonNode bob = recipient(line, "bob@good.test");
        assertThat(bob.path("result").asText()).isEqualTo("delivered");
        assertThat(bob.path("code").asText()).isEqualTo("250");
        assertThat(bob.path("status").asText()).isEqualTo("2.0.0");
        assertThat(bob.path("reply").asText()).startsWith("250 2.0.0 ");
        JsonNode nobody = recipient(line, "nobody@good.test");
        assertThat(fieldNames(nobody)).containsExactly("rcpt", "result", "code", "status", "reply");
        assertThat(nobody.path("result").asText()).isEqualTo("failed");
        assertThat(nobody.path("code").asText()).isEqualTo("550");
        assertThat(nobody.path("status").asText()).isEqualTo("5.1.1");
        assertThat(nobody.path("reply").asText()).isEqualTo("550 5.1.1 no such user");
    }

    @Test
    void whileTheLedgerCannotBeWrittenEncryptRowsWaitAndMayRowsGoOn() throws Exception {
        Files.createDirectories(ledgerFile());
        try (CapturedLog log = CapturedLog.of(Ledger.class, TlsPolicyRemoteDelivery.class)) {
            String messageId = submit(List.of("bob@good.test", "carol@open.test"), "during the outage");

            assertThat(OPEN_PEER.awaitTransactions(1).get(0).recipients()).containsExactly("carol@open.test");
            // several tries, each deferred, none sent
            await().atMost(Duration.ofSeconds(20)).until(() -> log.messages(Level.INFO).stream()
                .filter(m -> m.contains("1 recipient(s) deferred (4.3.0) until the outbound ledger can be written")).count() >= 3);
            assertThat(GOOD_PEER.connectionCount()).isZero();
            assertThat(GOOD_PEER.commandLog()).noneMatch(command -> command.startsWith("MAIL"));

            Files.delete(ledgerFile());
            assertThat(GOOD_PEER.awaitTransactions(1).get(0).recipients()).containsExactly("bob@good.test");
            JsonNode line = awaitLedgerLines("good.test", 1).get(0);
            assertThat(line.path("message-id").asText()).isEqualTo(messageId);
            assertThat(line.path("transport").asText()).isEqualTo("starttls");
            // attempt 1 delivered carol; the passes that only waited for the ledger counted no attempt
            assertThat(line.path("attempt").asText()).as("waiting for the ledger used up no retry").isEqualTo("2");
            assertThat(line.path("recipients").get(0).path("result").asText()).isEqualTo("delivered");

            List<String> errors = log.messages(Level.ERROR);
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0)).startsWith("Ledger: The outbound ledger " + ledgerFile() + " cannot be written (")
                .contains("Is a directory");
            assertThat(log.messages(Level.INFO).stream().filter(m -> m.startsWith("Ledger: ")).collect(Collectors.toList()))
                .singleElement().asString().startsWith("Ledger: The outbound ledger " + ledgerFile() + " can be written again");
        }
    }
}
