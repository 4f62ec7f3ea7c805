package dev.tlsprovenance.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.policy.ClientCertificateVerdict.Check;
import dev.tlsprovenance.provenance.VerificationStatus;
import dev.tlsprovenance.testing.pki.Pem;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

class ClientCertificateVerifierTest {
    private static final TestPki PKI = TestPki.shared();

    @TempDir
    Path conf;

    private final ClientCertificateVerifier verifier = new ClientCertificateVerifier(Clock.systemUTC());
    private Path caBundle;
    private Path crlFile;

    @BeforeEach
    void writeTrustMaterial() throws Exception {
        caBundle = Files.writeString(conf.resolve("partner-ca.pem"), PKI.root().certificatePem());
        TestCertificate revoked = PKI.revoked("revoked.partner.test");
        crlFile = Files.writeString(conf.resolve("partner.crl"),
                Pem.crl(PKI.intermediate().revocationList(revoked)));
    }

    @Test
    void validCertificateFromThePartnerCaPasses() {
        ClientCertificateVerdict verdict = verify(PKI.client("mx.partner.test"), constraints(List.of("mx.partner.test"), List.of()));
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.trust()).isEqualTo("private-ca:" + caBundle);
        assertThat(verdict.toVerification().status()).isEqualTo(VerificationStatus.VERIFIED);
    }

    @Test
    void noCertificate() {
        ClientCertificateVerdict verdict = verifier.verify(List.of(), constraints(List.of(), List.of()));
        assertThat(verdict.failedCheck()).contains(Check.PRESENTED);
        assertThat(verdict.reason()).isEqualTo("no client certificate was presented");
        assertThat(verdict.toVerification().status()).isEqualTo(VerificationStatus.NOT_PRESENTED);
    }

    @Test
    void expiredCertificate() {
        TestCertificate expired = PKI.expired("mx.partner.test");
        ClientCertificateVerdict verdict = verify(expired, constraints(List.of(), List.of()));
        assertThat(verdict.failedCheck()).contains(Check.VALIDITY);
        assertThat(verdict.reason()).startsWith("client certificate CN=mx.partner.test expired on ");
        assertThat(verdict.toVerification().status()).isEqualTo(VerificationStatus.FAILED);
    }

    @Test
    void untrustedCertificate() {
        ClientCertificateVerdict verdict = verify(PKI.signedByUnknownCa("mx.partner.test"), constraints(List.of(), List.of()));
        assertThat(verdict.failedCheck()).contains(Check.TRUST);
        assertThat(verdict.reason()).isEqualTo("client certificate CN=mx.partner.test is not trusted: does not chain to private-ca:" + caBundle);
    }

    @Test
    void selfSignedCertificate() {
        assertThat(verify(PKI.selfSigned("mx.partner.test"), constraints(List.of(), List.of())).failedCheck()).contains(Check.TRUST);
    }

    @Test
    void revokedCertificate() {
        ClientCertificateVerdict verdict = verify(PKI.revoked("revoked.partner.test"), constraints(List.of(), List.of()));
        assertThat(verdict.failedCheck()).contains(Check.REVOCATION);
        assertThat(verdict.reason()).isEqualTo("client certificate CN=revoked.partner.test is revoked");
    }

    @Test
    void unrevokedCertificateWithCrlPasses() {
        assertThat(verify(PKI.client("mx.partner.test"), constraints(List.of(), List.of())).passed()).isTrue();
    }

    @Test
    void wrongName() {
        ClientCertificateVerdict verdict = verify(PKI.client("mx.other.test"), constraints(List.of("mx.partner.test", "*.partner.test"), List.of()));
        assertThat(verdict.failedCheck()).contains(Check.NAMES);
        assertThat(verdict.reason()).startsWith("client certificate names [mx.other.test] match none of the expected");
    }

    @Test
    void wildcardName() {
        assertThat(verify(PKI.client("relay7.partner.test"), constraints(List.of("*.partner.test"), List.of())).passed()).isTrue();
    }

    @Test
    void pins() {
        TestCertificate client = PKI.client("mx.partner.test");
        assertThat(verify(client, constraints(List.of(), List.of(client.sha256Fingerprint()))).passed()).isTrue();
        ClientCertificateVerdict wrongPin = verify(client, constraints(List.of(), List.of("0".repeat(64))));
        assertThat(wrongPin.failedCheck()).contains(Check.PINS);
        assertThat(wrongPin.reason()).endsWith("matches none of the pinned fingerprints");
    }

    @Test
    void withoutBundleTheJvmDefaultAnchorsApply() {
        ClientCertificateVerdict verdict = verifier.verify(PKI.client("mx.partner.test").chain(),
                ClientCertificateConstraints.of(Optional.empty(), List.of(), List.of()));
        assertThat(verdict.failedCheck()).contains(Check.TRUST);
        assertThat(verdict.trust()).isEqualTo("jvm-default");
    }

    private ClientCertificateVerdict verify(TestCertificate client, ClientCertificateConstraints constraints) {
        return verifier.verify(client.chain(), constraints);
    }

    private ClientCertificateConstraints constraints(List<String> names, List<String> pins) {
        return ClientCertificateConstraints.of(Optional.of(caBundle), names, pins, Optional.of(crlFile));
    }
}
