package dev.tlsprovenance.provenance;

import java.util.Objects;

/**
 * The outcome of checking a peer certificate, and against what it was checked: a verified
 * certificate means nothing without knowing which trust anchors (or pins) vouched for it.
 */
public final class CertificateVerification {
    private static final CertificateVerification NOT_CHECKED = new CertificateVerification(VerificationStatus.NOT_CHECKED, "", "");
    private static final CertificateVerification NOT_PRESENTED = new CertificateVerification(VerificationStatus.NOT_PRESENTED, "", "");

    private final VerificationStatus status;
    private final String trust;
    private final String reason;

    private CertificateVerification(VerificationStatus status, String trust, String reason) {
        this.status = Objects.requireNonNull(status, "status");
        this.trust = Objects.requireNonNull(trust, "trust");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @param trust what vouched for the certificate, e.g. {@code jvm-default}, {@code listener-truststore}, {@code pin}. */
    public static CertificateVerification verified(String trust) {
        return new CertificateVerification(VerificationStatus.VERIFIED, trust, "");
    }

    /**
     * Verified, with what the check established besides the chain, e.g. which expected name or pin matched.
     * @param detail one phrase for people, e.g. {@code namespace partner.test: name mx.partner.test}
     */
    public static CertificateVerification verified(String trust, String detail) {
        return new CertificateVerification(VerificationStatus.VERIFIED, trust, detail);
    }

    public static CertificateVerification failed(String trust, String reason) {
        return new CertificateVerification(VerificationStatus.FAILED, trust, reason);
    }

    public static CertificateVerification notChecked() {
        return NOT_CHECKED;
    }

    /** A certificate was presented but deliberately not checked here; the reason says who checks it, if anyone. */
    public static CertificateVerification notChecked(String reason) {
        return new CertificateVerification(VerificationStatus.NOT_CHECKED, "", reason);
    }

    public static CertificateVerification notPresented() {
        return NOT_PRESENTED;
    }

    static CertificateVerification of(VerificationStatus status, String trust, String reason) {
        return new CertificateVerification(status, trust, reason);
    }

    public VerificationStatus status() {
        return status;
    }

    public boolean isVerified() {
        return status == VerificationStatus.VERIFIED;
    }

    public String trust() {
        return trust;
    }

    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof CertificateVerification)) {
            return false;
        }
        CertificateVerification that = (CertificateVerification) other;
        return status == that.status && trust.equals(that.trust) && reason.equals(that.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, trust, reason);
    }

    @Override
    public String toString() {
        return status.token() + (trust.isEmpty() ? "" : " against " + trust) + (reason.isEmpty() ? "" : ": " + reason);
    }
}
