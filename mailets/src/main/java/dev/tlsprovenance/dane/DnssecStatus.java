package dev.tlsprovenance.dane;

/**
 * The security status of one DNS answer, the four states of RFC 4035 section 4.3 as RFC 7672 uses them.
 *
 * <p>Only {@link #SECURE} lets DANE apply; {@link #INSECURE} means "DANE does not apply" (deliver as without
 * DANE); {@link #BOGUS} and {@link #INDETERMINATE} must never fall back to an unauthenticated delivery: a caller
 * defers (RFC 7672 section 2.1.1), because an attacker who can break a lookup could otherwise strip DANE.
 */
public enum DnssecStatus {
    /** Validated from a configured trust anchor down to the answer (or to its denial of existence). */
    SECURE,
    /** Provably unsigned: a validated chain says no signature is expected here (e.g. a signed proof of no DS). */
    INSECURE,
    /** Signatures were expected and did not validate (broken or expired RRSIG, DS that matches no key, ...). */
    BOGUS,
    /** No usable answer at all: SERVFAIL or another error code, a timeout, an unreachable resolver. */
    INDETERMINATE;

    /** True for the two states that must make a delivery wait instead of being treated as "no DANE". */
    public boolean isFailure() {
        return this == BOGUS || this == INDETERMINATE;
    }
}
