package dev.tlsprovenance.servercert;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.servercert.CertificateAssessment.Severity;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

/**
 * What {@code /tls/certificates} and the certificate health check say of minted certificates: days left and
 * severity at the 30-day boundary, expiry, a name that does not cover the host name, self-signed, CA-signed against a
 * trust store that holds the CA and against the JDK's default one.
 */
class CertificateAssessmentTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String HOST = "mx.james.test";
    private static final Instant NOW = Instant.now();
    private static final Set<TrustAnchor> TEST_ROOT = Set.of(new TrustAnchor(PKI.root().certificate(), null));

    private static TestCertificate signed(String name, Duration left) {
        return TestCertificate.builder().commonName(name).addSubjectAlternativeName(name).serverAuth()
            .validity(NOW.minus(Duration.ofDays(30)), NOW.plus(left)).signedBy(PKI.intermediate()).build();
    }

    @Test
    void fortyDaysLeftSignedByATrustedCaForTheHostNameIsHealthy() {
        CertificateAssessment assessment = CertificateAssessment.of(signed(HOST, Duration.ofDays(40).plusHours(1)).chain(),
            HOST, TEST_ROOT, NOW);

        assertThat(assessment.daysLeft()).isEqualTo(40);
        assertThat(assessment.chainStatus()).isEqualTo("trusted");
        assertThat(assessment.hostNameMatches()).isTrue();
        assertThat(assessment.subject()).isEqualTo("CN=" + HOST);
        assertThat(assessment.subjectAltNames()).containsExactly("DNS:" + HOST);
        assertThat(assessment.issuer()).isEqualTo(PKI.intermediate().certificate().getSubjectX500Principal().getName());
        assertThat(assessment.severity()).isEqualTo(Severity.HEALTHY);
        assertThat(assessment.problem()).isEmpty();
    }

    @Test
    void tenDaysLeftIsDegradedAndSaysWhenItExpires() {
        TestCertificate leaf = signed(HOST, Duration.ofDays(10).plusHours(1));
        CertificateAssessment assessment = CertificateAssessment.of(leaf.chain(), HOST, TEST_ROOT, NOW);

        assertThat(assessment.daysLeft()).isEqualTo(10);
        assertThat(assessment.severity()).isEqualTo(Severity.DEGRADED);
        assertThat(assessment.problem()).contains("expires in 10 days (" + leaf.certificate().getNotAfter().toInstant()
            + "): renew it");
    }

    @Test
    void theThirtyDayBoundary() {
        assertThat(CertificateAssessment.of(signed(HOST, Duration.ofDays(30).plusHours(1)).chain(), HOST, TEST_ROOT, NOW)
            .severity()).isEqualTo(Severity.HEALTHY);
        assertThat(CertificateAssessment.of(signed(HOST, Duration.ofDays(30).minusHours(1)).chain(), HOST, TEST_ROOT, NOW)
            .severity()).isEqualTo(Severity.DEGRADED);
    }

    @Test
    void anExpiredCertificateIsUnhealthyAndItsChainUntrusted() {
        TestCertificate leaf = signed(HOST, Duration.ofDays(-2).plusHours(1));
        CertificateAssessment assessment = CertificateAssessment.of(leaf.chain(), HOST, TEST_ROOT, NOW);

        assertThat(assessment.daysLeft()).isEqualTo(-2);
        assertThat(assessment.chainStatus()).isEqualTo("untrusted: a certificate of the chain has expired");
        assertThat(assessment.severity()).isEqualTo(Severity.UNHEALTHY);
        assertThat(assessment.problem()).contains("expired on " + leaf.certificate().getNotAfter().toInstant());
    }

    @Test
    void aCertificateForAnotherNameIsUnhealthyAndNamesBoth() {
        CertificateAssessment assessment = CertificateAssessment.of(signed("mx.other.test", Duration.ofDays(90)).chain(),
            HOST, TEST_ROOT, NOW);

        assertThat(assessment.chainStatus()).isEqualTo("trusted");
        assertThat(assessment.hostNameMatches()).isFalse();
        assertThat(assessment.severity()).isEqualTo(Severity.UNHEALTHY);
        assertThat(assessment.problem()).contains("does not name the host name " + HOST + " (names: DNS:mx.other.test)");
    }

    @Test
    void aWildcardCoversOneLabel() {
        TestCertificate wildcard = TestCertificate.builder().commonName("*.james.test").addSubjectAlternativeName("*.james.test")
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90))).signedBy(PKI.intermediate()).build();

        assertThat(CertificateAssessment.of(wildcard.chain(), HOST, TEST_ROOT, NOW).hostNameMatches()).isTrue();
        assertThat(CertificateAssessment.of(wildcard.chain(), "a.mx.james.test", TEST_ROOT, NOW).hostNameMatches()).isFalse();
    }

    @Test
    void aSelfSignedCertificateIsSaidSoEvenWhenValidAndMatching() {
        TestCertificate self = TestCertificate.builder().commonName(HOST).addSubjectAlternativeName(HOST)
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(365))).build();
        CertificateAssessment assessment = CertificateAssessment.of(self.chain(), HOST,
            CertificateAssessment.defaultTrustAnchors(), NOW);

        assertThat(assessment.chainStatus()).isEqualTo("self-signed");
        assertThat(assessment.issuer()).isEqualTo(assessment.subject());
        assertThat(assessment.severity()).isEqualTo(Severity.HEALTHY);
    }

    @Test
    void aPrivateCaSignedCertificateIsUntrustedByTheJdkDefaultTrustStoreNamingTheIssuer() {
        TestCertificate leaf = signed(HOST, Duration.ofDays(90));
        CertificateAssessment assessment = CertificateAssessment.of(leaf.chain(), HOST,
            CertificateAssessment.defaultTrustAnchors(), NOW);

        assertThat(assessment.chainStatus()).isEqualTo("untrusted: issuer "
            + PKI.intermediate().certificate().getIssuerX500Principal().getName() + " is not in the trust store");
    }

    @Test
    void aChainSentWithItsRootIsJudgedWithoutIt() {
        TestCertificate leaf = signed(HOST, Duration.ofDays(90));
        List<java.security.cert.X509Certificate> withRoot = new java.util.ArrayList<>(leaf.chain());
        withRoot.add(PKI.root().certificate());

        assertThat(CertificateAssessment.of(withRoot, HOST, TEST_ROOT, NOW).chainStatus()).isEqualTo("trusted");
    }
}
