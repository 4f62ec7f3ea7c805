package dev.tlsprovenance.testing.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPkiTest {
    private final TestPki pki = TestPki.shared();

    @Test
    void serverChainValidatesAgainstRootWithPkix() throws Exception {
        validate(pki.server().chain(), List.of());

        assertThat(pki.server().chain()).containsExactly(pki.server().certificate(), pki.intermediate().certificate());
        assertThat(pki.server().issuer()).contains(pki.intermediate());
        assertThat(pki.root().issuer()).isEmpty();
    }

    @Test
    void serverTrustManagerAcceptsServerChainAndRejectsStrangers() throws Exception {
        X509Certificate[] chain = pki.server().chain().toArray(new X509Certificate[0]);
        pki.trustingRoot().trustManager().checkServerTrusted(chain, "ECDHE_ECDSA");

        X509Certificate[] stranger = pki.signedByUnknownCa("stranger.test").chain().toArray(new X509Certificate[0]);
        assertThatThrownBy(() -> pki.trustingRoot().trustManager().checkServerTrusted(stranger, "ECDHE_ECDSA"))
            .isInstanceOf(CertificateException.class);
        X509Certificate[] selfSigned = pki.selfSigned("self.test").chain().toArray(new X509Certificate[0]);
        assertThatThrownBy(() -> pki.trustingRoot().trustManager().checkServerTrusted(selfSigned, "ECDHE_ECDSA"))
            .isInstanceOf(CertificateException.class);
    }

    @Test
    void expiredAndNotYetValidFailWithTheirOwnExceptions() {
        assertThatThrownBy(() -> pki.expired("old.test").certificate().checkValidity())
            .isInstanceOf(CertificateExpiredException.class);
        assertThatThrownBy(() -> pki.notYetValid("future.test").certificate().checkValidity())
            .isInstanceOf(CertificateNotYetValidException.class);

        assertThatThrownBy(() -> validate(pki.expired("old.test").chain(), List.of()))
            .isInstanceOf(CertPathValidatorException.class)
            .hasCauseInstanceOf(CertificateExpiredException.class);
        assertThatThrownBy(() -> validate(pki.notYetValid("future.test").chain(), List.of()))
            .isInstanceOf(CertPathValidatorException.class)
            .hasCauseInstanceOf(CertificateNotYetValidException.class);
    }

    @Test
    void revokedFailsOnlyWhenTheCrlIsSupplied() throws Exception {
        List<X509Certificate> chain = pki.revoked("revoked.test").chain();
        validate(chain, List.of());

        assertThatThrownBy(() -> validate(chain, pki.crls()))
            .isInstanceOf(CertPathValidatorException.class)
            .satisfies(e -> assertThat(((CertPathValidatorException) e).getReason())
                .isEqualTo(CertPathValidatorException.BasicReason.REVOKED));
        validate(pki.server().chain(), pki.crls());
    }

    @Test
    void trustManagerWithCrlsRejectsRevokedLeaf() throws Exception {
        X509Certificate[] revoked = pki.revoked("revoked.test").chain().toArray(new X509Certificate[0]);
        TestTls checking = TestTls.builder().trust(pki.root()).revocationLists(pki.crls().toArray(new X509CRL[0])).build();
        X509Certificate[] good = pki.server().chain().toArray(new X509Certificate[0]);

        checking.trustManager().checkServerTrusted(good, "ECDHE_ECDSA");
        assertThatThrownBy(() -> checking.trustManager().checkServerTrusted(revoked, "ECDHE_ECDSA"))
            .isInstanceOf(CertificateException.class)
            .hasMessageContaining("revoked");
        pki.trustingRoot().trustManager().checkServerTrusted(revoked, "ECDHE_ECDSA");
    }

    @Test
    void subjectAlternativeNamesArePresent() throws Exception {
        Set<String> names = pki.server().certificate().getSubjectAlternativeNames().stream()
            .map(entry -> entry.get(0) + ":" + entry.get(1))
            .collect(Collectors.toSet());

        assertThat(names).containsExactlyInAnyOrder("2:localhost", "2:mx.james.test", "7:127.0.0.1");
        assertThat(pki.server().commonName()).isEqualTo("mx.james.test");
    }

    @Test
    void keyPurposesAndCaFlags() throws Exception {
        assertThat(pki.root().certificate().getBasicConstraints()).isEqualTo(1);
        assertThat(pki.intermediate().certificate().getBasicConstraints()).isEqualTo(0);
        assertThat(pki.server().certificate().getBasicConstraints()).isEqualTo(-1);
        assertThat(pki.server().certificate().getExtendedKeyUsage())
            .containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(pki.client("on-prem.test").certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    }

    @Test
    void builderOptions() throws Exception {
        TestCertificate rsa = TestCertificate.builder().commonName("rsa.test").organization("Org")
            .serialNumber(4242).rsa2048().crlDistributionPoint("http://crl.test/root.crl").serverAuth()
            .signedBy(pki.root()).build();

        assertThat(rsa.certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(rsa.certificate().getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(rsa.certificate().getSerialNumber().longValue()).isEqualTo(4242);
        assertThat(rsa.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=rsa.test,O=Org");
        assertThat(rsa.certificate().getExtensionValue("2.5.29.31")).isNotNull();
        assertThat(rsa.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(rsa.sha256Fingerprint()).matches("[0-9a-f]{64}").isNotEqualTo(pki.server().sha256Fingerprint());
        assertThat(pki.peer("mx.partner.test")).isSameAs(pki.peer("mx.partner.test"));
    }

    @Test
    void pemRoundTrips() throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        X509Certificate parsed = (X509Certificate) factory.generateCertificate(
            new ByteArrayInputStream(pki.server().certificatePem().getBytes(StandardCharsets.US_ASCII)));
        X509CRL crl = (X509CRL) factory.generateCRL(
            new ByteArrayInputStream(pki.intermediate().revocationListPem(pki.revoked("revoked.test"))
                .getBytes(StandardCharsets.US_ASCII)));

        assertThat(parsed).isEqualTo(pki.server().certificate());
        assertThat(crl.isRevoked(pki.revoked("revoked.test").certificate())).isTrue();
        assertThat(pki.server().privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n")
            .endsWith("-----END PRIVATE KEY-----\n");
    }

    @Test
    void pkcs12FilesReload(@TempDir Path directory) throws Exception {
        Path keyStoreFile = pki.serverTls().writeKeyStorePkcs12(directory.resolve("keystore.p12"), "secret");
        Path trustStoreFile = pki.serverTls().writeTrustStorePkcs12(directory.resolve("truststore.p12"), "secret");

        KeyStore keyStore = load(keyStoreFile, "secret");
        assertThat(keyStore.getCertificateChain(TestTls.KEY_ALIAS))
            .containsExactly(pki.server().certificate(), pki.intermediate().certificate());
        assertThat(keyStore.getKey(TestTls.KEY_ALIAS, "secret".toCharArray())).isEqualTo(pki.server().privateKey());
        KeyStore trustStore = load(trustStoreFile, "secret");
        assertThat(trustStore.getCertificate(trustStore.aliases().nextElement())).isEqualTo(pki.root().certificate());
    }

    @Test
    void pemFilesAreWritten(@TempDir Path directory) throws Exception {
        pki.serverTls().writeIdentityPem(directory.resolve("key.pem"), directory.resolve("chain.pem"));
        pki.serverTls().writeTrustPem(directory.resolve("trust.pem"));

        assertThat(Files.readString(directory.resolve("chain.pem")))
            .isEqualTo(pki.server().certificatePem() + pki.intermediate().certificatePem());
        assertThat(Files.readString(directory.resolve("key.pem"))).isEqualTo(pki.server().privateKeyPem());
        assertThat(Files.readString(directory.resolve("trust.pem"))).isEqualTo(pki.root().certificatePem());
    }

    @Test
    void jvmDefaultsCanBeTrustedToo() {
        TestTls tls = TestTls.builder().trust(pki.root()).trustJvmDefaults().build();

        assertThat(tls.trustedCertificates()).hasSizeGreaterThan(1).contains(pki.root().certificate());
        assertThat(tls.keyManager()).isEmpty();
        assertThat(pki.clientTls("on-prem.test").keyManager()).isPresent();
    }

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keyStore.load(in, password.toCharArray());
        }
        return keyStore;
    }

    private void validate(List<X509Certificate> chain, List<X509CRL> crls) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(pki.root().certificate(), null)));
        CertPathValidator validator = CertPathValidator.getInstance("PKIX");
        if (crls.isEmpty()) {
            parameters.setRevocationEnabled(false);
        } else {
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            PKIXRevocationChecker revocation = (PKIXRevocationChecker) validator.getRevocationChecker();
            revocation.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                PKIXRevocationChecker.Option.NO_FALLBACK));
            parameters.addCertPathChecker(revocation);
        }
        validator.validate(factory.generateCertPath(chain), parameters);
    }
}
