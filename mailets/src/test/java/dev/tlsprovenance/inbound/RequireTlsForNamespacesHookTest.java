package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
 * The hook in a real James 3.8.1 with the stock listeners: STARTTLS ({@code smtp}), implicit TLS
 * ({@code smtps}) and a partner listener that demands a client certificate (James's {@code <clientAuth>}).
 */
class RequireTlsForNamespacesHookTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String PROTECTED = "user@contoso1.microsoftonline.com";
    private static final String SUFFIX_PROTECTED = "user@tenant2.microsoftonline.com";
    private static final String PARTNER = "user@partner.test";
    private static final String UNPROTECTED = "user@james.test";
    private static final String POLICY = String.join("\n",
        "contoso1.microsoftonline.com  inbound=require  cleartext-reply=permanent",
        ".microsoftonline.com          inbound=require  require-tls-from-senders=no  cleartext-reply=permanent",
        "partner.test                  inbound=require-verified-client-cert  client-ca=partner-ca.pem  cleartext-reply=permanent",
        "                              client-crl=partner.crl  client-names=mx.partner.test",
        "hosted.test                   inbound=require",
        "default                       inbound=none");

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withHook("dev.tlsprovenance.inbound.RequireTlsForNamespacesHook")
        .withConfFile("tls-policy.conf", POLICY)
        .withConfFile("partner-ca.pem", PKI.root().certificatePem())
        .withConfFile("partner.crl", Pem.crl(PKI.intermediate().revocationList(PKI.revoked("mx.partner.test"))))
        .withPartnerListener(TestTls.builder().trust(PKI.root()).build())
        .build();

    @AfterEach
    void clear() {
        james.clearDelivered();
    }

    @Test
    void mixedTransactionInCleartextDeliversOnlyTheUnprotectedRecipient() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.example.test");
            assertThat(client.mailFrom("sender@example.test").code()).isEqualTo(250);

            SmtpReply refused = client.rcptTo(PROTECTED);
            assertThat(refused.code()).isEqualTo(530);
            assertThat(refused.enhancedCode()).isEqualTo("5.7.0");
            assertThat(refused.text()).isEqualTo("5.7.0 Must issue a STARTTLS command first");
            assertThat(client.rcptTo(UNPROTECTED).code()).isEqualTo(250);
            assertThat(client.rcptTo(SUFFIX_PROTECTED).code()).isEqualTo(530);

            assertThat(client.data(TestMessages.simple("sender@example.test", UNPROTECTED, "mixed")).code()).isEqualTo(250);
        }
        List<DeliveredMail> delivered = james.awaitDeliveredMails(1);
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).recipients()).containsExactly(UNPROTECTED);
    }

    @Test
    void withoutCleartextReplyTheRefusalIsTemporarySoTheSenderRetriesOverTls() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("edge.hosted.test");
            SmtpReply sender = client.mailFrom("someone@hosted.test");
            assertThat(sender.code()).isEqualTo(450);
            assertThat(sender.text()).isEqualTo(
                "4.7.10 TLS required for sender namespace hosted.test: Must issue a STARTTLS command first");
            assertThat(client.mailFrom("sender@example.test").code()).isEqualTo(250);
            SmtpReply recipient = client.rcptTo("user@hosted.test");
            assertThat(recipient.code()).isEqualTo(450);
            assertThat(recipient.enhancedCode()).isEqualTo("4.7.0");
            assertThat(recipient.text()).isEqualTo("4.7.0 Must issue a STARTTLS command first");
            assertThat(client.rcptTo(PROTECTED).text()).as("cleartext-reply=permanent")
                .isEqualTo("5.7.0 Must issue a STARTTLS command first");
        }
    }

    @Test
    void protectedRecipientAcceptedAfterStartTls() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "client.example.test", PKI.trustingRoot())) {
            assertThat(client.mailFrom("sender@example.test").code()).isEqualTo(250);
            assertThat(client.rcptTo(PROTECTED).code()).isEqualTo(250);
            assertThat(client.rcptTo(SUFFIX_PROTECTED).code()).isEqualTo(250);
            assertThat(client.data(TestMessages.simple("sender@example.test", PROTECTED, "tls")).code()).isEqualTo(250);
        }
        assertThat(james.awaitDeliveredMails(1).get(0).recipients()).containsExactlyInAnyOrder(PROTECTED, SUFFIX_PROTECTED);
    }

    @Test
    void protectedRecipientAcceptedOverImplicitTls() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectImplicitTls("localhost", james.smtpsPort(), PKI.trustingRoot())) {
            client.ehlo("client.example.test");
            assertThat(client.mailFrom("sender@example.test").code()).isEqualTo(250);
            assertThat(client.rcptTo(PROTECTED).code()).isEqualTo(250);
            assertThat(client.data(TestMessages.simple("sender@example.test", PROTECTED, "smtps")).code()).isEqualTo(250);
        }
        assertThat(james.awaitDeliveredMails(1).get(0).recipients()).containsExactly(PROTECTED);
    }

    @Test
    void protectedSenderNamespaceRefusedInCleartext() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("edge.microsoftonline.test");
            SmtpReply refused = client.mailFrom(PROTECTED);
            assertThat(refused.code()).isEqualTo(530);
            assertThat(refused.text()).isEqualTo(
                "5.7.10 TLS required for sender namespace contoso1.microsoftonline.com: Must issue a STARTTLS command first");
            assertThat(client.mailFrom(SUFFIX_PROTECTED).code()).as("require-tls-from-senders=no").isEqualTo(250);
        }
    }

    @Test
    void protectedSenderAcceptedAfterStartTls() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "edge.microsoftonline.test", PKI.trustingRoot())) {
            assertThat(client.mailFrom(PROTECTED).code()).isEqualTo(250);
        }
    }

    @Test
    void clientCertificateNamespaceRefusesTlsWithoutCertificate() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "mx.partner.test", PKI.trustingRoot())) {
            client.mailFrom("sender@example.test");
            SmtpReply refused = client.rcptTo(PARTNER);
            assertThat(refused.code()).isEqualTo(550);
            assertThat(refused.text()).isEqualTo("5.7.1 Client certificate check failed (certificate presented) "
                + "for recipient namespace partner.test: no client certificate was presented");
        }
    }

    @Test
    void clientCertificateNamespaceInCleartextGetsStartTlsReply() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("mx.partner.test");
            client.mailFrom("sender@example.test");
            assertThat(client.rcptTo(PARTNER).text()).isEqualTo("5.7.0 Must issue a STARTTLS command first");
        }
    }

    @Test
    void partnerListenerWithValidCertificateDelivers() throws Exception {
        try (SmtpTestClient client = partnerSession(PKI.client("mx.partner.test"))) {
            client.mailFrom("sender@partner.test");
            assertThat(client.rcptTo(PARTNER).code()).isEqualTo(250);
            assertThat(client.data(TestMessages.simple("sender@partner.test", PARTNER, "mutual TLS")).code()).isEqualTo(250);
        }
        assertThat(james.awaitDeliveredMails(1).get(0).recipients()).containsExactly(PARTNER);
    }

    @Test
    void partnerListenerWithWrongNameRefusesTheRecipient() throws Exception {
        try (SmtpTestClient client = partnerSession(PKI.client("mx.other.test"))) {
            client.mailFrom("sender@example.test");
            SmtpReply refused = client.rcptTo(PARTNER);
            assertThat(refused.code()).isEqualTo(550);
            assertThat(refused.text()).isEqualTo("5.7.1 Client certificate check failed (expected names) for recipient "
                + "namespace partner.test: client certificate names [mx.other.test] match none of the expected [mx.partner.test]");
            assertThat(client.rcptTo(UNPROTECTED).code()).isEqualTo(250);
        }
    }

    @Test
    void partnerListenerWithRevokedCertificateRefusesTheRecipient() throws Exception {
        try (SmtpTestClient client = partnerSession(PKI.revoked("mx.partner.test"))) {
            client.mailFrom("sender@example.test");
            SmtpReply refused = client.rcptTo(PARTNER);
            assertThat(refused.code()).isEqualTo(550);
            assertThat(refused.text()).isEqualTo("5.7.1 Client certificate check failed (revocation) for recipient "
                + "namespace partner.test: client certificate CN=mx.partner.test is revoked");
        }
    }

    @Test
    void partnerListenerRejectsExpiredAndUntrustedCertificatesInTheHandshake() throws Exception {
        // With TLS 1.3 the client learns of the server's alert on its next read or write: SSLException or a broken pipe.
        for (TestCertificate refusedByJames : List.of(PKI.expired("mx.partner.test"), PKI.signedByUnknownCa("mx.partner.test"))) {
            try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.partnerPort())) {
                client.ehlo("mx.partner.test");
                assertThatThrownBy(() -> {
                    client.startTls(clientTls(refusedByJames));
                    client.ehlo("mx.partner.test");
                }).as(refusedByJames.toString()).isInstanceOf(IOException.class);
            }
        }
        assertThat(james.deliveredMails()).isEmpty();
    }

    private static SmtpTestClient partnerSession(TestCertificate identity) throws Exception {
        return SmtpTestClient.connectWithStartTls("localhost", james.partnerPort(),
                "mx.partner.test", clientTls(identity));
    }

    static TestTls clientTls(TestCertificate identity) {
        return TestTls.builder().identity(identity).trust(PKI.root()).build();
    }
}
