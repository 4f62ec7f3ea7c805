package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.provenance.VerificationStatus;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.postfix.PostfixPeer;

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
}
