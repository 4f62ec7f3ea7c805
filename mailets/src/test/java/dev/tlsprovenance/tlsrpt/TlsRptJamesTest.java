package dev.tlsprovenance.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.mail.Multipart;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.peer.ReceivedTransaction;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;

/**
 * A report mail through a real James 3.8.1 and our outbound to a destination whose row requires {@code verify} and
 * whose server has a self-signed certificate: the report goes (at {@code may}, RFC 8460 §5.3), ordinary mail to a
 * domain with the same outbound row does not. The report's domain also requires TLS inbound: a report, made here and
 * never received, is not held to the inbound rules (it has no inbound record to meet them with).
 */
class TlsRptJamesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SENDER = "sender@" + JamesTestServer.LOCAL_DOMAIN;
    private static final TestSmtpPeer SELF_SIGNED_PEER;
    private static final Path CA;

    static {
        try {
            SELF_SIGNED_PEER = TestSmtpPeer.builder().serverName("mx.reports.test")
                .identity(TestPki.shared().selfSigned("mx.reports.test")).start();
            CA = Files.createTempFile("tlsrpt-ca", ".pem");
            Files.writeString(CA, TestPki.shared().root().certificatePem());
            CA.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withConfFile("tls-policy.conf", "reports.test  inbound=require  outbound=verify  ca=" + CA + "  route=[localhost]:"
            + SELF_SIGNED_PEER.port() + "\nplain.test  outbound=verify  ca=" + CA + "  route=[localhost]:"
            + SELF_SIGNED_PEER.port() + "\ndefault  outbound=may\n")
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withMailets("<mailet match=\"SubjectIs=send the tls report\" class=\"" + SubmitReportOnTrigger.class.getName() + "\"/>\n"
            // as in the shipped transport processor: the inbound rules on the final recipients; reports.test
            // requires TLS inbound, and a report (made here, never received) has no inbound record
            + "<mailet match=\"All\" class=\"dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy\">\n"
            + "  <onViolation>bounce</onViolation>\n  <bounceProcessor>error</bounceProcessor>\n"
            + "</mailet>\n"
            + "<mailet match=\"HostIsLocal\" class=\"ToRepository\">\n"
            + "  <repositoryPath>" + JamesTestServer.DELIVERED + "</repositoryPath>\n"
            + "</mailet>\n"
            + "<mailet match=\"All\" class=\"dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery\">\n"
            + "  <delays>200ms</delays>\n"
            + "  <maxRetries>0</maxRetries>\n"
            + "  <heloName>james.sender.test</heloName>\n"
            + "  <connectionTimeout>5s</connectionTimeout>\n"
            + "  <readTimeout>10s</readTimeout>\n"
            + "</mailet>\n")
        .build();

    @BeforeEach
    void forget() {
        SELF_SIGNED_PEER.resetRecords();
    }

    private static void submit(String recipient, String subject) throws IOException {
        String message = "From: <" + SENDER + ">\r\nTo: <" + recipient + ">\r\nSubject: " + subject + "\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\ntls-rpt test\r\n";
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.test");
            assertThat(client.send(SENDER, List.of(recipient), message).code()).isEqualTo(250);
            client.quit();
        }
    }

    private static List<JsonNode> ledger() throws IOException {
        Path file = james.workingDirectory().resolve("var/tls-ledger/outbound.jsonl");
        List<JsonNode> lines = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    @Test
    void theReportGoesDespiteTheRowsVerifyAndOrdinaryMailDoesNot() throws Exception {
        submit("bob@plain.test", "ordinary mail");
        await().atMost(Duration.ofSeconds(20)).until(() -> ledger().stream()
            .anyMatch(l -> l.path("sender").asText().equals(SENDER)));
        JsonNode refused = ledger().stream().filter(l -> l.path("sender").asText().equals(SENDER)).findFirst().orElseThrow();
        assertThat(refused.path("level").asText()).isEqualTo("verify");
        assertThat(refused.path("transport").asText()).isEqualTo("none");
        assertThat(refused.path("verify").asText()).isEqualTo("failed");
        assertThat(SELF_SIGNED_PEER.acceptedTransactions()).isEmpty();

        submit("tlsrpt@reports.test", "send the tls report");
        List<ReceivedTransaction> received = SELF_SIGNED_PEER.awaitTransactions(1);
        ReceivedTransaction transaction = received.get(0);
        assertThat(transaction.mailFrom()).isEqualTo(SubmitReportOnTrigger.FROM);
        assertThat(transaction.recipients()).containsExactly("tlsrpt@reports.test");
        assertThat(transaction.overTls()).isTrue();
        MimeMessage report = new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(transaction.data().getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(new ContentType(report.getContentType()).getBaseType()).isEqualTo("multipart/report");
        assertThat(new ContentType(report.getContentType()).getParameter("report-type")).isEqualTo("tlsrpt");
        assertThat(report.getSubject()).isEqualTo("Report Domain: reports.test Submitter: james.test "
            + "Report-ID: <20261201.reports.test@james.test>");
        assertThat(report.getHeader("TLS-Report-Domain")).containsExactly("reports.test");
        assertThat(((Multipart) report.getContent()).getBodyPart(1).getFileName()).startsWith("james.test!reports.test!");

        JsonNode line = ledger().stream().filter(l -> l.path("sender").asText().equals(SubmitReportOnTrigger.FROM))
            .findFirst().orElseThrow();
        assertThat(line.path("level").asText()).isEqualTo("may");
        assertThat(line.path("row").asText()).isEqualTo("tls-policy.conf:1");
        // the certificate check is made against the row's CA and recorded, not enforced
        assertThat(line.path("verify").asText()).isEqualTo("failed");
        assertThat(line.path("trust").asText()).startsWith("private-ca:");
        assertThat(line.path("transport").asText()).isEqualTo("starttls");
        assertThat(line.path("recipients").path(0).path("result").asText()).isEqualTo("delivered");
    }
}
