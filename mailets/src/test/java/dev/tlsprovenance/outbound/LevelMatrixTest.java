package dev.tlsprovenance.outbound;

import static dev.tlsprovenance.outbound.OutboundFixtures.PeerBehaviour.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.outbound.OutboundFixtures.PeerBehaviour;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.provenance.VerificationStatus;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every outbound level against every peer behaviour, with our SMTP client against a real TLS peer on loopback:
 * delivered or not as the level demands, the diagnostic that names the reason, the provenance of the attempt,
 * and not one message byte in cleartext when the level requires TLS.
 */
class LevelMatrixTest {

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        // level, behaviour, delivered?, expected diagnostic (substring) when not delivered
        for (PeerBehaviour behaviour : PeerBehaviour.values()) {
            cases.add(Arguments.of(OutboundLevel.NONE, behaviour, true, ""));
            cases.add(Arguments.of(OutboundLevel.MAY, behaviour, true, ""));
        }
        for (OutboundLevel level : List.of(OutboundLevel.ENCRYPT, OutboundLevel.VERIFY, OutboundLevel.SECURE, OutboundLevel.FINGERPRINT)) {
            cases.add(Arguments.of(level, NO_STARTTLS, false, "4.7.10 server did not offer STARTTLS"));
            cases.add(Arguments.of(level, REFUSES_454, false, "4.7.10 STARTTLS refused: 454 4.7.0 TLS not available due to temporary reason"));
            cases.add(Arguments.of(level, DROPS_HANDSHAKE, false, "4.7.5 TLS handshake failed"));
        }
        for (PeerBehaviour behaviour : List.of(GOOD_CERT, EXPIRED, NOT_YET_VALID, WRONG_NAME, UNTRUSTED_CA, SELF_SIGNED, REVOKED)) {
            cases.add(Arguments.of(OutboundLevel.ENCRYPT, behaviour, true, ""));
        }
        cases.add(Arguments.of(OutboundLevel.VERIFY, GOOD_CERT, true, ""));
        cases.add(Arguments.of(OutboundLevel.VERIFY, WRONG_NAME, true, ""));
        cases.add(Arguments.of(OutboundLevel.VERIFY, EXPIRED, false, "4.7.5 certificate expired "));
        cases.add(Arguments.of(OutboundLevel.VERIFY, NOT_YET_VALID, false, "4.7.5 certificate not valid before "));
        cases.add(Arguments.of(OutboundLevel.VERIFY, UNTRUSTED_CA, false, "4.7.5 certificate not trusted: issuer CN=Unknown Test Root CA,O=Elsewhere is not a trust anchor"));
        cases.add(Arguments.of(OutboundLevel.VERIFY, SELF_SIGNED, false, "4.7.5 self-signed certificate not trusted: CN=mx.partner.test"));
        cases.add(Arguments.of(OutboundLevel.VERIFY, REVOKED, false, "4.7.5 certificate revoked"));
        cases.add(Arguments.of(OutboundLevel.SECURE, GOOD_CERT, true, ""));
        cases.add(Arguments.of(OutboundLevel.SECURE, WRONG_NAME, false,
            "4.7.5 name mismatch: got mx.evil.test, localhost, expected mx.partner.test"));
        cases.add(Arguments.of(OutboundLevel.SECURE, EXPIRED, false, "4.7.5 certificate expired "));
        cases.add(Arguments.of(OutboundLevel.SECURE, NOT_YET_VALID, false, "4.7.5 certificate not valid before "));
        cases.add(Arguments.of(OutboundLevel.SECURE, UNTRUSTED_CA, false, "4.7.5 certificate not trusted"));
        cases.add(Arguments.of(OutboundLevel.SECURE, SELF_SIGNED, false, "4.7.5 self-signed certificate not trusted"));
        cases.add(Arguments.of(OutboundLevel.SECURE, REVOKED, false, "4.7.5 certificate revoked"));
        cases.add(Arguments.of(OutboundLevel.FINGERPRINT, GOOD_CERT, true, ""));
        for (PeerBehaviour behaviour : List.of(EXPIRED, NOT_YET_VALID, WRONG_NAME, UNTRUSTED_CA, SELF_SIGNED, REVOKED)) {
            cases.add(Arguments.of(OutboundLevel.FINGERPRINT, behaviour, false, "4.7.5 fingerprint mismatch: got certificate sha256 "));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} x {1} -> delivered={2}")
    @MethodSource("matrix")
    void levelAgainstPeer(OutboundLevel level, PeerBehaviour behaviour, boolean delivered, String diagnostic) throws Exception {
        try (TestSmtpPeer peer = behaviour.start()) {
            DomainDeliveryResult result = OutboundFixtures.delivery(0).deliver("partner.test", OutboundFixtures.policy(level),
                List.of(OutboundFixtures.hop(peer)), new Envelope("sender@james.test", List.of("bob@partner.test"), false),
                MessageContent.of(OutboundFixtures.message("matrix " + level + " " + behaviour)), 1);

            RecipientOutcome outcome = result.outcomes().get(0);
            assertThat(outcome.isDelivered()).as(result.toString()).isEqualTo(delivered);
            TlsProvenance attempt = result.attempts().get(result.attempts().size() - 1);
            assertThat(attempt.policyLevel()).contains(level.token());
            assertThat(attempt.nextHop()).contains("localhost:" + peer.port());
            assertThat(attempt.recipientDomain()).contains("partner.test");
            assertThat(attempt.attempt()).isEqualTo(1);
            if (delivered) {
                assertThat(peer.acceptedTransactions()).hasSize(1);
                assertThat(peer.acceptedTransactions().get(0).data()).contains("\r\n.leading dot line\r\n");
                assertThat(attempt.outcome().get()).startsWith("250 2.0.0 Ok");
                boolean expectTls = level != OutboundLevel.NONE && behaviour.offersWorkingTls();
                assertThat(attempt.transport()).isEqualTo(expectTls ? Transport.STARTTLS : Transport.CLEARTEXT);
                assertThat(peer.acceptedTransactions().get(0).overTls()).isEqualTo(expectTls);
                assertThat(attempt.fellBackToCleartext()).isEqualTo(level == OutboundLevel.MAY && !behaviour.offersWorkingTls());
                if (expectTls) {
                    assertThat(attempt.protocol()).contains("TLSv1.3");
                    assertThat(attempt.peerCertificate()).isPresent();
                }
                if (level.verifiesPeer()) {
                    assertThat(attempt.peerVerification().status()).isEqualTo(VerificationStatus.VERIFIED);
                }
            } else {
                assertThat(outcome.failure().get().toString()).startsWith(diagnostic);
                assertThat(outcome.failure().get().isTemporary()).isTrue();
                // after the last retry: the DSN's per-recipient block names the permanent status and the TLS reason
                DeliveryFailure last = outcome.failure().get().finalised();
                String finalStatus = diagnostic.startsWith("4.7.10") ? "5.7.10" : "5.7.5";
                String dsn = new DeliveryStatusReport("james.sender.test", java.time.Instant.now(), java.time.Instant.now(),
                    List.of(new DeliveryStatusReport.FailedRecipient("bob@partner.test", last, attempt.nextHop()))).deliveryStatus();
                assertThat(dsn).contains("Status: " + finalStatus + "\r\n",
                    "Diagnostic-Code: x-tls-provenance; " + diagnostic.substring(diagnostic.indexOf(' ') + 1));
                assertThat(attempt.outcome().get()).startsWith(diagnostic);
                assertThat(peer.transactions()).isEmpty();
                assertThat(attempt.transport()).as("nothing was sent").isEqualTo(Transport.NONE);
                assertThat(result.hopAttempts().get(result.hopAttempts().size() - 1).nothingSentBecause())
                    .contains(outcome.failure().get().diagnostic());
                if (behaviour.offersWorkingTls()) {
                    assertThat(attempt.peerVerification().status()).isEqualTo(VerificationStatus.FAILED);
                    assertThat(attempt.peerVerification().reason()).isEqualTo(diagnostic.substring(6).isEmpty()
                        ? attempt.peerVerification().reason() : outcome.failure().get().diagnostic());
                }
            }
            if (level.requiresTls()) {
                assertThat(peer.cleartextMessageBytes()).isZero();
            }
        }
    }
}
