package dev.tlsprovenance.testing.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate and its private key, minted at test time. One readable builder call says what a test
 * needs, e.g. an expired leaf for {@code mx.partner.test} signed by an intermediate:
 *
 * <pre>{@code
 * TestCertificate leaf = TestCertificate.builder()
 *     .commonName("mx.partner.test")
 *     .addSubjectAlternativeName("mx.partner.test")
 *     .expired()
 *     .signedBy(TestPki.shared().intermediate())
 *     .build();
 * }</pre>
 *
 * EC P-256 keys by default because they are generated in milliseconds; {@link Builder#rsa2048()} when
 * a test needs RSA. Leaves get both the serverAuth and clientAuth key purposes unless one is chosen.
 * BouncyCastle is only used to encode; keys, signatures and parsing stay with the JDK providers, so no
 * security provider is registered globally.
 */
public final class TestCertificate {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final KeyPair keyPair;
    private final TestCertificate issuer;

    private TestCertificate(X509Certificate certificate, KeyPair keyPair, TestCertificate issuer) {
        this.certificate = certificate;
        this.keyPair = keyPair;
        this.issuer = issuer;
    }

    public static Builder builder() {
        return new Builder();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    /** The certificate that signed this one; empty when self-signed. */
    public Optional<TestCertificate> issuer() {
        return Optional.ofNullable(issuer);
    }

    /**
     * This certificate followed by its issuers, leaf first, stopping before the self-signed root (the
     * chain a server sends). A self-signed certificate's chain is just itself.
     */
    public List<X509Certificate> chain() {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        for (TestCertificate next = issuer; next != null && next.issuer != null; next = next.issuer) {
            chain.add(next.certificate);
        }
        return Collections.unmodifiableList(chain);
    }

    public boolean isSelfSigned() {
        return issuer == null;
    }

    public String commonName() {
        return Pem.commonNameOf(certificate);
    }

    public String certificatePem() {
        return Pem.certificate(certificate);
    }

    /** PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), as James's and OpenSSL's PEM readers accept. */
    public String privateKeyPem() {
        return Pem.privateKey(keyPair.getPrivate());
    }

    /** 64 lowercase hex characters: SHA-256 of the DER certificate, as a pin is written. */
    public String sha256Fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            StringBuilder hex = new StringBuilder(64);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CRL signed by this CA listing {@code revoked} (possibly none), valid from an hour ago for a day. */
    public X509CRL revocationList(TestCertificate... revoked) {
        Instant now = Instant.now();
        X509v2CRLBuilder crl = new JcaX509v2CRLBuilder(certificate.getSubjectX500Principal(),
            Date.from(now.minus(Duration.ofHours(1))));
        crl.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
        for (TestCertificate certificate : revoked) {
            crl.addCRLEntry(certificate.certificate().getSerialNumber(), Date.from(now.minus(Duration.ofMinutes(30))),
                CRLReason.keyCompromise);
        }
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            crl.addExtension(Extension.authorityKeyIdentifier, false,
                extensions.createAuthorityKeyIdentifier(certificate));
            crl.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(now.toEpochMilli())));
            return new JcaX509CRLConverter().getCRL(crl.build(signer(keyPair.getPrivate())));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot sign CRL with " + commonName(), e);
        }
    }

    public String revocationListPem(TestCertificate... revoked) {
        return Pem.crl(revocationList(revoked));
    }

    @Override
    public String toString() {
        return "TestCertificate{" + certificate.getSubjectX500Principal() + ", serial="
            + certificate.getSerialNumber().toString(16) + "}";
    }

    private static ContentSigner signer(PrivateKey key) {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            return new JcaContentSignerBuilder(algorithm).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    public static final class Builder {
        private String commonName;
        private final List<String> extraCommonNames = new ArrayList<>();
        private boolean withoutCommonName;
        private String organization;
        private final List<String> subjectAlternativeNames = new ArrayList<>();
        private Instant notBefore;
        private Instant notAfter;
        private int maxPathLength = -1;
        private TestCertificate issuer;
        private Long serialNumber;
        private boolean rsa;
        private String crlDistributionPoint;
        private boolean clientAuth;
        private boolean serverAuth;

        private Builder() {
        }

        public Builder commonName(String commonName) {
            this.commonName = Objects.requireNonNull(commonName);
            return this;
        }

        /** Another CN attribute after the first (a later RDN: the more specific one in DER order). */
        public Builder addCommonName(String commonName) {
            extraCommonNames.add(Objects.requireNonNull(commonName));
            return this;
        }

        /** A subject without any CN (only the organization, or empty): the names are in the SANs alone. */
        public Builder withoutCommonName() {
            this.withoutCommonName = true;
            return this;
        }

        public Builder organization(String organization) {
            this.organization = Objects.requireNonNull(organization);
            return this;
        }

        /** A DNS name, or an IPv4/IPv6 literal which becomes an iPAddress entry. */
        public Builder addSubjectAlternativeName(String name) {
            subjectAlternativeNames.add(Objects.requireNonNull(name));
            return this;
        }

        public Builder validity(Instant notBefore, Instant notAfter) {
            this.notBefore = Objects.requireNonNull(notBefore);
            this.notAfter = Objects.requireNonNull(notAfter);
            return this;
        }

        /** Valid for thirty days, ended yesterday. */
        public Builder expired() {
            Instant now = Instant.now();
            return validity(now.minus(Duration.ofDays(31)), now.minus(Duration.ofDays(1)));
        }

        /** Valid for thirty days starting tomorrow. */
        public Builder notYetValid() {
            Instant now = Instant.now();
            return validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(31)));
        }

        public Builder certificateAuthority(int maxPathLength) {
            if (maxPathLength < 0) {
                throw new IllegalArgumentException("maxPathLength must be >= 0: " + maxPathLength);
            }
            this.maxPathLength = maxPathLength;
            return this;
        }

        /** Absent: self-signed. */
        public Builder signedBy(TestCertificate issuer) {
            this.issuer = Objects.requireNonNull(issuer);
            return this;
        }

        public Builder serialNumber(long serialNumber) {
            this.serialNumber = serialNumber;
            return this;
        }

        public Builder rsa2048() {
            this.rsa = true;
            return this;
        }

        public Builder crlDistributionPoint(String uri) {
            this.crlDistributionPoint = Objects.requireNonNull(uri);
            return this;
        }

        public Builder clientAuth() {
            this.clientAuth = true;
            return this;
        }

        public Builder serverAuth() {
            this.serverAuth = true;
            return this;
        }

        public TestCertificate build() {
            Instant now = Instant.now();
            Instant from = notBefore != null ? notBefore : now.minus(Duration.ofHours(1));
            Instant until = notAfter != null ? notAfter : now.plus(Duration.ofDays(30));
            BigInteger serial = BigInteger.valueOf(serialNumber != null ? serialNumber : RANDOM.nextLong() & Long.MAX_VALUE);
            String cn = commonName != null ? commonName
                : !subjectAlternativeNames.isEmpty() ? subjectAlternativeNames.get(0) : "Test certificate " + serial;

            KeyPair keyPair = generateKeyPair();
            X500Name subject = subject(cn);
            X500Name issuerName = issuer == null ? subject
                : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
            PrivateKey signingKey = issuer == null ? keyPair.getPrivate() : issuer.privateKey();

            X509v3CertificateBuilder certificate = new JcaX509v3CertificateBuilder(issuerName, serial,
                Date.from(from), Date.from(until), subject, keyPair.getPublic());
            try {
                addExtensions(certificate, keyPair);
                X509CertificateHolder holder = certificate.build(signer(signingKey));
                return new TestCertificate(new JcaX509CertificateConverter().getCertificate(holder), keyPair, issuer);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot build test certificate " + cn, e);
            }
        }

        private X500Name subject(String cn) {
            X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
            if (organization != null) {
                name.addRDN(BCStyle.O, organization);
            }
            if (!withoutCommonName) {
                name.addRDN(BCStyle.CN, cn);
                extraCommonNames.forEach(extra -> name.addRDN(BCStyle.CN, extra));
            }
            return name.build();
        }

        private void addExtensions(X509v3CertificateBuilder certificate, KeyPair keyPair)
            throws GeneralSecurityException, IOException {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            certificate.addExtension(Extension.subjectKeyIdentifier, false,
                utils.createSubjectKeyIdentifier(keyPair.getPublic()));
            certificate.addExtension(Extension.authorityKeyIdentifier, false, issuer == null
                ? utils.createAuthorityKeyIdentifier(keyPair.getPublic())
                : utils.createAuthorityKeyIdentifier(issuer.certificate()));
            boolean ca = maxPathLength >= 0;
            if (ca) {
                certificate.addExtension(Extension.basicConstraints, true, new BasicConstraints(maxPathLength));
                certificate.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            } else {
                certificate.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                int usage = rsa ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature;
                certificate.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                certificate.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(keyPurposes()));
            }
            if (!subjectAlternativeNames.isEmpty()) {
                GeneralName[] names = subjectAlternativeNames.stream()
                    .map(Builder::generalName)
                    .toArray(GeneralName[]::new);
                certificate.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            if (crlDistributionPoint != null) {
                DistributionPointName location = new DistributionPointName(
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlDistributionPoint)));
                certificate.addExtension(Extension.cRLDistributionPoints, false,
                    new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(location, null, null)}));
            }
        }

        private KeyPurposeId[] keyPurposes() {
            boolean neitherChosen = !clientAuth && !serverAuth;
            List<KeyPurposeId> purposes = new ArrayList<>();
            if (serverAuth || neitherChosen) {
                purposes.add(KeyPurposeId.id_kp_serverAuth);
            }
            if (clientAuth || neitherChosen) {
                purposes.add(KeyPurposeId.id_kp_clientAuth);
            }
            return purposes.toArray(new KeyPurposeId[0]);
        }

        private static GeneralName generalName(String name) {
            boolean ipLiteral = IPV4.matcher(name).matches() || name.contains(":");
            return new GeneralName(ipLiteral ? GeneralName.iPAddress : GeneralName.dNSName, name);
        }

        private KeyPair generateKeyPair() {
            try {
                if (rsa) {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(2048, RANDOM);
                    return generator.generateKeyPair();
                }
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
