package dev.tlsprovenance.dane;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.bouncycastle.cert.X509CertificateHolder;

import dev.tlsprovenance.testing.pki.TestCertificate;

/**
 * The certificates of the generated DANE matrix, minted once per JVM: for every chain shape and validity case a
 * trust anchor (and an intermediate where the shape has one), and for every name case a leaf under it. The test's
 * own idea of a record's data is computed here with BouncyCastle's SubjectPublicKeyInfo, not with the code under test.
 */
final class DaneMatrixFixtures {
    static final List<String> REFERENCE_NAMES = List.of("partner.test", "mx.partner.test");

    /** How the server sends its chain and where the DANE-TA(2) trust anchor is. */
    enum Shape {
        /** [leaf], issued directly by the trust anchor, which is not sent. */
        LEAF_ONLY(false, 1),
        /** [leaf, intermediate]; the intermediate is the trust anchor (depth 1). */
        LEAF_INTERMEDIATE(true, 1),
        /** [leaf, intermediate, root]; the root is the trust anchor (depth 2). */
        LEAF_INTERMEDIATE_TA(true, 2),
        /** [leaf, intermediate]; the root is the trust anchor, not sent (the path has 2 certificates). */
        TA_ABSENT(false, 2);

        final boolean anchorInChain;
        final int anchorDepth;

        Shape(boolean anchorInChain, int anchorDepth) {
            this.anchorInChain = anchorInChain;
            this.anchorDepth = anchorDepth;
        }
    }

    enum Names {
        /** DNS:mx.partner.test */
        EXACT,
        /** DNS:*.partner.test */
        WILDCARD,
        /** DNS:mx.other.test (and CN=mx.other.test) */
        WRONG,
        /** CN=mx.partner.test and no subjectAltName */
        CN_ONLY
    }

    enum Validity {
        VALID,
        EXPIRED_LEAF,
        /** The trust anchor's certificate expired (the intermediate for LEAF_INTERMEDIATE, else the root). */
        EXPIRED_TA
    }

    /** The certificates of one (shape, validity, names) cell. */
    static final class Case {
        final List<X509Certificate> chain;
        final X509Certificate leaf;
        final X509Certificate trustAnchor;

        Case(List<X509Certificate> chain, X509Certificate leaf, X509Certificate trustAnchor) {
            this.chain = chain;
            this.leaf = leaf;
            this.trustAnchor = trustAnchor;
        }
    }

    private static final Map<Shape, Map<Validity, Map<Names, Case>>> CASES = build();

    private DaneMatrixFixtures() {
    }

    static Case of(Shape shape, Validity validity, Names names) {
        return CASES.get(shape).get(validity).get(names);
    }

    private static Map<Shape, Map<Validity, Map<Names, Case>>> build() {
        Map<Shape, Map<Validity, Map<Names, Case>>> cases = new EnumMap<>(Shape.class);
        for (Shape shape : Shape.values()) {
            Map<Validity, Map<Names, Case>> byValidity = new EnumMap<>(Validity.class);
            for (Validity validity : Validity.values()) {
                boolean expiredAnchor = validity == Validity.EXPIRED_TA;
                boolean anchorIsIntermediate = shape == Shape.LEAF_INTERMEDIATE;
                TestCertificate.Builder rootBuilder = TestCertificate.builder()
                    .commonName("DANE " + shape + " " + validity + " root").certificateAuthority(1);
                if (expiredAnchor && !anchorIsIntermediate) {
                    rootBuilder.expired();
                }
                TestCertificate root = rootBuilder.build();
                TestCertificate issuer = root;
                if (shape != Shape.LEAF_ONLY) {
                    TestCertificate.Builder intermediate = TestCertificate.builder()
                        .commonName("DANE " + shape + " " + validity + " intermediate").certificateAuthority(0)
                        .signedBy(root);
                    if (expiredAnchor && anchorIsIntermediate) {
                        intermediate.expired();
                    }
                    issuer = intermediate.build();
                }
                X509Certificate anchor = anchorIsIntermediate ? issuer.certificate() : root.certificate();
                Map<Names, Case> byNames = new EnumMap<>(Names.class);
                for (Names names : Names.values()) {
                    TestCertificate leaf = leaf(names, validity == Validity.EXPIRED_LEAF, issuer);
                    List<X509Certificate> chain;
                    switch (shape) {
                        case LEAF_ONLY:
                            chain = List.of(leaf.certificate());
                            break;
                        case LEAF_INTERMEDIATE_TA:
                            chain = List.of(leaf.certificate(), issuer.certificate(), root.certificate());
                            break;
                        default:
                            chain = List.of(leaf.certificate(), issuer.certificate());
                    }
                    byNames.put(names, new Case(chain, leaf.certificate(), anchor));
                }
                byValidity.put(validity, byNames);
            }
            cases.put(shape, byValidity);
        }
        return cases;
    }

    private static TestCertificate leaf(Names names, boolean expired, TestCertificate issuer) {
        TestCertificate.Builder leaf = TestCertificate.builder().signedBy(issuer);
        switch (names) {
            case EXACT:
                leaf.commonName("mx.partner.test").addSubjectAlternativeName("mx.partner.test");
                break;
            case WILDCARD:
                leaf.commonName("wildcard leaf").addSubjectAlternativeName("*.partner.test");
                break;
            case WRONG:
                leaf.commonName("mx.other.test").addSubjectAlternativeName("mx.other.test");
                break;
            default:
                leaf.commonName("mx.partner.test");
        }
        if (expired) {
            leaf.expired();
        }
        return leaf.build();
    }

    /**
     * The association data a publisher would put in a record for {@code certificate}, computed independently:
     * selector 1 is BouncyCastle's encoding of the certificate's SubjectPublicKeyInfo; an unknown selector or
     * matching type gets some plausible bytes (the full certificate, its SHA-256), which must not matter.
     */
    static byte[] associationData(X509Certificate certificate, int selector, int matchingType) {
        try {
            byte[] selected = selector == 1
                ? new X509CertificateHolder(certificate.getEncoded()).getSubjectPublicKeyInfo().getEncoded()
                : certificate.getEncoded();
            switch (matchingType) {
                case 0:
                    return selected;
                case 2:
                    return MessageDigest.getInstance("SHA-512").digest(selected);
                default:
                    return MessageDigest.getInstance("SHA-256").digest(selected);
            }
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first octet flipped: wrong for a digest, and no longer DER (a SET, not a SEQUENCE) for full data. */
    static byte[] oneByteOff(byte[] data) {
        byte[] off = data.clone();
        off[0] ^= 0x01;
        return off;
    }

    static byte[] truncated(byte[] data) {
        return Arrays.copyOf(data, data.length - 1);
    }
}
