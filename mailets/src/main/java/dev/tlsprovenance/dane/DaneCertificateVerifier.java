package dev.tlsprovenance.dane;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;

import dev.tlsprovenance.policy.CertificateIdentities;

/**
 * DANE authentication of an SMTP server (RFC 7672 section 3, with RFC 7671's updates), given the chain the server
 * sent, the hop's TLSA RRset (already known to be DNSSEC SECURE) and the reference identifiers. Pure Java; the JDK's
 * PKIX validator does the signature, validity and basic-constraints work of a DANE-TA path.
 * <ul>
 *   <li>DANE-EE(3): the leaf's certificate or SPKI matches; nothing else is checked, neither names nor dates
 *       (RFC 7672 section 3.1.1).</li>
 *   <li>DANE-TA(2): a certificate the server sent above the leaf matches the record, or, for {@code 2 0 0} and
 *       {@code 2 1 0}, the record carries the trust anchor itself and the server may omit it (RFC 7671 section
 *       5.2.2, RFC 7672 section 3.1.2). A path is built from the leaf to that anchor from the certificates sent, in
 *       any order, and validated at the clock's time: signatures, every certificate's validity (the anchor's too
 *       when it is a certificate; a bare key has no dates), CA constraints. Then the leaf must name one of the
 *       reference identifiers (RFC 7672 section 3.2.3 with RFC 6125: DNS-IDs, the CN only when there is no DNS-ID,
 *       a wildcard only as the whole left-most label; see {@link CertificateIdentities}).</li>
 *   <li>PKIX-TA(0), PKIX-EE(1) and unknown parameters are unusable (RFC 7672 section 3.1.3); a set with no usable
 *       record gives {@link DaneVerdict.Status#NO_USABLE_RECORDS} (RFC 7672 section 2.2).</li>
 * </ul>
 * A DANE-TA(2) record never matches the leaf itself (depth 0), as in OpenSSL's DANE code: a trust anchor issues the
 * leaf. Revocation is not checked: DANE replaces it by the publisher's control of the TLSA records.
 */
public final class DaneCertificateVerifier {
    /** Certificates beyond this many in a chain are ignored: a path longer than this is no SMTP server's. */
    static final int MAX_CHAIN_CERTIFICATES = 10;
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448", "DSA");

    private final Clock clock;

    public DaneCertificateVerifier(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param peerChain      the chain as the server sent it, leaf first
     * @param records        the hop's TLSA RRset, DNSSEC SECURE
     * @param referenceNames RFC 7672 section 3.2.2's reference identifiers (the next-hop domain, the MX host name,
     *                       after secure CNAME expansion as the RFC says); wildcard patterns are ignored: a reference
     *                       identifier is a name, never a pattern
     */
    public DaneVerdict verify(List<X509Certificate> peerChain, TlsaRecordSet records,
                              Collection<String> referenceNames) {
        List<TlsaRecord> usable = records.usableRecords();
        if (usable.isEmpty()) {
            return DaneVerdict.noUsableRecords(describeUnusable(records));
        }
        if (peerChain == null || peerChain.isEmpty()) {
            return DaneVerdict.failed(DaneFailure.VALIDATION_FAILURE, "the server presented no certificate");
        }
        List<X509Certificate> chain = List.copyOf(
            peerChain.subList(0, Math.min(peerChain.size(), MAX_CHAIN_CERTIFICATES)));
        List<String> names = referenceIdentifiers(referenceNames);
        Attempt furthest = null;
        for (TlsaRecord record : usable) {
            Attempt attempt = record.usage() == TlsaRecord.DANE_EE
                ? endEntity(record, chain)
                : trustAnchor(record, chain, names);
            if (attempt.failure == null) {
                return DaneVerdict.authenticated(record, attempt.depth, attempt.anchorFromRecord, attempt.detail);
            }
            furthest = further(furthest, attempt);
        }
        return DaneVerdict.failed(furthest.failure, furthest.detail);
    }

    private static Attempt endEntity(TlsaRecord record, List<X509Certificate> chain) {
        if (record.matches(chain.get(0))) {
            return Attempt.authenticated(0, false, "leaf matches DANE-EE " + shortForm(record));
        }
        return Attempt.failed(DaneFailure.VALIDATION_FAILURE, "leaf does not match DANE-EE " + shortForm(record));
    }

    private Attempt trustAnchor(TlsaRecord record, List<X509Certificate> chain, List<String> names) {
        Attempt furthest = null;
        for (int depth = 1; depth < chain.size(); depth++) {
            if (record.matches(chain.get(depth))) {
                Attempt attempt = pathTo(Anchor.certificate(chain.get(depth), depth, false), record, chain, names);
                if (attempt.failure == null) {
                    return attempt;
                }
                furthest = further(furthest, attempt);
            }
        }
        if (furthest == null && record.matchingType() == TlsaRecord.MATCHING_FULL) {
            Anchor anchor = anchorFromRecord(record);
            if (anchor != null) {
                return pathTo(anchor, record, chain, names);
            }
        }
        if (furthest == null) {
            return Attempt.failed(DaneFailure.VALIDATION_FAILURE, "no certificate above the leaf matches DANE-TA "
                + shortForm(record)
                + (record.matchingType() == TlsaRecord.MATCHING_FULL ? " and its data is no trust anchor" : ""));
        }
        return furthest;
    }

    private static Attempt further(Attempt known, Attempt next) {
        return known == null || next.failure.ordinal() > known.failure.ordinal() ? next : known;
    }

    private Attempt pathTo(Anchor anchor, TlsaRecord record, List<X509Certificate> chain, List<String> names) {
        List<X509Certificate> path = pathBelow(anchor, chain);
        if (path == null) {
            return Attempt.failed(DaneFailure.VALIDATION_FAILURE, "no path from the leaf to the trust anchor of DANE-TA "
                + shortForm(record));
        }
        Date now = Date.from(clock.instant());
        try {
            TrustAnchor trustAnchor = anchor.certificate != null
                ? new TrustAnchor(anchor.certificate, null)
                : new TrustAnchor(path.get(path.size() - 1).getIssuerX500Principal(), anchor.key, null);
            PKIXParameters parameters = new PKIXParameters(Set.of(trustAnchor));
            parameters.setDate(now);
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
        } catch (CertPathValidatorException invalid) {
            boolean expired = invalid.getReason() == CertPathValidatorException.BasicReason.EXPIRED;
            return Attempt.failed(expired ? DaneFailure.CERTIFICATE_EXPIRED : DaneFailure.VALIDATION_FAILURE,
                "DANE-TA " + shortForm(record) + " path invalid: " + invalid.getMessage());
        } catch (GeneralSecurityException | IllegalArgumentException unusable) {
            return Attempt.failed(DaneFailure.VALIDATION_FAILURE,
                "DANE-TA " + shortForm(record) + " path cannot be checked: " + unusable.getMessage());
        }
        if (anchor.certificate != null) {
            try {
                anchor.certificate.checkValidity(now);
            } catch (CertificateExpiredException expired) {
                return Attempt.failed(DaneFailure.CERTIFICATE_EXPIRED, "trust anchor of DANE-TA " + shortForm(record)
                    + " expired " + anchor.certificate.getNotAfter().toInstant());
            } catch (CertificateNotYetValidException notYet) {
                return Attempt.failed(DaneFailure.VALIDATION_FAILURE, "trust anchor of DANE-TA " + shortForm(record)
                    + " not valid before " + anchor.certificate.getNotBefore().toInstant());
            }
        }
        List<String> presented = CertificateIdentities.dnsIdentities(chain.get(0));
        if (!CertificateIdentities.matchesAny(presented, names)) {
            return Attempt.failed(DaneFailure.CERTIFICATE_HOST_MISMATCH, "DANE-TA " + shortForm(record)
                + " chain valid but the leaf names " + (presented.isEmpty() ? "no DNS name" : String.join(", ", presented))
                + ", expected " + (names.isEmpty() ? "a reference name (none given)" : String.join(" or ", names)));
        }
        int depth = anchor.fromRecord ? path.size() : anchor.depth;
        return Attempt.authenticated(depth, anchor.fromRecord, "DANE-TA " + shortForm(record) + " at depth " + depth
            + (anchor.fromRecord ? " (trust anchor from the record)" : "") + ", leaf names " + String.join(", ", presented));
    }

    /**
     * The certificates from the leaf up to the one the anchor issued, found among those sent (any order, each once),
     * without the anchor itself; null when there is none.
     */
    private static List<X509Certificate> pathBelow(Anchor anchor, List<X509Certificate> chain) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(chain.get(0));
        while (path.size() <= chain.size()) {
            X509Certificate top = path.get(path.size() - 1);
            if (anchor.issued(top)) {
                return path;
            }
            X509Certificate issuer = null;
            for (X509Certificate candidate : chain) {
                if (candidate != anchor.certificate && !path.contains(candidate)
                    && candidate.getSubjectX500Principal().equals(top.getIssuerX500Principal())) {
                    issuer = candidate;
                    break;
                }
            }
            if (issuer == null) {
                return null;
            }
            path.add(issuer);
        }
        return null;
    }

    private static Anchor anchorFromRecord(TlsaRecord record) {
        byte[] data = record.associationData();
        if (!Der.isOneSequence(data)) {
            return null;
        }
        if (record.selector() == TlsaRecord.SELECTOR_CERT) {
            try {
                X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(data));
                return Anchor.certificate(certificate, -1, true);
            } catch (GeneralSecurityException | RuntimeException notACertificate) {
                return null;
            }
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return Anchor.key(KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(data)));
            } catch (GeneralSecurityException | RuntimeException notThisAlgorithm) {
                // the SPKI names its algorithm; try the next factory
            }
        }
        return null;
    }

    private static List<String> referenceIdentifiers(Collection<String> referenceNames) {
        List<String> names = new ArrayList<>();
        if (referenceNames != null) {
            for (String name : referenceNames) {
                String normalised = name == null ? "" : CertificateIdentities.normalise(name);
                if (!normalised.isEmpty() && !normalised.startsWith("*") && !normalised.startsWith(".")
                    && !names.contains(normalised)) {
                    names.add(normalised);
                }
            }
        }
        return List.copyOf(names);
    }

    private static String describeUnusable(TlsaRecordSet records) {
        if (records.records().isEmpty() && records.malformedCount() == 0) {
            return "no TLSA record";
        }
        List<String> reasons = new ArrayList<>();
        for (TlsaRecord record : records.records()) {
            reasons.add(shortForm(record) + ": " + record.usability().description());
        }
        if (records.malformedCount() > 0) {
            reasons.add(records.malformedCount() + " malformed");
        }
        return "no usable TLSA record (" + String.join("; ", reasons) + ")";
    }

    private static String shortForm(TlsaRecord record) {
        return record.usage() + " " + record.selector() + " " + record.matchingType();
    }

    /** A trust anchor: a certificate (sent by the server, or carried by a {@code 2 0 0}) or a bare key. */
    private static final class Anchor {
        final X509Certificate certificate;
        final PublicKey key;
        final int depth;
        final boolean fromRecord;

        private Anchor(X509Certificate certificate, PublicKey key, int depth, boolean fromRecord) {
            this.certificate = certificate;
            this.key = key;
            this.depth = depth;
            this.fromRecord = fromRecord;
        }

        static Anchor certificate(X509Certificate certificate, int depth, boolean fromRecord) {
            return new Anchor(certificate, certificate.getPublicKey(), depth, fromRecord);
        }

        static Anchor key(PublicKey key) {
            return new Anchor(null, key, -1, true);
        }

        /** True when {@code certificate} is signed by this anchor (and, for a certificate anchor, names it). */
        boolean issued(X509Certificate certificate) {
            if (this.certificate != null
                && !this.certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                return false;
            }
            try {
                certificate.verify(key);
                return true;
            } catch (GeneralSecurityException | RuntimeException notSigned) {
                return false;
            }
        }
    }

    private static final class Attempt {
        final DaneFailure failure;
        final int depth;
        final boolean anchorFromRecord;
        final String detail;

        private Attempt(DaneFailure failure, int depth, boolean anchorFromRecord, String detail) {
            this.failure = failure;
            this.depth = depth;
            this.anchorFromRecord = anchorFromRecord;
            this.detail = detail;
        }

        static Attempt authenticated(int depth, boolean anchorFromRecord, String detail) {
            return new Attempt(null, depth, anchorFromRecord, detail);
        }

        static Attempt failed(DaneFailure failure, String detail) {
            return new Attempt(failure, -1, false, detail);
        }
    }
}
