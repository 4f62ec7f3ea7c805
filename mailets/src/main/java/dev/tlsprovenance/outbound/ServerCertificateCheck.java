package dev.tlsprovenance.outbound;

import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.provenance.CertificateVerification;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateRevokedException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Judges a server certificate chain the way one policy row asks: chain to the row's anchors (expiry, validity
 * start, and with {@code crl=} revocation of the server's certificate by exactly those CRLs), RFC 6125 names for
 * {@code secure}, SHA-256 pins for {@code fingerprint}.
 * The handshake itself accepts any certificate; this check runs after it and before any envelope or message
 * byte is sent, so that a failure can be explained in words ("certificate expired 2026-01-01") and recorded.
 */
public final class ServerCertificateCheck {
    private final TrustMaterial trust;
    private final List<String> matchNames;
    private final Set<String> pins;
    private final Clock clock;

    public ServerCertificateCheck(TrustMaterial trust, List<String> matchNames, Set<String> pins, Clock clock) {
        this.trust = trust;
        this.matchNames = List.copyOf(matchNames);
        this.pins = Set.copyOf(pins);
        this.clock = clock;
    }

    public TrustMaterial trust() {
        return trust;
    }

    /**
     * The verification result for {@code level}: {@code verify} checks the chain, {@code secure} the chain and the
     * names ({@code matchNames}, else {@code nextHopHost}), {@code fingerprint} the pins only; lower levels check
     * the chain for the record without enforcing it (the caller decides).
     */
    public CertificateVerification check(OutboundLevel level, X509Certificate[] chain, String nextHopHost) {
        if (chain == null || chain.length == 0) {
            return CertificateVerification.notPresented();
        }
        if (level == OutboundLevel.FINGERPRINT) {
            return checkPins(chain[0]);
        }
        CertificateVerification path = checkPath(chain);
        boolean checkNames = level == OutboundLevel.SECURE || (level == OutboundLevel.VERIFY && !matchNames.isEmpty());
        if (!path.isVerified() || !checkNames) {
            return path;
        }
        List<String> expected = matchNames.isEmpty() ? List.of(nextHopHost) : matchNames;
        List<String> got = CertificateNames.dnsNames(chain[0]);
        if (CertificateNames.matchesAny(got, expected)) {
            return path;
        }
        return CertificateVerification.failed(trust.name(), "name mismatch: got "
            + (got.isEmpty() ? "no DNS name" : String.join(", ", got)) + ", expected " + String.join(", ", expected));
    }

    private CertificateVerification checkPins(X509Certificate leaf) {
        String certificatePin;
        try {
            certificatePin = sha256Hex(leaf.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            return CertificateVerification.failed("pin", "certificate cannot be encoded: " + e.getMessage());
        }
        String keyPin = sha256Hex(leaf.getPublicKey().getEncoded());
        if (pins.contains(certificatePin) || pins.contains(keyPin)) {
            return CertificateVerification.verified("pin");
        }
        return CertificateVerification.failed("pin", "fingerprint mismatch: got certificate sha256 " + certificatePin
            + " (public key sha256 " + keyPin + "), expected one of " + String.join(", ", pins));
    }

    private CertificateVerification checkPath(X509Certificate[] chain) {
        List<X509Certificate> path = withoutAnchors(chain);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            CertPath certPath = factory.generateCertPath(path);
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            PKIXParameters parameters = new PKIXParameters(trust.anchors());
            parameters.setDate(Date.from(clock.instant()));
            if (trust.revocationLists().isEmpty()) {
                parameters.setRevocationEnabled(false);
            } else {
                List<X509CRL> crls = trust.revocationLists().get().current();
                PKIXRevocationChecker revocation = (PKIXRevocationChecker) validator.getRevocationChecker();
                // Exactly the CRLs we were given, for the server's own certificate: no OCSP, no fallback, and
                // no SOFT_FAIL, so a certificate whose status those CRLs cannot show is refused, not waved through.
                revocation.setOptions(EnumSet.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY,
                    PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
                parameters.addCertPathChecker(revocation);
                parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            }
            validator.validate(certPath, parameters);
            return CertificateVerification.verified(trust.name());
        } catch (CertPathValidatorException e) {
            return CertificateVerification.failed(trust.name(), explain(e, chain));
        } catch (IOException e) {
            return CertificateVerification.failed(trust.name(), "revocation status unknown: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            return CertificateVerification.failed(trust.name(), "certificate chain not usable: " + e.getMessage());
        }
    }

    private List<X509Certificate> withoutAnchors(X509Certificate[] chain) {
        List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
        while (path.size() > 1 && isAnchor(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        return path;
    }

    private boolean isAnchor(X509Certificate certificate) {
        return trust.anchors().stream().anyMatch(anchor -> certificate.equals(anchor.getTrustedCert()));
    }

    private String explain(CertPathValidatorException e, X509Certificate[] chain) {
        int index = e.getIndex();
        X509Certificate subject = index >= 0 && index < chain.length ? chain[index] : chain[0];
        String which = index > 0 ? "issuing certificate " + subject.getSubjectX500Principal().getName() + " " : "certificate ";
        CertPathValidatorException.Reason reason = e.getReason();
        if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
            return which + "expired " + date(subject.getNotAfter());
        }
        if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return which + "not valid before " + date(subject.getNotBefore());
        }
        if (reason == CertPathValidatorException.BasicReason.REVOKED) {
            return which + "revoked" + revocationDetails(e) + " per crl " + trust.revocationLists().get();
        }
        if (reason == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
            return "revocation status unknown: crl " + trust.revocationLists().get() + " holds no current CRL of "
                + subject.getIssuerX500Principal().getName();
        }
        if (reason == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            return which + "has an invalid signature";
        }
        X509Certificate leaf = chain[0];
        if (chain.length == 1 && leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
            return "self-signed certificate not trusted: " + leaf.getSubjectX500Principal().getName();
        }
        X509Certificate top = chain[chain.length - 1];
        return "certificate not trusted: issuer " + top.getIssuerX500Principal().getName() + " is not a trust anchor";
    }

    private static String revocationDetails(CertPathValidatorException e) {
        if (!(e.getCause() instanceof CertificateRevokedException)) {
            return "";
        }
        CertificateRevokedException revoked = (CertificateRevokedException) e.getCause();
        return " on " + date(revoked.getRevocationDate()) + " (" + revoked.getRevocationReason() + ")";
    }

    private static String date(Date date) {
        return date.toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    static String sha256Hex(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            StringBuilder hex = new StringBuilder(digest.length * 2);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
