package dev.tlsprovenance.verify;

/**
 * What a hop's record says about the <em>client's</em> certificate (the sending side of that hop):
 * Postfix {@code (No client certificate requested)}, {@code (Client did not present a certificate)},
 * {@code (Client CN ..., Issuer ... (verified OK|not verified))}; Sendmail {@code verify=OK|FAIL|NO|NOT};
 * OpenSMTPD's fourth field {@code YES|NO|FAIL}; this project's {@code (client certificate subject ... verified yes|no)}
 * and stamp. The tokens are the JSON {@code clientCertificate} vocabulary.
 */
public enum CertificateClaim {
    /** Presented and verified (Postfix {@code (verified OK)}, Sendmail {@code verify=OK}, OpenSMTPD {@code YES}). */
    VERIFIED("verified"),
    /** Presented and the check failed (Sendmail {@code verify=FAIL}, OpenSMTPD {@code FAIL}, ours {@code verified no}). */
    FAILED("failed"),
    /**
     * Presented, not verified, and the record does not say whether a check failed or none was made (Postfix
     * {@code (not verified)}, our stamp's {@code not-checked}).
     */
    PRESENTED_NOT_VERIFIED("presented-not-verified"),
    /** Asked for and not presented (Postfix {@code (Client did not present a certificate)}, Sendmail {@code verify=NO}). */
    NOT_PRESENTED("not-presented"),
    /** The server did not ask for one (Postfix {@code (No client certificate requested)}, Sendmail {@code verify=NOT}). */
    NOT_REQUESTED("not-requested"),
    /** The record says nothing about it. */
    UNKNOWN("unknown");

    private final String token;

    CertificateClaim(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    /** The JSON {@code clientCertificate} value: the token, or null when the record does not say. */
    public String jsonToken() {
        return this == UNKNOWN ? null : token;
    }

    /**
     * JSON's deprecated {@code clientCertVerified}: true, false, or null when the record does not say. It cannot tell
     * "no certificate" from "certificate failed"; {@code clientCertificate} can.
     */
    public Boolean asVerifiedFlag() {
        switch (this) {
            case VERIFIED:
                return Boolean.TRUE;
            case FAILED:
            case PRESENTED_NOT_VERIFIED:
            case NOT_PRESENTED:
            case NOT_REQUESTED:
                return Boolean.FALSE;
            default:
                return null;
        }
    }
}
