package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.mail.ProvenanceAttributes;
import dev.tlsprovenance.provenance.ProvenanceHeaderCodec;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;

/** Trusted relays, AUTH, HELO and client-supplied trace headers, against a real James. */
class InboundProvenanceEdgeCasesTest {

    private static final TestPki PKI = TestPki.shared();
    private static final String RELAY = "relay.partner.test";
    private static final String RECIPIENT = "bob@" + JamesTestServer.LOCAL_DOMAIN;
    private static final String USER = "alice@" + JamesTestServer.LOCAL_DOMAIN;
    private static final String RELAY_STAMP = "v=1; dir=inbound; transport=starttls; protocol=TLSv1.3; "
        + "cipher=TLS_AES_256_GCM_SHA384; bits=256; by=relay.partner.test; addr=192.0.2.7; verify=not-presented; "
        + "time=2026-11-29T09:00:00Z";

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withCoreHandlersPackage(TlsProvenanceCoreHandlers.class.getName())
        .withPartnerListener(PKI.trustingRoot())
        .withMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.headers.AddTlsProvenanceHeaders\">\n"
            + "  <trustedRelays>" + RELAY + "</trustedRelays>\n"
            + "</mailet>")
        .build();

    @BeforeAll
    static void addUser() throws Exception {
        james.addUser(USER, "secret");
    }

    @BeforeEach
    void emptyTheRepository() {
        james.clearDelivered();
    }

    @Test
    void aTrustedRelayWithAVerifiedCertificateKeepsItsStampBelowOurs() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.partnerPort(),
                RELAY, PKI.clientTls(RELAY))) {
            assertThat(client.send("a@partner.test", List.of(RECIPIENT), message(RELAY_STAMP)).code()).isEqualTo(250);
        }

        List<String> stamps = james.awaitDeliveredMails(1).get(0).header("X-TLS-Provenance");
        assertThat(stamps).hasSize(2);
        assertThat(ProvenanceHeaderCodec.parse(stamps.get(0)).peerCertificate().orElseThrow().subject()).isEqualTo("CN=" + RELAY);
        assertThat(stamps.get(1)).isEqualTo(RELAY_STAMP);
    }

    @Test
    void theSameStampOverTlsWithoutClientCertificateIsRemoved() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                RELAY, PKI.trustingRoot())) {
            assertThat(client.send("a@partner.test", List.of(RECIPIENT), message(RELAY_STAMP)).code()).isEqualTo(250);
        }

        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        assertThat(mail.header("X-TLS-Provenance")).hasSize(1);
        assertThat(ProvenanceHeaderCodec.parse(mail.header("X-TLS-Provenance").get(0)).remoteAddress()).isEqualTo("127.0.0.1");
        assertThat(mail.header("X-TLS-Provenance-Untrusted")).isEmpty();
    }

    @Test
    void authenticatedTlsSubmissionIsEsmtpsaAndRecordedAsAuthenticated() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "laptop.test", PKI.trustingRoot())) {
            String plain = Base64.getEncoder().encodeToString(("\0" + USER + "\0secret").getBytes(StandardCharsets.UTF_8));
            assertThat(client.command("AUTH PLAIN " + plain).code()).isEqualTo(235);
            assertThat(client.send(USER, List.of(RECIPIENT), message(null)).code()).isEqualTo(250);
        }

        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        TlsProvenance hop = ProvenanceAttributes.fromAttributeValue(mail.attributes().get(ProvenanceAttributes.INBOUND.asString()));
        assertThat(hop.authenticated()).isTrue();
        assertThat(mail.firstHeader("Received").orElseThrow()).contains(" with ESMTPSA ID " + hop.sessionId().orElseThrow());
        assertThat(mail.firstHeader("X-TLS-Provenance").orElseThrow()).contains("; auth=yes;");
    }

    @Test
    void heloOverImplicitTlsIsSmtpWithTheTlsClauseAndClientTraceHeadersStayBelowOurs() throws Exception {
        String upstream = "from upstream.test (upstream.test [192.0.2.1]) by laptop.test with ESMTP id 1; Sun, 29 Nov 2026 09:00:00 +0000";
        try (SmtpTestClient client = SmtpTestClient.connectImplicitTls("localhost", james.smtpsPort(), PKI.trustingRoot())) {
            client.helo("old-client.test");
            String message = "Received: " + upstream + "\r\n" + message(null);
            assertThat(client.send("a@old.test", List.of(RECIPIENT), message).code()).isEqualTo(250);
        }

        List<String> received = james.awaitDeliveredMails(1).get(0).header("Received");
        assertThat(received).hasSize(2);
        assertThat(received.get(0)).contains("(HELO old-client.test)").contains(" with SMTP ID ").contains("tls TLS_");
        assertThat(received.get(1)).isEqualTo(upstream);
    }

    private static String message(String provenanceStamp) {
        return (provenanceStamp == null ? "" : "X-TLS-Provenance: " + provenanceStamp + "\r\n")
            + "From: a@partner.test\r\nTo: " + RECIPIENT + "\r\nSubject: edge\r\n\r\nHello.\r\n";
    }
}
