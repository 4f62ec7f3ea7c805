package dev.tlsprovenance.testing.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;
import dev.tlsprovenance.testing.smtp.SmtpReply;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The peer itself, driven by the harness' raw SMTP client: what it advertises, answers and records. */
class TestSmtpPeerTest {
    private static final TestTls CLIENT = TestPki.shared().trustingRoot();

    @Test
    void startTlsThenRequireTlsOnlyAfterTlsAndTransactionsRecordedWithTheirTransport() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer("mx.partner.test"))
                .advertiseRequireTls(true).start();
             SmtpTestClient client = SmtpTestClient.connect(peer.host(), peer.port())) {
            SmtpReply before = client.ehlo("client.test");
            assertThat(before.text()).contains("STARTTLS").doesNotContain("REQUIRETLS");
            client.send("a@client.test", List.of("b@partner.test"), TestMessages.simple("a@client.test", "b@partner.test", "clear"));
            assertThat(client.startTls(CLIENT).code()).isEqualTo(220);
            SmtpReply after = client.ehlo("client.test");
            assertThat(after.text()).contains("REQUIRETLS").doesNotContain("STARTTLS");
            client.mailFrom("a@client.test", "REQUIRETLS");
            client.rcptTo("b@partner.test");
            client.rset();
            client.send("a@client.test", List.of("c@partner.test"), TestMessages.simple("a@client.test", "c@partner.test", "secret"));

            List<ReceivedTransaction> received = peer.awaitTransactions(2);
            assertThat(received.get(0).overTls()).isFalse();
            assertThat(received.get(1).overTls()).isTrue();
            assertThat(received.get(1).protocol()).contains("TLSv1.3");
            assertThat(received.get(1).recipients()).containsExactly("c@partner.test");
            assertThat(received.get(1).data()).contains("Subject: secret");
            assertThat(peer.cleartextMessageBytes()).isEqualTo(received.get(0).data().length());
            assertThat(peer.connectionCount()).isEqualTo(1);
            assertThat(peer.tlsHandshakes()).isEqualTo(1);
        }
    }

    @Test
    void refusesStartTlsWith454AndAnswersChosenCommands() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer("mx.partner.test")).refuseStartTls()
                .replyTo("MAIL", "451 4.3.0 Try later").start();
             SmtpTestClient client = SmtpTestClient.connect(peer.host(), peer.port())) {
            client.ehlo("client.test");
            assertThat(client.startTls(CLIENT).toString()).startsWith("454 4.7.0 TLS not available");
            assertThat(client.mailFrom("a@client.test").code()).isEqualTo(451);
            peer.clearReplies();
            assertThat(client.mailFrom("a@client.test").code()).isEqualTo(250);
        }
    }

    @Test
    void implicitTlsAndTheClientCertificateSeen() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer("mx.partner.test")).implicitTls()
                .clientAuth(TestSmtpPeer.ClientAuth.WANT).start();
             SmtpTestClient client = SmtpTestClient.connectImplicitTls(peer.host(), peer.port(),
                 TestTls.builder().identity(TestPki.shared().client("james.sender.test")).trust(TestPki.shared().root()).build())) {
            assertThat(client.ehlo("client.test").text()).doesNotContain("STARTTLS");
            client.send("a@client.test", List.of("b@partner.test"), TestMessages.simple("a@client.test", "b@partner.test", "tls"));
            ReceivedTransaction received = peer.awaitTransactions(1).get(0);
            assertThat(received.overTls()).isTrue();
            assertThat(received.clientCertificate().get().getSubjectX500Principal().getName()).contains("CN=james.sender.test");
        }
    }
}
