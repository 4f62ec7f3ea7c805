package dev.tlsprovenance.outbound;

import static dev.tlsprovenance.outbound.OutboundFixtures.PARTNER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.metrics.TlsMetricNames;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.provenance.VerificationStatus;
import dev.tlsprovenance.sts.StsPolicy;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * One MX hop under an MTA-STS policy, against every peer behaviour of the acceptance matrix, in mode enforce and
 * testing: enforce delivers only over TLS to a PKIX-valid certificate naming an mx pattern and otherwise sends no
 * envelope byte, with the RFC 8460 word of the failure; testing always delivers (as may) and records that word.
 */
class StsHopTest {
    private static final Envelope TO_BOB = new Envelope("sender@james.test", List.of("bob@partner.test"), false);
    /** The result type each behaviour must give; absent: the check passes (no CRL is consulted for MTA-STS). */
    private static final Map<OutboundFixtures.PeerBehaviour, String> FAILURE = Map.of(
        OutboundFixtures.PeerBehaviour.EXPIRED, "certificate-expired",
        OutboundFixtures.PeerBehaviour.NOT_YET_VALID, "validation-failure",
        OutboundFixtures.PeerBehaviour.WRONG_NAME, "certificate-host-mismatch",
        OutboundFixtures.PeerBehaviour.UNTRUSTED_CA, "certificate-not-trusted",
        OutboundFixtures.PeerBehaviour.SELF_SIGNED, "certificate-not-trusted",
        OutboundFixtures.PeerBehaviour.NO_STARTTLS, "starttls-not-supported",
        OutboundFixtures.PeerBehaviour.REFUSES_454, "starttls-not-supported",
        OutboundFixtures.PeerBehaviour.DROPS_HANDSHAKE, "handshake-failed");

    @Test
    void everyPeerBehaviourInBothModes() throws Exception {
        TrustMaterial trust = TrustMaterial.privateCa(OutboundFixtures.caBundle());
        int cases = 0;
        for (OutboundFixtures.PeerBehaviour behaviour : OutboundFixtures.PeerBehaviour.values()) {
            for (String mode : List.of("enforce", "testing")) {
                String label = behaviour + " " + mode;
                StsPolicy policy = StsPolicy.parse("version: STSv1\nmode: " + mode + "\nmx: " + PARTNER + "\nmax_age: 86400\n");
                boolean enforce = mode.equals("enforce");
                try (TestSmtpPeer peer = behaviour.start()) {
                    NextHop hop = NextHop.of(PARTNER, peer.port(), false)
                        .underSts("127.0.0.1", enforce ? OutboundLevel.VERIFY : OutboundLevel.MAY, new StsAuthentication(policy, trust));
                    DomainDeliveryResult result = OutboundFixtures.delivery(0).deliver("partner.test",
                        OutboundFixtures.policy(OutboundLevel.MAY), List.of(hop), TO_BOB, MessageContent.of(OutboundFixtures.message("x")), 1);
                    HopAttempt attempt = result.hopAttempts().get(result.hopAttempts().size() - 1);
                    Optional<String> expected = Optional.ofNullable(FAILURE.get(behaviour));
                    Optional<String> recorded = TlsMetricNames.resultType(attempt.record(), attempt.nothingSentBecause(), Optional.empty());
                    assertThat(recorded).as(label).isEqualTo(expected);
                    boolean delivered = result.outcomes().get(0).isDelivered();
                    if (enforce) {
                        assertThat(delivered).as(label).isEqualTo(expected.isEmpty());
                        if (expected.isPresent()) {
                            assertThat(attempt.record().transport()).as(label).isEqualTo(Transport.NONE);
                            assertThat(peer.commandLog()).as(label).noneMatch(l -> l.contains("MAIL FROM"));
                            assertThat(peer.cleartextMessageBytes()).as(label).isZero();
                            assertThat(result.outcomes().get(0).failure().orElseThrow().diagnostic()).as(label)
                                .startsWith(behaviour == OutboundFixtures.PeerBehaviour.DROPS_HANDSHAKE ? "TLS" : "MTA-STS " + expected.get());
                        } else {
                            assertThat(attempt.record().peerVerification().status()).as(label).isEqualTo(VerificationStatus.VERIFIED);
                        }
                    } else {
                        assertThat(delivered).as(label + ": testing delivers").isTrue();
                        assertThat(attempt.record().peerVerification().status()).as(label)
                            .isEqualTo(expected.isPresent() ? VerificationStatus.FAILED : VerificationStatus.VERIFIED);
                    }
                }
                cases++;
            }
        }
        assertThat(cases).isEqualTo(2 * OutboundFixtures.PeerBehaviour.values().length);
    }
}
