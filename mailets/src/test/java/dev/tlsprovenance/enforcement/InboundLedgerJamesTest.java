package dev.tlsprovenance.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;

/**
 * The inbound ledger of a real James 3.8.1: one line per received mail with its sealed record and, per recipient, the
 * row, the rule and what the policy did (accepted or bounced), written by the root processor's EnforceInboundTlsPolicy.
 */
class InboundLedgerJamesTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String SENDER = "sender@partner.example";
    private static final String PROTECTED = "user@contoso1.microsoftonline.com";
    private static final String UNPROTECTED = "user@james.test";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withHook("dev.tlsprovenance.inbound.RecordTlsProvenanceHook")
        .withConfFile("tls-policy.conf", String.join("\n",
            "contoso1.microsoftonline.com  inbound=require",
            "default                       inbound=none"))
        .withMailetContainer(mailetContainer())
        .build();

    private static Path ledgerFile() {
        return james.workingDirectory().resolve("var/tls-ledger/inbound.jsonl");
    }

    @BeforeEach
    void forget() throws IOException {
        Files.deleteIfExists(ledgerFile());
        james.clearDelivered();
    }

    private static String message(String messageId) {
        return "From: <" + SENDER + ">\r\nTo: <" + PROTECTED + ">\r\nSubject: inbound ledger\r\nMessage-ID: " + messageId
            + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello\r\n";
    }

    private static JsonNode awaitLine(String messageId) throws IOException {
        await().atMost(Duration.ofSeconds(20)).until(() -> lines(messageId).size() == 1);
        return lines(messageId).get(0);
    }

    private static List<JsonNode> lines(String messageId) throws IOException {
        List<JsonNode> found = new ArrayList<>();
        if (Files.isRegularFile(ledgerFile())) {
            for (String line : Files.readAllLines(ledgerFile())) {
                JsonNode node = JSON.readTree(line);
                if (messageId.equals(node.path("message-id").asText())) {
                    found.add(node);
                }
            }
        }
        return found;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aMailReceivedOverStartTlsIsOneLineWithItsRecordAndEveryRecipientAccepted() throws Exception {
        String messageId = "<" + UUID.randomUUID() + "@inbound.test>";
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "client.partner.example", PKI.trustingRoot())) {
            assertThat(client.send(SENDER, List.of(PROTECTED, UNPROTECTED), message(messageId)).code()).isEqualTo(250);
        }

        JsonNode line = awaitLine(messageId);
        assertThat(fieldNames(line)).containsExactly("dir", "transport", "protocol", "cipher", "bits", "by", "addr", "host",
            "helo", "verify", "session", "time", "fallback", "requiretls", "record", "mail", "message-id", "sender", "recipients");
        assertThat(line.path("dir").asText()).isEqualTo("inbound");
        assertThat(line.path("transport").asText()).isEqualTo("starttls");
        assertThat(line.path("protocol").asText()).isEqualTo("TLSv1.3");
        assertThat(line.path("cipher").asText()).startsWith("TLS_");
        assertThat(line.path("addr").asText()).isEqualTo("127.0.0.1");
        assertThat(line.path("helo").asText()).isEqualTo("client.partner.example");
        assertThat(line.path("verify").asText()).isEqualTo("not-presented");
        assertThat(line.path("record").asText()).isEqualTo("sealed");
        assertThat(line.path("mail").asText()).isNotBlank();
        assertThat(line.path("sender").asText()).isEqualTo(SENDER);
        assertThat(line.path("recipients").toString()).isEqualTo("[{\"rcpt\":\"" + PROTECTED
            + "\",\"row\":\"tls-policy.conf:1\",\"rule\":\"require\",\"decision\":\"accepted\"},{\"rcpt\":\"" + UNPROTECTED
            + "\",\"row\":\"tls-policy.conf:2\",\"rule\":\"none\",\"decision\":\"accepted\"}]");
        assertThat(james.awaitDeliveredMails(1).get(0).recipients()).containsExactlyInAnyOrder(PROTECTED, UNPROTECTED);
    }

    @Test
    void aCleartextMailIsOneLineThatNamesTheBouncedRecipientAndWhy() throws Exception {
        String messageId = "<" + UUID.randomUUID() + "@inbound.test>";
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.partner.example");
            assertThat(client.send(SENDER, List.of(PROTECTED, UNPROTECTED), message(messageId)).code()).isEqualTo(250);
        }

        JsonNode line = awaitLine(messageId);
        assertThat(line.path("transport").asText()).isEqualTo("cleartext");
        assertThat(line.has("protocol")).isFalse();
        assertThat(line.path("record").asText()).isEqualTo("sealed");
        assertThat(line.path("recipients").toString()).isEqualTo("[{\"rcpt\":\"" + PROTECTED
            + "\",\"row\":\"tls-policy.conf:1\",\"rule\":\"require\",\"decision\":\"bounced\",\"reason\":\"namespace "
            + "contoso1.microsoftonline.com (tls-policy.conf:1) requires TLS but the mail was received in cleartext from 127.0.0.1\"},"
            + "{\"rcpt\":\"" + UNPROTECTED + "\",\"row\":\"tls-policy.conf:2\",\"rule\":\"none\",\"decision\":\"accepted\"}]");
    }

    @Test
    void aMailAllOfWhoseRecipientsAreBouncedStillGetsItsLine() throws Exception {
        String messageId = "<" + UUID.randomUUID() + "@inbound.test>";
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.partner.example");
            assertThat(client.send(SENDER, List.of(PROTECTED), message(messageId)).code()).isEqualTo(250);
        }

        JsonNode line = awaitLine(messageId);
        assertThat(line.path("recipients")).hasSize(1);
        assertThat(line.path("recipients").get(0).path("decision").asText()).isEqualTo("bounced");
    }

    private static String mailetContainer() {
        return "<?xml version=\"1.0\"?>\n<mailetcontainer>\n"
            + "  <context><postmaster>postmaster@james.test</postmaster></context>\n"
            + "  <spooler><threads>2</threads><errorRepository>" + JamesTestServer.ERROR + "</errorRepository></spooler>\n"
            + "  <processors>\n"
            + "    <processor state=\"root\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy\">\n"
            + "        <onViolation>bounce</onViolation>\n"
            + "        <bounceProcessor>bounces</bounceProcessor>\n"
            + "        <inboundLedger>file://var/tls-ledger/inbound.jsonl</inboundLedger>\n"
            + "      </mailet>\n"
            + "      <mailet match=\"All\" class=\"ToProcessor\"><processor>transport</processor></mailet>\n"
            + "    </processor>\n"
            + "    <processor state=\"error\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"ToRepository\"><repositoryPath>" + JamesTestServer.ERROR + "</repositoryPath></mailet>\n"
            + "    </processor>\n"
            + "    <processor state=\"transport\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"RemoveMimeHeader\"><name>bcc</name></mailet>\n"
            + "      <mailet match=\"All\" class=\"ToRepository\"><repositoryPath>" + JamesTestServer.DELIVERED + "</repositoryPath></mailet>\n"
            + "    </processor>\n"
            + "    <processor state=\"bounces\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"DSNBounce\">\n"
            + "        <passThrough>false</passThrough>\n"
            + "      </mailet>\n"
            + "    </processor>\n"
            + "  </processors>\n</mailetcontainer>\n";
    }
}
