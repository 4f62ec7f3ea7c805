package dev.tlsprovenance.provenance;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import javax.security.auth.x500.X500Principal;

/**
 * What a record keeps of a peer certificate: enough to identify it later (fingerprint, serial,
 * issuer) and to explain a verdict (names, validity), without keeping the certificate itself.
 */
public final class CertificateSummary {
    private static final int SAN_EMAIL = 1;
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;
    private static final int SAN_IP = 7;

    private final String subject;
    private final String issuer;
    private final List<String> subjectAltNames;
    private final String serialNumberHex;
    private final String sha256Fingerprint;
    private final Instant notBefore;
    private final Instant notAfter;

    public CertificateSummary(String subject, String issuer, List<String> subjectAltNames, String serialNumberHex,
                              String sha256Fingerprint, Instant notBefore, Instant notAfter) {
        this.subject = Objects.requireNonNull(subject, "subject");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.subjectAltNames = List.copyOf(subjectAltNames);
        this.serialNumberHex = Objects.requireNonNull(serialNumberHex, "serialNumberHex");
        this.sha256Fingerprint = Objects.requireNonNull(sha256Fingerprint, "sha256Fingerprint");
        this.notBefore = Objects.requireNonNull(notBefore, "notBefore");
        this.notAfter = Objects.requireNonNull(notAfter, "notAfter");
    }

    public static CertificateSummary of(X509Certificate certificate) {
        return new CertificateSummary(
            certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
            certificate.getIssuerX500Principal().getName(X500Principal.RFC2253),
            subjectAltNamesOf(certificate),
            certificate.getSerialNumber().toString(16),
            Fingerprints.certificateSha256(certificate),
            certificate.getNotBefore().toInstant(),
            certificate.getNotAfter().toInstant());
    }

    /** SANs as {@code DNS:name}, {@code IP:address}, {@code email:address}, {@code URI:uri}, in certificate order. */
    private static List<String> subjectAltNamesOf(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            // A malformed extension must not stop the record: the fingerprint still identifies the certificate.
            return List.of();
        }
        if (names == null) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (List<?> name : names) {
            int type = (Integer) name.get(0);
            Object value = name.get(1);
            if (!(value instanceof String)) {
                continue;
            }
            String prefix = type == SAN_DNS ? "DNS:" : type == SAN_IP ? "IP:" : type == SAN_EMAIL ? "email:" : type == SAN_URI ? "URI:" : null;
            if (prefix != null) {
                result.add(prefix + value);
            }
        }
        return result;
    }

    public String subject() {
        return subject;
    }

    public String issuer() {
        return issuer;
    }

    public List<String> subjectAltNames() {
        return subjectAltNames;
    }

    public String serialNumberHex() {
        return serialNumberHex;
    }

    public String sha256Fingerprint() {
        return sha256Fingerprint;
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
    }

    public boolean isSelfIssued() {
        return subject.equals(issuer);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof CertificateSummary)) {
            return false;
        }
        CertificateSummary that = (CertificateSummary) other;
        return subject.equals(that.subject) && issuer.equals(that.issuer) && subjectAltNames.equals(that.subjectAltNames)
            && serialNumberHex.equals(that.serialNumberHex) && sha256Fingerprint.equals(that.sha256Fingerprint)
            && notBefore.equals(that.notBefore) && notAfter.equals(that.notAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sha256Fingerprint, subject, issuer);
    }

    @Override
    public String toString() {
        return "subject=" + subject + " issuer=" + issuer + " sha256=" + sha256Fingerprint;
    }
}
