package dev.tlsprovenance.smtpserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withOverrides(new WantClientAuthSmtpModule())
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withConfFile("smtpserver.xml", smtpServerXml())
        .withConfFile("tls-policy.conf", "partner.test  inbound=require-verified-client-cert  client-ca=partner-ca.pem"
            + "  client-crl=partner.crl  client-names=mx.partner.test\n")
        .withConfFile("partner-ca.pem", PKI.root().certificatePem())
        .withConfFile("partner.crl", Pem.crl(PKI.intermediate().revocationList(PKI.revoked("mx.partner.test"))))
        .build();

    @AfterEach
    void clear() {
        james.clearDelivered();
    }

    @Test
    void validCertificateOverStartTlsIsAcceptedAndDelivered() throws Exception {
        try (SmtpTestClient client = startTls(PKI.client("mx.partner.test"))) {
            client.mailFrom("sender@partner.test");
            assertThat(client.rcptTo(PARTNER).code()).isEqualTo(250);
            assertThat(client.data(TestMessages.simple("sender@partner.test", PARTNER, "want")).code()).isEqualTo(250);
        }
        assertThat(james.awaitDeliveredMails(1).get(0).recipients()).containsExactly(PARTNER);
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
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.listenerPorts().get(0))) {
            client.ehlo("client.example.test");
            assertThat(client.startTls(PKI.trustingRoot()).code()).isEqualTo(220);
            client.ehlo("client.example.test");
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
        return Stream.of(
            Arguments.of("expired", PKI.expired("mx.partner.test"), "validity dates",
                "client certificate CN=mx.partner.test expired on "),
            Arguments.of("untrusted", PKI.signedByUnknownCa("mx.partner.test"), "chain to trust anchors",
                "client certificate CN=mx.partner.test is not trusted: does not chain to private-ca:"),
            Arguments.of("wrong name", PKI.client("mx.other.test"), "expected names",
                "client certificate names [mx.other.test] match none of the expected [mx.partner.test]"),
            Arguments.of("revoked", PKI.revoked("mx.partner.test"), "revocation",
                "client certificate CN=mx.partner.test is revoked"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedCertificates")
    void refusedCertificateGetsTheFailedCheckInTheReply(String label, TestCertificate identity, String check,
                                                        String reasonStart) throws Exception {
        try (SmtpTestClient client = startTls(identity)) {
            assertThat(client.sslSession().map(SSLSession::getProtocol)).contains("TLSv1.3");
            client.mailFrom("sender@example.test");
            SmtpReply refused = client.rcptTo(PARTNER);
            assertThat(refused.code()).isEqualTo(550);
            assertThat(refused.enhancedCode()).isEqualTo("5.7.1");
            assertThat(refused.text()).startsWith("5.7.1 Client certificate check failed (" + check
                + ") for recipient namespace partner.test: " + reasonStart);
            assertThat(client.rcptTo(UNPROTECTED).code()).isEqualTo(250);
        }
    }

    private static SmtpTestClient startTls(TestCertificate identity) throws Exception {
        SmtpTestClient client = SmtpTestClient.connect("localhost", james.listenerPorts().get(0));
        client.ehlo("mx.partner.test");
        assertThat(client.startTls(clientTls(identity)).code()).isEqualTo(220);
        client.ehlo("mx.partner.test");
        return client;
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
            + "    <handlerchain>\n"
            + "      <handler class=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\"/>\n"
            + "      <handler class=\"dev.tlsprovenance.inbound.RequireTlsForNamespacesHook\"/>\n"
            + "    </handlerchain>\n"
            + "    <gracefulShutdown>false</gracefulShutdown>\n"
            + "  </smtpserver>\n";
    }
}
