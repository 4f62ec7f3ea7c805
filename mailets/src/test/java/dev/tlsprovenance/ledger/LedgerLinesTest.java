package dev.tlsprovenance.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The exact JSON of both ledgers' lines: field names, order and values are what administrators' tools read. */
class LedgerLinesTest {
    private static final Instant TIME = Instant.parse("2026-12-01T10:00:00Z");
    private static final CertificateSummary PEER = new CertificateSummary("CN=mx.partner.test", "CN=Test Root",
        List.of("DNS:mx.partner.test"), "1f", "ab:cd", Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));
    private static final MailIdentity MAIL = new MailIdentity("Mail1764583200000-7", Optional.of("<m1@example.org>"), "alice@example.org");

    @Test
    void aDeliveredStartTlsAttemptHasEveryField() throws Exception {
        TlsProvenance record = TlsProvenance.builder(Direction.OUTBOUND).transport(Transport.STARTTLS).protocol("TLSv1.3")
            .cipherSuite("TLS_AES_256_GCM_SHA384").localHost("mx.example.org").remoteAddress("192.0.2.7")
            .remoteHost("mx.partner.test").nextHop("mx.partner.test:25").recipientDomain("partner.test").policyLevel("secure")
            .peerCertificate(PEER).peerVerification(CertificateVerification.verified("private-ca:/etc/ca.pem"))
            .outcome("250 2.0.0 Ok").attempt(1).time(TIME).build();
        OutboundLedgerLine line = new OutboundLedgerLine(record, Optional.empty(), MAIL, "tls-policy.conf:3",
            List.of(new OutboundLedgerLine.Recipient("bob@partner.test", OutboundLedgerLine.Result.DELIVERED, 250, "2.0.0",
                "250 2.0.0 Ok", "")));

        assertThat(line.toJson().toString()).isEqualTo("{\"dir\":\"outbound\",\"transport\":\"starttls\",\"protocol\":\"TLSv1.3\","
            + "\"cipher\":\"TLS_AES_256_GCM_SHA384\",\"bits\":\"256\",\"by\":\"mx.example.org\",\"addr\":\"192.0.2.7\","
            + "\"host\":\"mx.partner.test\",\"verify\":\"verified\",\"trust\":\"private-ca:/etc/ca.pem\","
            + "\"peer-subject\":\"CN=mx.partner.test\",\"peer-issuer\":\"CN=Test Root\",\"peer-san\":\"DNS:mx.partner.test\","
            + "\"peer-serial\":\"1f\",\"peer-sha256\":\"ab:cd\",\"peer-not-before\":\"2026-01-01T00:00:00Z\","
            + "\"peer-not-after\":\"2027-01-01T00:00:00Z\",\"domain\":\"partner.test\",\"next-hop\":\"mx.partner.test:25\","
            + "\"level\":\"secure\",\"outcome\":\"250 2.0.0 Ok\",\"attempt\":\"1\",\"time\":\"2026-12-01T10:00:00Z\","
            + "\"fallback\":\"no\",\"requiretls\":\"no\",\"mail\":\"Mail1764583200000-7\",\"message-id\":\"<m1@example.org>\","
            + "\"sender\":\"alice@example.org\",\"row\":\"tls-policy.conf:3\",\"policy-source\":\"row\",\"recipients\":[{\"rcpt\":\"bob@partner.test\","
            + "\"result\":\"delivered\",\"code\":\"250\",\"status\":\"2.0.0\",\"reply\":\"250 2.0.0 Ok\"}]}");
        assertThat(OutboundLedgerLine.parse(line.toJson().toString())).isEqualTo(line);
    }

    @Test
    void anAttemptThatSentNothingSaysTransportNoneAndWhy() throws Exception {
        TlsProvenance record = TlsProvenance.builder(Direction.OUTBOUND).transport(Transport.NONE).localHost("mx.example.org")
            .remoteAddress("").recipientDomain("nx.test").policyLevel("encrypt").requireTls(true)
            .peerVerification(CertificateVerification.notChecked()).outcome("4.4.1 temporary DNS failure looking up MX of nx.test")
            .attempt(2).time(TIME).build();
        OutboundLedgerLine line = new OutboundLedgerLine(record, Optional.of("temporary DNS failure looking up MX of nx.test"),
            new MailIdentity("Mail-2", Optional.empty(), ""), "tls-policy.conf:9",
            List.of(new OutboundLedgerLine.Recipient("carol@nx.test", OutboundLedgerLine.Result.DEFERRED, 0, "4.4.1", "",
                "temporary DNS failure looking up MX of nx.test")));

        assertThat(line.toJson().toString()).isEqualTo("{\"dir\":\"outbound\",\"transport\":\"none\","
            + "\"transport-reason\":\"temporary DNS failure looking up MX of nx.test\",\"by\":\"mx.example.org\",\"addr\":\"\","
            + "\"verify\":\"not-checked\",\"domain\":\"nx.test\",\"level\":\"encrypt\","
            + "\"outcome\":\"4.4.1 temporary DNS failure looking up MX of nx.test\",\"attempt\":\"2\",\"time\":\"2026-12-01T10:00:00Z\","
            + "\"fallback\":\"no\",\"requiretls\":\"yes\",\"mail\":\"Mail-2\",\"sender\":\"\",\"row\":\"tls-policy.conf:9\","
            + "\"policy-source\":\"row\",\"recipients\":[{\"rcpt\":\"carol@nx.test\",\"result\":\"deferred\",\"status\":\"4.4.1\","
            + "\"reason\":\"temporary DNS failure looking up MX of nx.test\"}]}");
        assertThat(OutboundLedgerLine.parse(line.toJson().toString())).isEqualTo(line);
    }

    @Test
    void anInboundLineHasTheSealedRecordAndEachRecipientsDecision() throws Exception {
        TlsProvenance record = TlsProvenance.builder(Direction.INBOUND).transport(Transport.STARTTLS).protocol("TLSv1.3")
            .cipherSuite("TLS_AES_128_GCM_SHA256").localHost("mx.example.org").remoteAddress("192.0.2.9")
            .remoteHost("mail.partner.test").heloName("mail.partner.test").sessionId("s1").time(TIME).build();
        InboundLedgerLine line = new InboundLedgerLine(record, true, MAIL, List.of(
            new InboundLedgerLine.Recipient("bob@example.org", "tls-policy.conf:2", "require", InboundLedgerLine.Decision.ACCEPTED, ""),
            new InboundLedgerLine.Recipient("eve@secure.example.org", "tls-policy.conf:5", "require-verified-client-cert",
                InboundLedgerLine.Decision.BOUNCED, "no client certificate")));

        assertThat(line.toJson().toString()).isEqualTo("{\"dir\":\"inbound\",\"transport\":\"starttls\",\"protocol\":\"TLSv1.3\","
            + "\"cipher\":\"TLS_AES_128_GCM_SHA256\",\"bits\":\"128\",\"by\":\"mx.example.org\",\"addr\":\"192.0.2.9\","
            + "\"host\":\"mail.partner.test\",\"helo\":\"mail.partner.test\",\"verify\":\"not-presented\",\"session\":\"s1\","
            + "\"time\":\"2026-12-01T10:00:00Z\",\"fallback\":\"no\",\"requiretls\":\"no\",\"record\":\"sealed\","
            + "\"mail\":\"Mail1764583200000-7\",\"message-id\":\"<m1@example.org>\",\"sender\":\"alice@example.org\","
            + "\"recipients\":[{\"rcpt\":\"bob@example.org\",\"row\":\"tls-policy.conf:2\",\"rule\":\"require\",\"decision\":\"accepted\"},"
            + "{\"rcpt\":\"eve@secure.example.org\",\"row\":\"tls-policy.conf:5\",\"rule\":\"require-verified-client-cert\","
            + "\"decision\":\"bounced\",\"reason\":\"no client certificate\"}]}");
        assertThat(InboundLedgerLine.parse(line.toJson().toString())).isEqualTo(line);
    }
}
