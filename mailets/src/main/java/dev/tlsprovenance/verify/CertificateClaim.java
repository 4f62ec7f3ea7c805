package dev.tlsprovenance.verify;

/**
 * What a hop's record says about the <em>client's</em> certificate (the sending side of that hop):
 * Postfix {@code (Client CN ..., Issuer ... (verified OK))}, Sendmail {@code verify=OK|FAIL|NO|NOT},
 * OpenSMTPD's fourth field {@code YES|NO|FAIL}.
 */
public enum CertificateClaim {
    VERIFIED("verified"),
    /** Presented but not verified (Postfix {@code (not verified)}, Sendmail {@code verify=FAIL}, OpenSMTPD {@code FAIL}). */
    FAILED("failed"),
    /** Not presented or not requested (Postfix {@code (No client certificate requested)}, Sendmail {@code verify=NO|NOT}). */
    NOT_PRESENTED("not-presented"),
    /** The record says nothing about it. */
    UNKNOWN("unknown");

    private final String token;

    CertificateClaim(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    /** JSON's {@code clientCertVerified}: true, false, or null when the record does not say. */
    public Boolean asVerifiedFlag() {
        switch (this) {
            case VERIFIED:
                return Boolean.TRUE;
            case FAILED:
            case NOT_PRESENTED:
                return Boolean.FALSE;
            default:
                return null;
        }
    }
}
