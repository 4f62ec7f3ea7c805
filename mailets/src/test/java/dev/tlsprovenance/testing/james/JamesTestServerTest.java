package dev.tlsprovenance.testing.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpReply;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

class JamesTestServerTest {
    private static final TestPki PKI = TestPki.shared();

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withPartnerListener(PKI.trustingRoot())
        .withMailets("<mailet match=\"All\" class=\"SetMimeHeader\">\n"
            + "  <name>X-Harness-Transport</name>\n  <value>passed</value>\n</mailet>")
        .build();

    @BeforeEach
    void emptyRepository() {
        james.clearDelivered();
    }

    @Test
    void cleartextMailToLocalAndRemoteRecipientsIsDelivered() throws Exception {
        try (SmtpTestClient smtp = SmtpTestClient.connect("localhost", james.smtpPort())) {
            assertThat(smtp.greeting().code()).isEqualTo(220);
            SmtpReply ehlo = smtp.ehlo("client.test");
            assertThat(ehlo.code()).isEqualTo(250);
            assertThat(ehlo.hasExtension("STARTTLS")).isTrue();

            SmtpReply accepted = smtp.send("alice@client.test", List.of("bob@james.test", "carol@remote.test"),
                TestMessages.simple("alice@client.test", "bob@james.test", "cleartext"));

            assertThat(accepted.code()).isEqualTo(250);
            assertThat(smtp.sslSession()).isEmpty();
            assertThat(smtp.quit().code()).isEqualTo(221);
        }

        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        assertThat(mail.sender()).isEqualTo("alice@client.test");
        assertThat(mail.recipients()).containsExactly("bob@james.test", "carol@remote.test");
        assertThat(mail.header("Subject")).containsExactly("cleartext");
        assertThat(mail.header("X-Harness-Transport")).containsExactly("passed");
        assertThat(mail.firstHeader("Received")).hasValueSatisfying(received -> assertThat(received)
            .contains("(EHLO client.test)").contains("by mx.james.test").contains("with ESMTP"));
        assertThat(mail.rawHeaderBlock()).contains("Subject: cleartext\r\n");
        assertThat(mail.body()).isEqualTo("Test message body.\r\n");
    }

    @Test
    void startTlsMailIsDeliveredWithItsHeaders() throws Exception {
        try (SmtpTestClient smtp = SmtpTestClient.connect("localhost", james.smtpPort())) {
            smtp.ehlo("client.test");
            assertThat(smtp.startTls(PKI.trustingRoot()).code()).isEqualTo(220);
            SmtpReply ehlo = smtp.ehlo("client.test");
            assertThat(ehlo.hasExtension("STARTTLS")).as("STARTTLS must not be offered again").isFalse();

            SmtpReply accepted = smtp.send("alice@client.test", List.of("bob@james.test"),
                TestMessages.simple("alice@client.test", "bob@james.test", "over starttls", ".leading dot\r\n"));

            assertThat(accepted.code()).isEqualTo(250);
            SSLSession session = smtp.sslSession().orElseThrow();
            assertThat(session.getProtocol()).startsWith("TLSv1.");
            assertThat(session.getPeerCertificates()[0]).isEqualTo(PKI.server().certificate());
        }

        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        assertThat(mail.header("Subject")).containsExactly("over starttls");
        assertThat(mail.body()).isEqualTo(".leading dot\r\n");
    }

    @Test
    void implicitTlsMailToRemoteRecipientIsDelivered() throws Exception {
        try (SmtpTestClient smtp = SmtpTestClient.connectImplicitTls("localhost", james.smtpsPort(), PKI.trustingRoot())) {
            assertThat(smtp.greeting().code()).isEqualTo(220);
            smtp.ehlo("client.test");

            SmtpReply accepted = smtp.send("alice@client.test", List.of("dave@remote.test"),
                TestMessages.simple("alice@client.test", "dave@remote.test", "over smtps"));

            assertThat(accepted.code()).isEqualTo(250);
            assertThat(smtp.sslSession()).isPresent();
        }

        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        assertThat(mail.recipients()).containsExactly("dave@remote.test");
        assertThat(mail.header("Subject")).containsExactly("over smtps");
    }

    @Test
    void partnerListenerAcceptsAClientCertificate() throws Exception {
        try (SmtpTestClient smtp = SmtpTestClient.connectWithStartTls("localhost", james.partnerPort(),
                "partner.test", PKI.clientTls("partner.test"))) {

            SmtpReply accepted = smtp.send("alice@partner.test", List.of("bob@james.test"),
                TestMessages.simple("alice@partner.test", "bob@james.test", "mutual tls"));

            assertThat(accepted.code()).isEqualTo(250);
            assertThat(smtp.sslSession().orElseThrow().getLocalCertificates()[0])
                .isEqualTo(PKI.client("partner.test").certificate());
        }

        assertThat(james.awaitDeliveredMails(1)).extracting(mail -> mail.header("Subject").get(0))
            .containsExactly("mutual tls");
    }

    @Test
    void partnerListenerRefusesAClientWithoutCertificate() throws Exception {
        try (SmtpTestClient smtp = SmtpTestClient.connect("localhost", james.partnerPort())) {
            smtp.ehlo("anonymous.test");

            assertThatThrownBy(() -> {
                smtp.startTls(PKI.trustingRoot());
                smtp.ehlo("anonymous.test");
            }).isInstanceOf(IOException.class);
        }
    }

    @Test
    void clientRefusesAServerItDoesNotTrust() throws Exception {
        try (SmtpTestClient smtp = SmtpTestClient.connect("localhost", james.smtpPort())) {
            smtp.ehlo("client.test");

            assertThatThrownBy(() -> smtp.startTls(dev.tlsprovenance.testing.pki.TestTls.builder()
                .trust(PKI.unknownRoot()).build()))
                .isInstanceOf(SSLException.class);
        }
    }

    @Test
    void badConfigurationFailsStartUpObservably() {
        Throwable failure = JamesTestServer.builder()
            .withMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.NoSuchMailet\"/>")
            .build()
            .startExpectingFailure();

        assertThat(JamesTestServer.causeMessages(failure)).contains("dev.tlsprovenance.NoSuchMailet");
    }
}
