package dev.tlsprovenance.cli.checkpeer;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.tlsprovenance.policy.OutboundLevel;

/**
 * The level check-peer judges a peer at: a policy row's {@link OutboundLevel}, or one of DANE's two levels with
 * Postfix's meaning ({@code dane}: DANE when the TLSA records are DNSSEC-secure, else as {@code may};
 * {@code dane-only}: no delivery without secure TLSA records). Kept here until {@code OutboundLevel} has the DANE
 * levels; then this maps one to one onto it.
 */
public enum PeerLevel {
    NONE, MAY, ENCRYPT, VERIFY, SECURE, FINGERPRINT, DANE, DANE_ONLY;

    private static final String EXPECTED = Arrays.stream(values()).map(PeerLevel::token).collect(Collectors.joining(", "));

    public String token() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean isDane() {
        return this == DANE || this == DANE_ONLY;
    }

    /** The row level this is, empty for the DANE levels. */
    public Optional<OutboundLevel> outboundLevel() {
        return isDane() ? Optional.empty() : Optional.of(OutboundLevel.valueOf(name()));
    }

    public static PeerLevel of(OutboundLevel level) {
        return valueOf(level.name());
    }

    /** @throws IllegalArgumentException naming the bad value and the accepted ones */
    public static PeerLevel parse(String token) {
        String wanted = token == null ? "" : token.trim().toLowerCase(Locale.ROOT);
        for (PeerLevel level : values()) {
            if (level.token().equals(wanted)) {
                return level;
            }
        }
        throw new IllegalArgumentException("unknown level '" + token + "' (expected one of " + EXPECTED + ")");
    }
}
