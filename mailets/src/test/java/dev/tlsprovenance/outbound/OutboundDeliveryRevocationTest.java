package dev.tlsprovenance.outbound;

import static dev.tlsprovenance.outbound.OutboundFixtures.PARTNER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.VerificationStatus;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.Pem;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crl=} at {@code verify}: our client against real TLS peers on loopback, with CRLs minted by the test
 * intermediate (the issuer of every peer certificate). Revoked and undeterminable certificates are refused
 * before any envelope byte is sent.
 */
class OutboundDeliveryRevocationTest {
    private static final Envelope TO_BOB = new Envelope("sender@james.test", List.of("bob@partner.test"), false);
    private static final String INTERMEDIATE = "CN=Test Intermediate CA,O=TLS Provenance Tests";

    private final TestPki pki = TestPki.shared();
    private final TestCertificate revokedLeaf = pki.revoked(PARTNER);

    @TempDir
    Path dir;

    private static OutboundPolicy verifyWithCrl(Path crl) {
        return OutboundPolicy.builder().level(OutboundLevel.VERIFY).trustAnchors(OutboundFixtures.caBundle())
            .revocationLists(crl).build();
    }

    private static DomainDeliveryResult deliver(OutboundDelivery delivery, OutboundPolicy policy, TestSmtpPeer peer) {
        return delivery.deliver("partner.test", policy, List.of(OutboundFixtures.hop(peer)), TO_BOB,
            MessageContent.of(OutboundFixtures.message("revocation")), 1);
    }

    private static String lastAttemptOutcome(DomainDeliveryResult result) {
        return result.attempts().get(result.attempts().size() - 1).outcome().orElseThrow();
    }

    private Path crlFile(String name, String pem) throws Exception {
        return Files.writeString(dir.resolve(name), pem);
    }

    @Test
    void aRevokedPeerIsRefusedWithTheRevocationNamedAndNoEnvelopeSent() throws Exception {
        Path crl = crlFile("intermediate.crl", pki.intermediate().revocationListPem(revokedLeaf));
        try (TestSmtpPeer peer = TestSmtpPeer.builder().serverName(PARTNER).identity(revokedLeaf).start()) {
            DomainDeliveryResult result = deliver(OutboundFixtures.delivery(0), verifyWithCrl(crl), peer);

            RecipientOutcome outcome = result.outcomes().get(0);
            assertThat(outcome.isDelivered()).isFalse();
            String today = LocalDate.now(ZoneOffset.UTC).toString();
            String yesterdayOrToday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
            assertThat(outcome.failure().get().toString())
                .matches("4\\.7\\.5 certificate revoked on (" + today + "|" + yesterdayOrToday + ") \\(KEY_COMPROMISE\\) per crl "
                    + java.util.regex.Pattern.quote(crl.toString()));
            TlsProvenance attempt = result.attempts().get(0);
            assertThat(attempt.peerVerification().status()).isEqualTo(VerificationStatus.FAILED);
            assertThat(attempt.peerVerification().reason()).startsWith("certificate revoked on ");
            assertThat(peer.tlsHandshakes()).isEqualTo(1);
            assertThat(peer.commandLog()).noneMatch(line -> line.contains("MAIL FROM"));
            assertThat(peer.transactions()).isEmpty();
        }
    }

    @Test
    void aGoodPeerIsDeliveredWithTheSameCrl() throws Exception {
        Path crl = crlFile("intermediate.crl", pki.intermediate().revocationListPem(revokedLeaf));
        try (TestSmtpPeer peer = TestSmtpPeer.builder().serverName(PARTNER).identity(pki.peer(PARTNER)).start()) {
            DomainDeliveryResult result = deliver(OutboundFixtures.delivery(0), verifyWithCrl(crl), peer);

            assertThat(result.outcomes().get(0).isDelivered()).as(result.toString()).isTrue();
            assertThat(result.attempts().get(0).peerVerification().status()).isEqualTo(VerificationStatus.VERIFIED);
            assertThat(peer.acceptedTransactions()).hasSize(1);
        }
    }

    @Test
    void withoutCrlTheSameRevokedPeerIsDelivered() throws Exception {
        OutboundPolicy noCrl = OutboundPolicy.builder().level(OutboundLevel.VERIFY).trustAnchors(OutboundFixtures.caBundle()).build();
        try (TestSmtpPeer peer = TestSmtpPeer.builder().serverName(PARTNER).identity(revokedLeaf).start()) {
            assertThat(deliver(OutboundFixtures.delivery(0), noCrl, peer).outcomes().get(0).isDelivered()).isTrue();
        }
    }

    @Test
    void aCrlFromAnotherIssuerLeavesTheStatusUnknownAndThePeerIsRefused() throws Exception {
        Path rootOnly = crlFile("root.crl", Pem.crl(pki.rootCrl()));
        try (TestSmtpPeer peer = TestSmtpPeer.builder().serverName(PARTNER).identity(pki.peer(PARTNER)).start()) {
            DomainDeliveryResult result = deliver(OutboundFixtures.delivery(0), verifyWithCrl(rootOnly), peer);

            assertThat(result.outcomes().get(0).isDelivered()).isFalse();
            assertThat(lastAttemptOutcome(result)).isEqualTo("4.7.5 revocation status unknown: crl " + rootOnly
                + " holds no current CRL of " + INTERMEDIATE);
            assertThat(peer.transactions()).isEmpty();
        }
    }

    @Test
    void aCrlPastItsNextUpdateLeavesTheStatusUnknown() throws Exception {
        // The CRL is valid for a day: two days on, it is stale and proves nothing (the leaf is valid for 30 days).
        Clock twoDaysLater = Clock.offset(Clock.systemUTC(), Duration.ofDays(2));
        Path crl = crlFile("intermediate.crl", pki.intermediate().revocationListPem(revokedLeaf));
        SmtpConnector connector = new SmtpConnector(OutboundFixtures.HELO, Duration.ofSeconds(5), Duration.ofSeconds(10), twoDaysLater);
        OutboundDelivery delivery = new OutboundDelivery(new ConnectionPool(connector, 0, Duration.ofSeconds(30)),
            new OutboundTlsCache(twoDaysLater), twoDaysLater);
        try (TestSmtpPeer peer = TestSmtpPeer.builder().serverName(PARTNER).identity(pki.peer(PARTNER)).start()) {
            DomainDeliveryResult result = deliver(delivery, verifyWithCrl(crl), peer);

            assertThat(result.outcomes().get(0).isDelivered()).isFalse();
            assertThat(lastAttemptOutcome(result)).isEqualTo("4.7.5 revocation status unknown: crl " + crl
                + " holds no current CRL of " + INTERMEDIATE);
        }
    }

    @Test
    void aCrlReplacedOnDiskTakesEffectOnTheNextConnection() throws Exception {
        Path crl = crlFile("intermediate.crl", pki.intermediate().revocationListPem());
        OutboundDelivery delivery = OutboundFixtures.delivery(0);
        try (TestSmtpPeer peer = TestSmtpPeer.builder().serverName(PARTNER).identity(revokedLeaf).start()) {
            assertThat(deliver(delivery, verifyWithCrl(crl), peer).outcomes().get(0).isDelivered()).isTrue();

            Files.writeString(crl, pki.intermediate().revocationListPem(revokedLeaf));
            DomainDeliveryResult afterRevocation = deliver(delivery, verifyWithCrl(crl), peer);

            assertThat(afterRevocation.outcomes().get(0).isDelivered()).isFalse();
            assertThat(lastAttemptOutcome(afterRevocation)).startsWith("4.7.5 certificate revoked on ");
            assertThat(peer.acceptedTransactions()).hasSize(1);
        }
    }

    @Test
    void aCrlFileDeletedAfterLoadingRefusesRatherThanSkipsTheCheck() throws Exception {
        Path crl = crlFile("intermediate.crl", pki.intermediate().revocationListPem(revokedLeaf));
        OutboundDelivery delivery = OutboundFixtures.delivery(0);
        try (TestSmtpPeer peer = TestSmtpPeer.builder().serverName(PARTNER).identity(pki.peer(PARTNER)).start()) {
            assertThat(deliver(delivery, verifyWithCrl(crl), peer).outcomes().get(0).isDelivered()).isTrue();
            Files.delete(crl);

            DomainDeliveryResult result = deliver(delivery, verifyWithCrl(crl), peer);

            assertThat(result.outcomes().get(0).isDelivered()).isFalse();
            assertThat(lastAttemptOutcome(result)).isEqualTo("4.7.5 revocation status unknown: crl file " + crl
                + " cannot be read (NoSuchFileException)");
            assertThat(peer.acceptedTransactions()).hasSize(1);
        }
    }
}
