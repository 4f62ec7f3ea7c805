package dev.tlsprovenance.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.dane.DanePlan;
import dev.tlsprovenance.dane.TlsaRecord;
import dev.tlsprovenance.dane.TlsaRecordSet;
import dev.tlsprovenance.outbound.DaneAuthentication;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The RFC 8460 result types of DANE failures: from real verdicts of {@link DaneAuthentication} on minted chains, and
 * from the diagnostics of DNSSEC and dane-only deferrals; one function gives the word to metrics, ledger and log.
 */
class DaneResultTypesTest {
    private static final TestPki PKI = TestPki.shared();

    private static Optional<String> wordFor(CertificateVerification verification) {
        TlsProvenance attempt = TlsProvenance.builder(Direction.OUTBOUND).transport(Transport.NONE).localHost("mx.example.org").remoteAddress("").peerVerification(verification)
            .recipientDomain("d.test").attempt(1).time(java.time.Instant.EPOCH).build();
        return TlsMetricNames.tlsFailureReason(attempt, Optional.of(verification.reason()));
    }

    @Test
    void verdictsOnMintedChainsGiveTheirRfc8460Words() throws Exception {
        TestCertificate leaf = PKI.peer("mx.d.test");
        X509Certificate[] chain = leaf.chain().toArray(new X509Certificate[0]);
        X509Certificate issuer = chain[1];
        TlsaRecord ee = TlsaRecord.forCertificate(3, 1, 1, leaf.certificate());
        TlsaRecord wrongEe = TlsaRecord.forCertificate(3, 1, 1, PKI.peer("mx.other.test").certificate());
        TlsaRecord ta = TlsaRecord.forCertificate(2, 1, 1, issuer);
        Map<String, Optional<String>> expected = Map.of(
            "ee-match", Optional.empty(),
            "ee-mismatch", Optional.of("validation-failure"),
            "ta-right-name", Optional.empty(),
            "ta-wrong-name", Optional.of("certificate-host-mismatch"));
        Map<String, CertificateVerification> verdicts = Map.of(
            "ee-match", new DaneAuthentication(TlsaRecordSet.of(ee), List.of("d.test")).check(chain, Clock.systemUTC()),
            "ee-mismatch", new DaneAuthentication(TlsaRecordSet.of(wrongEe), List.of("d.test")).check(chain, Clock.systemUTC()),
            "ta-right-name", new DaneAuthentication(TlsaRecordSet.of(ta), List.of("d.test", "mx.d.test")).check(chain, Clock.systemUTC()),
            "ta-wrong-name", new DaneAuthentication(TlsaRecordSet.of(ta), List.of("d.test", "mx2.d.test")).check(chain, Clock.systemUTC()));
        for (Map.Entry<String, CertificateVerification> verdict : verdicts.entrySet()) {
            Optional<String> want = expected.get(verdict.getKey());
            assertThat(verdict.getValue().isVerified()).as(verdict.getKey()).isEqualTo(want.isEmpty());
            if (want.isPresent()) {
                assertThat(wordFor(verdict.getValue())).as(verdict.getKey()).isEqualTo(want);
                assertThat(verdict.getValue().trust()).isEqualTo(DaneAuthentication.TRUST);
            }
        }
    }

    @Test
    void deferralDiagnosticsGiveDnssecInvalidOrDaneRequired() {
        Map<String, String> diagnostics = Map.of(
            "DNSSEC bogus answer for the MX records of d.test: ...", DanePlan.DNSSEC_INVALID,
            "DNSSEC indeterminate answer for the TLSA records of mx.d.test: ...", DanePlan.DNSSEC_INVALID,
            "DANE required: the MX records of d.test are not DNSSEC-signed (insecure) ...", DanePlan.DANE_REQUIRED,
            "DANE tlsa-invalid: no usable record", "tlsa-invalid",
            "DANE made-up-word: x", "validation-failure");
        for (Map.Entry<String, String> diagnostic : diagnostics.entrySet()) {
            TlsProvenance attempt = TlsProvenance.builder(Direction.OUTBOUND).transport(Transport.NONE).localHost("mx.example.org").remoteAddress("")
                .peerVerification(CertificateVerification.notChecked()).recipientDomain("d.test").attempt(1).time(java.time.Instant.EPOCH).build();
            assertThat(TlsMetricNames.tlsFailureReason(attempt, Optional.of(diagnostic.getKey()))).as(diagnostic.getKey())
                .contains(diagnostic.getValue());
            assertThat(TlsMetricNames.TLS_FAILURE_REASONS).contains(diagnostic.getValue());
        }
        assertThat(TlsMetricNames.outboundAttempt("dane-only", "not-sent")).isEqualTo("tlsprovenance.outbound.attempts.dane-only.not-sent");
    }
}
