package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.provenance.VerificationStatus;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.postfix.PostfixPeer;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Our outbound client against a real Postfix 3.7 (Debian package): run with {@code mvn -Pinterop}. */
@Tag("interop")
class PostfixInteropTest {
    private static final Envelope TO_BOB = new Envelope("sender@james.test", List.of("bob@partner.test"), false);

    @BeforeAll
    static void needsPostfix() {
        assumeTrue(PostfixPeer.isAvailable(), PostfixPeer::unavailableReason);
    }

    @Test
    void deliversAtVerifyAndPostfixRecordsTheTlsSessionInItsReceivedLine() throws Exception {
        try (PostfixPeer postfix = PostfixPeer.builder().domain("partner.test")
                .identity(TestPki.shared().peer("mx.postfix.test")).start()) {
            DomainDeliveryResult result = OutboundFixtures.delivery(0).deliver("partner.test",
                OutboundFixtures.policy(OutboundLevel.VERIFY), List.of(NextHop.of(postfix.host(), postfix.port(), false)),
                TO_BOB, MessageContent.of(OutboundFixtures.message("postfix interop")), 1);

            assertThat(result.outcomes().get(0).isDelivered()).as(result + "\n" + postfix.log()).isTrue();
            TlsProvenance attempt = result.attempts().get(0);
            assertThat(attempt.transport()).isEqualTo(Transport.STARTTLS);
            assertThat(attempt.peerVerification().status()).isEqualTo(VerificationStatus.VERIFIED);
            assertThat(attempt.outcome().get()).startsWith("250 2.0.0 Ok: queued as ");
            String message = postfix.awaitMessages(1).get(0);
            assertThat(message)
                .contains("(using " + attempt.protocol().get() + " with cipher " + attempt.cipherSuite().get())
                .contains("by mx.postfix.test (Postfix) with ESMTPS id")
                .contains("from " + OutboundFixtures.HELO)
                .contains("Subject: postfix interop");
        }
    }

    @Test
    void refusesToDeliverWhenPostfixHasTlsTurnedOff() throws Exception {
        try (PostfixPeer postfix = PostfixPeer.builder().domain("partner.test").tlsOff().start()) {
            DomainDeliveryResult result = OutboundFixtures.delivery(0).deliver("partner.test",
                OutboundFixtures.policy(OutboundLevel.VERIFY), List.of(NextHop.of(postfix.host(), postfix.port(), false)),
                TO_BOB, MessageContent.of(OutboundFixtures.message("must not leave in cleartext")), 1);

            assertThat(result.outcomes().get(0).failure().get().toString()).isEqualTo("4.7.10 server did not offer STARTTLS");
            // Postfix's per-session summary: what our client sent before giving up (the readiness probe sends nothing).
            String session = postfix.awaitLogLine("ehlo=");
            assertThat(session).contains("disconnect from localhost", "ehlo=1").doesNotContain("mail=", "rcpt=", "data=");
            assertThat(postfix.messages()).isEmpty();
        }
    }

    @Test
    void jamesWithTlsPolicyRemoteDeliveryDeliversToPostfixAtSecure() throws Exception {
        try (PostfixPeer postfix = PostfixPeer.builder().domain("partner.test")
                .identity(TestPki.shared().peer("mx.postfix.test")).start();
             JamesTestServer james = JamesTestServer.builder()
                 .withConfFile("tls-policy.conf", "partner.test  outbound=secure  match=mx.postfix.test  ca="
                     + OutboundFixtures.caBundle() + "  route=[localhost]:" + postfix.port() + "\n")
                 .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
                 .withMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery\">\n"
                     + "  <heloName>james.sender.test</heloName>\n  <delays>500ms</delays>\n</mailet>\n")
                 .build().start()) {
            String sender = "sender@" + JamesTestServer.LOCAL_DOMAIN;
            try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
                client.ehlo("client.test");
                assertThat(client.send(sender, List.of("bob@partner.test"),
                    TestMessages.simple(sender, "bob@partner.test", "james to postfix")).code()).isEqualTo(250);
                client.quit();
            }
            String message = postfix.awaitMessages(1).get(0);
            assertThat(message).contains("(using TLSv1.3 with cipher", "by mx.postfix.test (Postfix) with ESMTPS id",
                "from james.sender.test", "by mx.james.test (JAMES SMTP Server", "Subject: james to postfix");
        }
    }
}
