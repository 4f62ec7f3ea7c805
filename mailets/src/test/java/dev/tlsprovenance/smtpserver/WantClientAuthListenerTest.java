package dev.tlsprovenance.smtpserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tlsprovenance.mail.ProvenanceAttributes;
import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.VerificationStatus;
import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.Pem;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;
import dev.tlsprovenance.testing.smtp.SmtpReply;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/**
 * Listeners that ask for, but do not demand, a client certificate ({@code wantClientAuth="true"}, through
 * {@link WantClientAuthSmtpModule}): every client completes the handshake, and the policy row decides per
 * recipient, naming the failed check.
 */
class WantClientAuthListenerTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String PARTNER = "user@partner.test";
    private static final String UNPROTECTED = "user@james.test";
    private static final String TLS_ONLY = "user@contoso1.microsoftonline.com";
    private static final String QUARANTINE = "memory://var/mail/quarantine/";

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withOverrides(new WantClientAuthSmtpModule())
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withConfFile("smtpserver.xml", smtpServerXml())
        .withConfFile("tls-policy.conf", "partner.test  inbound=require-verified-client-cert  client-ca=partner-ca.pem"
            + "  client-crl=partner.crl  client-names=mx.partner.test\n"
            + "contoso1.microsoftonline.com  inbound=require\n")
        .withConfFile("partner-ca.pem", PKI.root().certificatePem())
        .withConfFile("partner.crl", Pem.crl(PKI.intermediate().revocationList(PKI.revoked("mx.partner.test"))))
        .withMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.headers.AddTlsProvenanceHeaders\"/>\n"
            + "<mailet match=\"All\" class=\"dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy\">\n"
            + "  <onViolation>quarantine</onViolation>\n"
            + "  <quarantineRepository>" + QUARANTINE + "</quarantineRepository>\n"
            + "</mailet>")
        .build();

    @AfterEach
    void clear() {
        james.clearDelivered();
        james.clear(QUARANTINE);
    }

    @Test
    void validCertificateOverStartTlsIsAcceptedVerifiedAgainstTheRowsCaAndDelivered() throws Exception {
        try (SmtpTestClient client = startTls(PKI.client("mx.partner.test"))) {
            client.mailFrom("sender@partner.test");
            assertThat(client.rcptTo(PARTNER).code()).isEqualTo(250);
            assertThat(client.data(TestMessages.simple("sender@partner.test", PARTNER, "want")).code()).isEqualTo(250);
        }
        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        assertThat(mail.recipients()).as("the after-DATA check accepts what the RCPT check verified").containsExactly(PARTNER);
        assertThat(james.mailCount(QUARANTINE)).isZero();
        TlsProvenance hop = ProvenanceAttributes.fromAttributeValue(mail.attributes().get(ProvenanceAttributes.INBOUND.asString()));
        assertThat(hop.peerCertificate().map(CertificateSummary::subject)).contains("CN=mx.partner.test");
        assertThat(hop.peerVerification().status())
            .as("the partner.test rule checked the certificate at RCPT: that check is what the record states")
            .isEqualTo(VerificationStatus.VERIFIED);
        assertThat(hop.peerVerification().trust()).isEqualTo("private-ca:" + james.confDirectory().resolve("partner-ca.pem"));
        assertThat(hop.peerVerification().reason()).isEqualTo("namespace partner.test, name mx.partner.test");
        assertThat(mail.header("X-TLS-Provenance").get(0)).contains("; verify=verified; trust=private-ca:"
            + james.confDirectory().resolve("partner-ca.pem") + "; reason=\"namespace partner.test, name mx.partner.test\";");
        assertThat(mail.rawHeaderBlock()).contains("          (client certificate subject \"CN=mx.partner.test\" issuer \""
            + PKI.intermediate().certificate().getSubjectX500Principal().getName()
            + "\" checked against \"private-ca:" + james.confDirectory().resolve("partner-ca.pem") + "\" verified yes)");
    }

    @Test
    void certificateNoRuleCheckedIsRecordedAsPresentedButNotChecked() throws Exception {
        try (SmtpTestClient client = startTls(PKI.client("mx.partner.test"))) {
            client.mailFrom("sender@example.test");
            assertThat(client.rcptTo(UNPROTECTED).code()).isEqualTo(250);
            assertThat(client.data(TestMessages.simple("sender@example.test", UNPROTECTED, "want, unchecked")).code()).isEqualTo(250);
        }
        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        TlsProvenance hop = ProvenanceAttributes.fromAttributeValue(mail.attributes().get(ProvenanceAttributes.INBOUND.asString()));
        assertThat(hop.peerVerification().status())
            .as("the listener accepted the certificate without checking it and no rule checked it: not verified")
            .isEqualTo(VerificationStatus.NOT_CHECKED);
        assertThat(hop.peerVerification().reason()).contains("wantClientAuth");
        assertThat(mail.rawHeaderBlock()).contains("          (client certificate subject \"CN=mx.partner.test\" issuer \""
            + PKI.intermediate().certificate().getSubjectX500Principal().getName() + "\" presented, not checked by the listener)");
    }

    @Test
    void validCertificateOverImplicitTlsIsAccepted() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectImplicitTls("localhost", james.listenerPorts().get(1),
            clientTls(PKI.client("mx.partner.test")))) {
            client.ehlo("mx.partner.test");
            client.mailFrom("sender@partner.test");
            assertThat(client.rcptTo(PARTNER).code()).isEqualTo(250);
        }
    }

    @Test
    void clientWithoutCertificateStillGetsInForOtherNamespaces() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.listenerPorts().get(0),
                "client.example.test", PKI.trustingRoot())) {
            client.mailFrom("sender@example.test");
            SmtpReply refused = client.rcptTo(PARTNER);
            assertThat(refused.code()).isEqualTo(550);
            assertThat(refused.text()).isEqualTo("5.7.1 Client certificate check failed (certificate presented) "
                + "for recipient namespace partner.test: no client certificate was presented");
            assertThat(client.rcptTo(UNPROTECTED).code()).isEqualTo(250);
            assertThat(client.data(TestMessages.simple("sender@example.test", UNPROTECTED, "no cert")).code()).isEqualTo(250);
        }
        assertThat(james.awaitDeliveredMails(1).get(0).recipients()).containsExactly(UNPROTECTED);
    }

    static Stream<Arguments> refusedCertificates() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean implicitTls : List.of(false, true)) {
            String transport = implicitTls ? "SMTPS" : "STARTTLS";
            cases.add(Arguments.of(transport + " expired", implicitTls, PKI.expired("mx.partner.test"), "validity dates",
                "client certificate CN=mx.partner.test expired on "));
            cases.add(Arguments.of(transport + " untrusted", implicitTls, PKI.signedByUnknownCa("mx.partner.test"),
                "chain to trust anchors", "client certificate CN=mx.partner.test is not trusted: does not chain to private-ca:"));
            cases.add(Arguments.of(transport + " wrong name", implicitTls, PKI.client("mx.other.test"), "expected names",
                "client certificate names [mx.other.test] match none of the expected [mx.partner.test]"));
            cases.add(Arguments.of(transport + " revoked", implicitTls, PKI.revoked("mx.partner.test"), "revocation",
                "client certificate CN=mx.partner.test is revoked"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedCertificates")
    void refusedCertificateGetsTheFailedCheckInTheReply(String label, boolean implicitTls, TestCertificate identity,
                                                        String check, String reasonStart) throws Exception {
        try (SmtpTestClient client = implicitTls ? implicitTls(identity) : startTls(identity)) {
            assertThat(client.sslSession().map(SSLSession::getProtocol)).contains("TLSv1.3");
            client.mailFrom("sender@example.test");
            SmtpReply refused = client.rcptTo(PARTNER);
            assertThat(refused.code()).isEqualTo(550);
            assertThat(refused.enhancedCode()).isEqualTo("5.7.1");
            assertThat(refused.text()).startsWith("5.7.1 Client certificate check failed (" + check
                + ") for recipient namespace partner.test: " + reasonStart);
            assertThat(client.rcptTo(TLS_ONLY).code()).as("inbound=require needs TLS, not a good certificate").isEqualTo(250);
            assertThat(client.rcptTo(UNPROTECTED).code()).isEqualTo(250);
        }
    }

    @Test
    void senderNamespaceWithClientCertificateRuleChecksTheCertificate() throws Exception {
        try (SmtpTestClient client = startTls(PKI.client("mx.other.test"))) {
            SmtpReply refused = client.mailFrom("sender@partner.test");
            assertThat(refused.code()).isEqualTo(550);
            assertThat(refused.text()).startsWith(
                "5.7.1 Client certificate check failed (expected names) for sender namespace partner.test: ");
        }
        try (SmtpTestClient client = startTls(PKI.client("mx.partner.test"))) {
            assertThat(client.mailFrom("sender@partner.test").code()).isEqualTo(250);
        }
    }

    private static SmtpTestClient implicitTls(TestCertificate identity) throws Exception {
        SmtpTestClient client = SmtpTestClient.connectImplicitTls("localhost", james.listenerPorts().get(1), clientTls(identity));
        client.ehlo("mx.partner.test");
        return client;
    }

    private static SmtpTestClient startTls(TestCertificate identity) throws Exception {
        return SmtpTestClient.connectWithStartTls("localhost", james.listenerPorts().get(0),
                "mx.partner.test", clientTls(identity));
    }

    private static TestTls clientTls(TestCertificate identity) {
        return TestTls.builder().identity(identity).trust(PKI.root()).build();
    }

    private static String smtpServerXml() {
        return "<?xml version=\"1.0\"?>\n<smtpservers>\n"
            + listener("want-starttls", "startTLS=\"true\" socketTLS=\"false\" wantClientAuth=\"true\"")
            + listener("want-smtps", "startTLS=\"false\" socketTLS=\"true\" wantClientAuth=\"true\"")
            + "</smtpservers>\n";
    }

    private static String listener(String jmxName, String tlsAttributes) {
        return "  <smtpserver enabled=\"true\">\n"
            + "    <jmxName>" + jmxName + "-" + System.nanoTime() + "</jmxName>\n"
            + "    <bind>127.0.0.1:0</bind>\n"
            + "    <tls " + tlsAttributes + ">\n"
            + "      <keystore>file://conf/keystore.p12</keystore>\n"
            + "      <keystoreType>PKCS12</keystoreType>\n"
            + "      <secret>changeit</secret>\n"
            + "    </tls>\n"
            + "    <helloName autodetect=\"false\">" + TestPki.SERVER_HOST + "</helloName>\n"
            + "    <authorizedAddresses>127.0.0.0/8</authorizedAddresses>\n"
            + "    <maxmessagesize>0</maxmessagesize>\n"
            + "    <handlerchain coreHandlersPackage=\"dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers\">\n"
            + "      <handler class=\"dev.tlsprovenance.inbound.RequireTlsForNamespacesHook\"/>\n"
            + "    </handlerchain>\n"
            + "    <gracefulShutdown>false</gracefulShutdown>\n"
            + "  </smtpserver>\n";
    }
}
