package dev.tlsprovenance.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Outbound TLS security level of a namespace, with Postfix's meaning
 * ({@code smtp_tls_security_level}): {@code none < may < encrypt < verify < secure}, plus
 * {@code fingerprint} (the peer certificate or its public key must match a pinned SHA-256).
 */
public enum OutboundLevel {
    /** Never use TLS, even if offered. */
    NONE,
    /** Opportunistic: STARTTLS when offered, cleartext otherwise; certificate not checked. */
    MAY,
    /** TLS mandatory, certificate not checked. */
    ENCRYPT,
    /** TLS mandatory, certificate chain must be trusted (name checked against {@code match=} when given). */
    VERIFY,
    /** TLS mandatory, trusted chain and a name matching the next hop or {@code match=}. */
    SECURE,
    /** TLS mandatory, certificate or public-key SHA-256 must be one of the pins. */
    FINGERPRINT;

    private static final String EXPECTED = Arrays.stream(values())
            .map(OutboundLevel::token)
            .collect(Collectors.joining(", "));

    /** Whether delivery must fail rather than fall back to cleartext. */
    public boolean requiresTls() {
        return this != NONE && this != MAY;
    }

    /** Whether the peer certificate is checked (chain, name or pin). */
    public boolean verifiesPeer() {
        return this == VERIFY || this == SECURE || this == FINGERPRINT;
    }

    /** The lowercase name used in the policy file and in provenance records. */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
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
