package dev.tlsprovenance.provenance;

import java.util.Locale;

/** What is known about the peer's certificate on one hop. */
public enum VerificationStatus {
    /** The peer presented a certificate and it was checked successfully against the recorded trust. */
    VERIFIED,
    /** The peer presented a certificate and the check failed; the reason says why. */
    FAILED,
    /** A certificate was presented but nobody checked it (e.g. opportunistic TLS). */
    NOT_CHECKED,
    /** The peer presented no certificate (or the hop was cleartext). */
    NOT_PRESENTED;

    public String token() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static VerificationStatus fromToken(String token) {
        for (VerificationStatus status : values()) {
            if (status.token().equalsIgnoreCase(token)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown verification status '" + token
            + "' (expected verified, failed, not-checked or not-presented)");
    }
}
