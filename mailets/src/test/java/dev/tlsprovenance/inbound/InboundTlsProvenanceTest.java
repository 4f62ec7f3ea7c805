package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLSession;

import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.mail.ProvenanceAttributes;
import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.ProvenanceHeaderCodec;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.provenance.VerificationStatus;
import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;

/**
 * Issue 2 acceptance against a real James 3.8.1: every SMTP hop is recorded (attributes, James 3.9 names),
 * stamped in exactly one TLS-aware {@code Received:} line and in {@code X-TLS-Provenance}, and forged
 * provenance arriving from outside ends up untrusted.
 */
class InboundTlsProvenanceTest {

    private static final TestPki PKI = TestPki.shared();
    private static final String SENDER = "alice@sender.test";
    private static final String RECIPIENT = "bob@" + JamesTestServer.LOCAL_DOMAIN;
    private static final String CLIENT_NAME = "relay.partner.test";
    /** James 3.8.1 default software name, trailing space included. */
    private static final String SOFTWARE = "JAMES SMTP Server ";
    private static final DateTimeFormatter RECEIVED_DATE =
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z (zzz)", Locale.US);

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withCoreHandlersPackage(TlsProvenanceCoreHandlers.class.getName())
        .withPartnerListener(PKI.trustingRoot())
        .withMailets(
            "<mailet match=\"All\" class=\"dev.tlsprovenance.headers.AddTlsProvenanceHeaders\">\n"
                + "  <untrustedHeaders>rename</untrustedHeaders>\n"
                + "</mailet>\n"
                + "<mailet match=\"dev.tlsprovenance.matchers.ReceivedOverTls=minProtocol=TLSv1.2\" class=\"SetMailAttribute\">\n"
                + "  <test.matched.overTls>yes</test.matched.overTls>\n"
                + "</mailet>\n"
                + "<mailet match=\"dev.tlsprovenance.matchers.ReceivedOverTls=verifiedClientCert\" class=\"SetMailAttribute\">\n"
                + "  <test.matched.mutualTls>yes</test.matched.mutualTls>\n"
                + "</mailet>\n"
                + "<mailet match=\"dev.tlsprovenance.matchers.ReceivedInCleartext\" class=\"SetMailAttribute\">\n"
                + "  <test.matched.cleartext>yes</test.matched.cleartext>\n"
                + "</mailet>")
        .build();

    @BeforeEach
    void emptyTheRepository() {
        james.clearDelivered();
    }

    @Test
    void starttlsSessionIsRecordedAndStampedWithProtocolAndCipher() throws Exception {
        SSLSession clientView;
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "client.test", PKI.trustingRoot())) {
            clientView = client.sslSession().orElseThrow();
            assertThat(client.send(SENDER, List.of(RECIPIENT), message("over STARTTLS")).code()).isEqualTo(250);
        }

        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        TlsProvenance hop = inboundRecord(mail);
        assertThat(clientView.getProtocol()).isEqualTo("TLSv1.3");
        assertThat(hop.transport()).isEqualTo(Transport.STARTTLS);
        assertThat(hop.protocol()).contains(clientView.getProtocol());
        assertThat(hop.cipherSuite()).contains(clientView.getCipherSuite());
        assertThat(hop.cipherBits()).isEqualTo(clientView.getCipherSuite().contains("256") ? 256 : 128);
        assertThat(hop.peerCertificate()).isEmpty();
        assertThat(hop.peerVerification()).isEqualTo(CertificateVerification.notPresented());
        assertThat(hop.heloName()).contains("client.test");
        assertThat(hop.localHost()).isEqualTo(TestPki.SERVER_HOST);
        assertThat(hop.remoteAddress()).isEqualTo("127.0.0.1");
        assertThat(hop.authenticated()).isFalse();
        assertThat(mail.attributes()).containsEntry("org.apache.james.ssl.protocol", AttributeValue.of("TLSv1.3"))
            .containsEntry("org.apache.james.ssl.cipher", AttributeValue.of(clientView.getCipherSuite()));

        String suite = clientView.getCipherSuite();
        assertThat(receivedLines(mail)).containsExactly(
            "Received: from " + loopbackName() + " (EHLO client.test) ([127.0.0.1])",
            "          (using TLSv1.3 with cipher " + suite + " (" + hop.cipherBits() + "/" + hop.cipherBits() + " bits))",
            "          by mx.james.test (" + SOFTWARE + ") with ESMTPS ID " + hop.sessionId().orElseThrow(),
            "          for <" + RECIPIENT + ">",
            "          tls " + suite + ";",
            "          " + receivedDate(hop.time()));
        assertThat(mail.header("X-TLS-Provenance")).containsExactly(ProvenanceHeaderCodec.format(hop));
        assertThat(mail.header("X-TLS-Provenance").get(0))
            .startsWith("v=1; dir=inbound; transport=starttls; protocol=TLSv1.3; cipher=" + suite + "; bits=" + hop.cipherBits()
                + "; by=mx.james.test; addr=127.0.0.1; ")
            .contains("; helo=client.test; verify=not-presented; session=" + hop.sessionId().orElseThrow() + "; time=");
        assertThat(mail.attributes()).containsKey("test.matched.overTls").doesNotContainKeys("test.matched.cleartext", "test.matched.mutualTls");
    }

    @Test
    void implicitTlsSessionIsRecordedAsImplicitTls() throws Exception {
        SSLSession clientView;
        try (SmtpTestClient client = SmtpTestClient.connectImplicitTls("localhost", james.smtpsPort(), PKI.trustingRoot())) {
            client.ehlo("client.test");
            clientView = client.sslSession().orElseThrow();
            assertThat(client.send(SENDER, List.of(RECIPIENT, "carol@" + JamesTestServer.LOCAL_DOMAIN), message("over SMTPS")).code()).isEqualTo(250);
        }

        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        TlsProvenance hop = inboundRecord(mail);
        String suite = clientView.getCipherSuite();
        assertThat(hop.transport()).isEqualTo(Transport.IMPLICIT_TLS);
        assertThat(hop.protocol()).contains(clientView.getProtocol());
        assertThat(hop.cipherSuite()).contains(suite);
        assertThat(receivedLines(mail)).containsExactly(
            "Received: from " + loopbackName() + " (EHLO client.test) ([127.0.0.1])",
            "          (using " + clientView.getProtocol() + " with cipher " + suite + " (" + hop.cipherBits() + "/" + hop.cipherBits() + " bits))",
            "          by mx.james.test (" + SOFTWARE + ") with ESMTPS ID " + hop.sessionId().orElseThrow(),
            "          tls " + suite + ";",
            "          " + receivedDate(hop.time()));
        assertThat(mail.header("X-TLS-Provenance")).hasSize(1);
        assertThat(ProvenanceHeaderCodec.parse(mail.header("X-TLS-Provenance").get(0))).isEqualTo(hop);
        assertThat(mail.header("X-TLS-Provenance").get(0)).startsWith("v=1; dir=inbound; transport=implicit-tls; protocol=" + clientView.getProtocol());
        assertThat(mail.attributes()).containsEntry("org.apache.james.ssl.protocol", AttributeValue.of(clientView.getProtocol()))
            .containsEntry("org.apache.james.ssl.cipher", AttributeValue.of(suite));
    }

    @Test
    void cleartextSessionIsRecordedAsCleartextAndKeepsJamesReceivedText() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.test");
            assertThat(client.send(SENDER, List.of(RECIPIENT), message("in cleartext")).code()).isEqualTo(250);
        }

        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        TlsProvenance hop = inboundRecord(mail);
        assertThat(hop.transport()).isEqualTo(Transport.CLEARTEXT);
        assertThat(hop.protocol()).isEmpty();
        assertThat(hop.cipherSuite()).isEmpty();
        assertThat(mail.attributes()).doesNotContainKeys("org.apache.james.ssl.protocol", "org.apache.james.ssl.cipher");
        assertThat(receivedLines(mail)).containsExactly(
            "Received: from " + loopbackName() + " (EHLO client.test) ([127.0.0.1])",
            "          by mx.james.test (" + SOFTWARE + ") with ESMTP ID " + hop.sessionId().orElseThrow(),
            "          for <" + RECIPIENT + ">;",
            "          " + receivedDate(hop.time()));
        assertThat(mail.header("X-TLS-Provenance")).containsExactly(
            "v=1; dir=inbound; transport=cleartext; by=mx.james.test; addr=127.0.0.1; host=" + loopbackName()
                + "; helo=client.test; verify=not-presented; session=" + hop.sessionId().orElseThrow() + "; time=" + hop.time());
        assertThat(mail.attributes()).containsKey("test.matched.cleartext").doesNotContainKeys("test.matched.overTls");
    }

    @Test
    void clientCertificateOnThePartnerListenerIsRecordedAsVerified() throws Exception {
        CertificateSummary presented = CertificateSummary.of(PKI.client(CLIENT_NAME).certificate());
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.partnerPort(),
                CLIENT_NAME, PKI.clientTls(CLIENT_NAME))) {
            assertThat(client.send(SENDER, List.of(RECIPIENT), message("mutual TLS")).code()).isEqualTo(250);
        }

        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        TlsProvenance hop = inboundRecord(mail);
        assertThat(hop.peerCertificate()).contains(presented);
        assertThat(presented.subject()).isEqualTo(PKI.client(CLIENT_NAME).certificate().getSubjectX500Principal().getName());
        assertThat(presented.sha256Fingerprint()).isEqualTo(PKI.client(CLIENT_NAME).sha256Fingerprint());
        assertThat(hop.peerVerification().status()).isEqualTo(VerificationStatus.VERIFIED);
        assertThat(hop.peerVerification().trust()).isEqualTo("listener-truststore");
        assertThat(receivedLines(mail)).contains(
            "          (client certificate subject \"" + presented.subject() + "\" issuer \"" + presented.issuer()
                + "\" checked against \"listener-truststore\" verified yes)");
        assertThat(mail.header("X-TLS-Provenance").get(0))
            .contains("verify=verified; trust=listener-truststore; peer-subject=")
            .contains("; peer-sha256=" + presented.sha256Fingerprint() + ";");
        assertThat(mail.attributes()).containsKeys("test.matched.overTls", "test.matched.mutualTls");
    }

    @Test
    void everyMailOfAReusedMutualTlsConnectionCarriesTheCertificateAndItsOwnTime() throws Exception {
        CertificateSummary presented = CertificateSummary.of(PKI.client(CLIENT_NAME).certificate());
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.partnerPort(),
                CLIENT_NAME, PKI.clientTls(CLIENT_NAME))) {
            assertThat(client.send(SENDER, List.of(RECIPIENT), message("first on the connection")).code()).isEqualTo(250);
            assertThat(client.send(SENDER, List.of(RECIPIENT), message("second on the connection")).code()).isEqualTo(250);
        }

        List<DeliveredMail> mails = james.awaitDeliveredMails(2);
        for (DeliveredMail mail : mails) {
            TlsProvenance hop = inboundRecord(mail);
            assertThat(hop.transport()).isEqualTo(Transport.STARTTLS);
            assertThat(hop.peerCertificate()).contains(presented);
            assertThat(hop.peerVerification().status()).isEqualTo(VerificationStatus.VERIFIED);
            assertThat(receivedLines(mail)).contains(
                "          (client certificate subject \"" + presented.subject() + "\" issuer \"" + presented.issuer()
                + "\" checked against \"listener-truststore\" verified yes)");
            assertThat(mail.header("X-TLS-Provenance").get(0)).contains("; time=" + hop.time());
        }
        assertThat(inboundRecord(mails.get(0)).time()).isNotEqualTo(inboundRecord(mails.get(1)).time());
    }

    @Test
    void forgedProvenanceOverCleartextEndsUntrusted() throws Exception {
        String forged = "v=1; dir=inbound; transport=starttls; protocol=TLSv1.3; cipher=TLS_AES_256_GCM_SHA384; "
            + "by=mx.james.test; addr=127.0.0.1; verify=verified; trust=listener-truststore; time=2026-01-01T00:00:00Z";
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("forger.test");
            String message = "X-TLS-Provenance: " + forged + "\r\n" + message("forged");
            assertThat(client.send(SENDER, List.of(RECIPIENT), message).code()).isEqualTo(250);
        }

        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        List<String> provenance = mail.header("X-TLS-Provenance");
        assertThat(provenance).hasSize(1);
        assertThat(ProvenanceHeaderCodec.parse(provenance.get(0)).transport()).isEqualTo(Transport.CLEARTEXT);
        assertThat(mail.header("X-TLS-Provenance-Untrusted")).containsExactly(forged);
        assertThat(mail.header("Received")).hasSize(1);
    }

    @Test
    void recordOfARealDeliveredMailSurvivesTheJsonRoundTripOfJamesQueues() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.partnerPort(),
                CLIENT_NAME, PKI.clientTls(CLIENT_NAME))) {
            assertThat(client.send(SENDER, List.of(RECIPIENT), message("json")).code()).isEqualTo(250);
        }

        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        AttributeValue<?> stored = mail.attributes().get(ProvenanceAttributes.INBOUND.asString());
        String json = mail.attributeJson(ProvenanceAttributes.INBOUND.asString()).orElseThrow();

        AttributeValue<?> restored = AttributeValue.fromJsonString(json);

        assertThat(restored).isEqualTo(stored);
        assertThat(ProvenanceAttributes.fromAttributeValue(restored)).isEqualTo(ProvenanceAttributes.fromAttributeValue(stored));
        assertThat(ProvenanceAttributes.fromAttributeValue(restored).peerCertificate()).isPresent();
    }

    private static TlsProvenance inboundRecord(DeliveredMail mail) throws Exception {
        AttributeValue<?> value = mail.attributes().get(ProvenanceAttributes.INBOUND.asString());
        assertThat(value).as("inbound provenance attribute of " + mail).isNotNull();
        return ProvenanceAttributes.fromAttributeValue(value);
    }

    /** The raw, folded Received header lines, so that the exact text and folding are asserted. */
    private static List<String> receivedLines(DeliveredMail mail) {
        assertThat(mail.header("Received")).as("exactly one Received line per hop").hasSize(1);
        String raw = mail.rawHeaderBlock();
        int start = raw.indexOf("Received: ");
        List<String> lines = new java.util.ArrayList<>();
        for (String line : raw.substring(start).split("\r\n")) {
            if (!lines.isEmpty() && !line.startsWith(" ") && !line.startsWith("\t")) {
                break;
            }
            lines.add(line);
        }
        return lines;
    }

    private static String receivedDate(Instant time) {
        return RECEIVED_DATE.format(time.atZone(ZoneId.systemDefault()));
    }

    /** James writes the client's name as Java resolves the loopback address (from /etc/hosts, no DNS). */
    private static String loopbackName() throws Exception {
        return InetAddress.getByName("127.0.0.1").getHostName();
    }

    private static String message(String subject) {
        return "From: " + SENDER + "\r\nTo: " + RECIPIENT + "\r\nSubject: " + subject + "\r\n\r\nHello.\r\n";
    }
}
