package dev.tlsprovenance.outbound;

import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Shared set-up for outbound core tests: the private CA bundle, policies per level, and the peer behaviours. */
final class OutboundFixtures {
    static final String PARTNER = "mx.partner.test";
    static final String HELO = "james.sender.test";
    private static Path caBundle;
    private static Path crlFile;

    private OutboundFixtures() {
    }

    /** The test root as a private CA bundle (certificates only, as ca= requires). */
    static synchronized Path caBundle() {
        if (caBundle == null) {
            caBundle = tempFile("private-ca", TestPki.shared().root().certificatePem());
        }
        return caBundle;
    }

    /** The intermediate's CRL (it issues every peer certificate) listing the revoked {@link #PARTNER} leaf. */
    static synchronized Path crlFile() {
        if (crlFile == null) {
            TestPki pki = TestPki.shared();
            TestCertificate revoked = pki.revoked(PARTNER);
            crlFile = tempFile("intermediate", pki.intermediate().revocationListPem(revoked));
        }
        return crlFile;
    }

    static Path tempFile(String prefix, String pem) {
        try {
            Path file = Files.createTempFile(prefix, ".pem");
            file.toFile().deleteOnExit();
            return Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The matrix policy: the private CA, and at verify/secure the intermediate's CRL (crl=). */
    static OutboundPolicy policy(OutboundLevel level) {
        OutboundPolicy.Builder builder = OutboundPolicy.builder().level(level).trustAnchors(caBundle());
        if (level == OutboundLevel.VERIFY || level == OutboundLevel.SECURE) {
            builder.revocationLists(crlFile());
        }
        if (level == OutboundLevel.SECURE) {
            builder.matchNames(List.of(PARTNER));
        }
        if (level == OutboundLevel.FINGERPRINT) {
            builder.pinsSha256(Set.of(TestPki.shared().peer(PARTNER).sha256Fingerprint()));
        }
        return builder.build();
    }

    static OutboundDelivery delivery(int maxIdle) {
        SmtpConnector connector = new SmtpConnector(HELO, Duration.ofSeconds(5), Duration.ofSeconds(10), Clock.systemUTC());
        return new OutboundDelivery(new ConnectionPool(connector, maxIdle, Duration.ofSeconds(30)),
            new OutboundTlsCache(Clock.systemUTC()), Clock.systemUTC());
    }

    static NextHop hop(TestSmtpPeer peer) {
        return NextHop.of(peer.host(), peer.port(), false);
    }

    static String message(String subject) {
        return "From: sender@james.test\r\nTo: someone@partner.test\r\nSubject: " + subject
            + "\r\nMessage-ID: <" + subject.hashCode() + "@james.test>\r\n\r\nHello over TLS.\r\n.leading dot line\r\n";
    }

    /** The peer behaviours of the acceptance matrix. */
    enum PeerBehaviour {
        GOOD_CERT, EXPIRED, NOT_YET_VALID, WRONG_NAME, UNTRUSTED_CA, SELF_SIGNED, REVOKED, NO_STARTTLS, REFUSES_454, DROPS_HANDSHAKE;

        TestSmtpPeer start() throws IOException {
            TestPki pki = TestPki.shared();
            TestSmtpPeer.Builder peer = TestSmtpPeer.builder().serverName(PARTNER);
            switch (this) {
                case GOOD_CERT:
                    return peer.identity(pki.peer(PARTNER)).start();
                case EXPIRED:
                    return peer.identity(pki.expired(PARTNER)).start();
                case NOT_YET_VALID:
                    return peer.identity(pki.notYetValid(PARTNER)).start();
                case WRONG_NAME:
                    return peer.identity(pki.peer("mx.evil.test")).start();
                case UNTRUSTED_CA:
                    return peer.identity(pki.signedByUnknownCa(PARTNER)).start();
                case SELF_SIGNED:
                    return peer.identity(pki.selfSigned(PARTNER)).start();
                case REVOKED:
                    return peer.identity(pki.revoked(PARTNER)).start();
                case NO_STARTTLS:
                    return peer.identity(pki.peer(PARTNER)).withholdStartTls().start();
                case REFUSES_454:
                    return peer.identity(pki.peer(PARTNER)).refuseStartTls().start();
                case DROPS_HANDSHAKE:
                    return peer.identity(pki.peer(PARTNER)).dropDuringHandshake().start();
                default:
                    throw new IllegalStateException(name());
            }
        }

        boolean offersWorkingTls() {
            return this != NO_STARTTLS && this != REFUSES_454 && this != DROPS_HANDSHAKE;
        }
    }
}
