package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tlsprovenance.dane.TlsaRecord;
import dev.tlsprovenance.dane.TlsaRecordSet;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.provenance.VerificationStatus;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.postfix.PostfixPeer;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * DANE verification of a real Postfix 3.7 (Debian package) presenting a certificate minted now: DANE-EE and DANE-TA
 * records that match are delivered, a DANE-EE record that does not match gets nothing after STARTTLS. Run with
 * {@code mvn -Pinterop}.
 */
@Tag("interop")
class DanePostfixInteropTest {
    private static final Envelope TO_BOB = new Envelope("sender@james.test", List.of("bob@partner.test"), false);
    private static final TestCertificate LEAF = TestPki.shared().peer("mx.postfix.test");

    @BeforeAll
    static void needsPostfix() {
        assumeTrue(PostfixPeer.isAvailable(), PostfixPeer::unavailableReason);
    }

    private static DomainDeliveryResult deliver(PostfixPeer postfix, TlsaRecord record, String subject) {
        NextHop hop = NextHop.of("mx.postfix.test", postfix.port(), false).underDane("127.0.0.1", OutboundLevel.DANE,
            Optional.of(new DaneAuthentication(TlsaRecordSet.of(record), List.of("partner.test", "mx.postfix.test"))));
        return OutboundFixtures.delivery(0).deliver("partner.test", OutboundPolicy.builder().level(OutboundLevel.DANE).build(),
            List.of(hop), TO_BOB, MessageContent.of(OutboundFixtures.message(subject)), 1);
    }

    @Test
    void matchingDaneEeAndDaneTaRecordsAreDelivered() throws Exception {
        try (PostfixPeer postfix = PostfixPeer.builder().domain("partner.test").identity(LEAF).start()) {
            List<TlsaRecord> records = List.of(TlsaRecord.forCertificate(3, 1, 1, LEAF.certificate()),
                TlsaRecord.forCertificate(2, 1, 1, LEAF.chain().get(1)), TlsaRecord.forCertificate(3, 0, 2, LEAF.certificate()));
            for (int i = 0; i < records.size(); i++) {
                DomainDeliveryResult result = deliver(postfix, records.get(i), "dane interop " + i);
                assertThat(result.outcomes().get(0).isDelivered()).as(records.get(i) + " " + result + "\n" + postfix.log()).isTrue();
                TlsProvenance attempt = result.attempts().get(0);
                assertThat(attempt.transport()).isEqualTo(Transport.STARTTLS);
                assertThat(attempt.peerVerification().status()).isEqualTo(VerificationStatus.VERIFIED);
                assertThat(attempt.peerVerification().trust()).isEqualTo(DaneAuthentication.TRUST);
                assertThat(attempt.policyLevel()).contains("dane");
            }
            assertThat(postfix.awaitMessages(3)).allMatch(m -> m.contains("by mx.postfix.test (Postfix) with ESMTPS id"));
        }
    }

    @Test
    void aMismatchingRecordSendsNothingAfterStartTls() throws Exception {
        try (PostfixPeer postfix = PostfixPeer.builder().domain("partner.test").identity(LEAF).start()) {
            TlsaRecord other = TlsaRecord.forCertificate(3, 1, 1, TestPki.shared().peer("mx.other.test").certificate());
            DomainDeliveryResult result = deliver(postfix, other, "must not leave");

            assertThat(result.outcomes().get(0).failure().get().toString())
                .startsWith("4.7.5 DANE validation-failure: leaf does not match DANE-EE 3 1 1");
            String session = postfix.awaitLogLine("ehlo=");
            assertThat(session).contains("starttls=1").doesNotContain("mail=", "rcpt=", "data=");
            assertThat(postfix.messages()).isEmpty();
        }
    }
}
