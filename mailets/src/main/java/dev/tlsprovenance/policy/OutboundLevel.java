package dev.tlsprovenance.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Outbound TLS security level of a namespace, with Postfix's meaning
 * ({@code smtp_tls_security_level}): {@code none < may < encrypt < verify < secure}, plus
 * {@code fingerprint} (the peer certificate or its public key must match a pinned SHA-256), and the DANE levels
 * {@code dane} and {@code dane-only} (RFC 7672; see {@code docs/outbound-delivery.md}, "DANE").
 * <p>The declaration order is the order of the weakest guarantee a level gives, which {@code ledgerRequiredFrom}
 * compares against: {@code dane} sits between {@code may} and {@code encrypt} (without secure TLSA records it is
 * {@code may}), {@code dane-only} between {@code encrypt} and {@code verify} (it never sends in cleartext, and a
 * secure TLSA RRset without usable records gives TLS without authentication, as {@code encrypt}).
 */
public enum OutboundLevel {
    /** Never use TLS, even if offered. */
    NONE,
    /** Opportunistic: STARTTLS when offered, cleartext otherwise; certificate not checked. */
    MAY,
    /**
     * RFC 7672 per destination: DANE-authenticated TLS when the MX (or route) host has DNSSEC-secure usable TLSA
     * records, TLS without authentication when its secure TLSA RRset has no usable record, {@code may} otherwise;
     * bogus or indeterminate DNSSEC answers defer, never cleartext.
     */
    DANE,
    /** TLS mandatory, certificate not checked. */
    ENCRYPT,
    /** As {@code dane}, but a destination without DNSSEC-secure TLSA records is not delivered to (4.7.5). */
    DANE_ONLY,
    /** TLS mandatory, certificate chain must be trusted (name checked against {@code match=} when given). */
    VERIFY,
    /** TLS mandatory, trusted chain and a name matching the next hop or {@code match=}. */
    SECURE,
    /** TLS mandatory, certificate or public-key SHA-256 must be one of the pins. */
    FINGERPRINT;

    private static final String EXPECTED = Arrays.stream(values())
            .map(OutboundLevel::token)
            .collect(Collectors.joining(", "));

    /**
     * Whether delivery must fail rather than fall back to cleartext. For {@code dane} that depends on the
     * destination's DNS: the level itself only promises {@code may}.
     */
    public boolean requiresTls() {
        return this != NONE && this != MAY && this != DANE;
    }

    /** Whether the level is decided per destination from DNSSEC-validated TLSA records. */
    public boolean isDane() {
        return this == DANE || this == DANE_ONLY;
    }

    /** Whether the peer certificate is checked (chain, name or pin). */
    public boolean verifiesPeer() {
        return this == VERIFY || this == SECURE || this == FINGERPRINT;
    }

    /** The lowercase name used in the policy file and in provenance records ({@code dane-only}). */
    public String token() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static OutboundLevel parse(String token) {
        String wanted = token == null ? "" : token.trim().toLowerCase(Locale.ROOT);
        for (OutboundLevel level : values()) {
            if (level.token().equals(wanted)) {
                return level;
            }
        }
        throw new IllegalArgumentException("unknown outbound level '" + token + "' (expected one of " + EXPECTED + ")");
    }
}
