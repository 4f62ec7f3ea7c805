package dev.tlsprovenance.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.outbound.ServerCertificateCheck;
import dev.tlsprovenance.outbound.TrustMaterial;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

/**
 * The bounded reason words of {@code tlsprovenance.outbound.tls-failures.<reason>} for the verdicts the delivery's own
 * certificate check gives minted certificates, and for the reasons the SMTP connector writes when nothing was sent;
 * attempts that did not fail for a TLS reason get no word.
 */
class TlsFailureReasonsTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String HOP = "mx.partner.test";

    @TempDir
    static Path directory;

    private static String reasonFor(OutboundLevel level, TestCertificate presented) throws Exception {
        Path ca = Files.writeString(directory.resolve("ca.pem"), PKI.root().certificatePem());
        ServerCertificateCheck check = new ServerCertificateCheck(TrustMaterial.privateCa(ca), List.of(),
            Set.of("00".repeat(32)), Clock.systemUTC());
        CertificateVerification verdict = check.check(level, presented.chain().toArray(new X509Certificate[0]), HOP);
        TlsProvenance attempt = TlsProvenance.builder(Direction.OUTBOUND).transport(Transport.NONE).localHost("james.sender.test").remoteAddress("192.0.2.7").time(java.time.Instant.now())
            .peerVerification(verdict).policyLevel(level.token()).build();
        return TlsMetricNames.tlsFailureReason(attempt, Optional.of(verdict.reason())).orElse("(none)");
    }

    @Test
    void certificateVerdictsOfTheDeliveryCheckMapToTheirWords() throws Exception {
        assertThat(reasonFor(OutboundLevel.SECURE, PKI.peer(HOP))).isEqualTo("(none)");
        assertThat(reasonFor(OutboundLevel.SECURE, PKI.peer("mx.other.test"))).isEqualTo("certificate-host-mismatch");
        assertThat(reasonFor(OutboundLevel.VERIFY, PKI.expired(HOP))).isEqualTo("certificate-expired");
        assertThat(reasonFor(OutboundLevel.VERIFY, PKI.signedByUnknownCa(HOP))).isEqualTo("certificate-not-trusted");
        assertThat(reasonFor(OutboundLevel.VERIFY, PKI.selfSigned(HOP))).isEqualTo("certificate-not-trusted");
        assertThat(reasonFor(OutboundLevel.FINGERPRINT, PKI.peer(HOP))).isEqualTo("pin-mismatch");
    }

    @Test
    void reasonsForSendingNothingMapToTheirWordsAndOthersToNone() {
        TlsProvenance attempt = TlsProvenance.builder(Direction.OUTBOUND).transport(Transport.NONE).localHost("james.sender.test").remoteAddress("192.0.2.7").time(java.time.Instant.now()).policyLevel("encrypt").build();
        assertThat(TlsMetricNames.tlsFailureReason(attempt, Optional.of("server did not offer STARTTLS")))
            .contains("starttls-not-supported");
        assertThat(TlsMetricNames.tlsFailureReason(attempt, Optional.of("STARTTLS refused: 454 4.7.0 TLS not available")))
            .contains("starttls-refused");
        assertThat(TlsMetricNames.tlsFailureReason(attempt, Optional.of("TLS handshake failed: Received fatal alert")))
            .contains("handshake-failed");
        assertThat(TlsMetricNames.tlsFailureReason(attempt, Optional.of("TLS material of the policy unusable: no file")))
            .contains("tls-material-unusable");
        assertThat(TlsMetricNames.tlsFailureReason(attempt, Optional.of("connect to 127.0.0.1:25 failed: Connection refused")))
            .isEmpty();
        assertThat(TlsMetricNames.tlsFailureReason(attempt, Optional.empty())).isEmpty();
        assertThat(TlsMetricNames.TLS_FAILURE_REASONS).contains("starttls-not-supported", "starttls-refused",
            "handshake-failed", "tls-material-unusable", "certificate-host-mismatch", "certificate-expired",
            "certificate-not-trusted", "pin-mismatch");
    }
}
