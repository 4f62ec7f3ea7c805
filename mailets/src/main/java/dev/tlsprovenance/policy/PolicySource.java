package dev.tlsprovenance.policy;

import java.util.Locale;

/**
 * Where the outbound policy that governed an attempt came from, in the order of precedence of issue 13: an explicit
 * row of the table, the destination's DNSSEC-signed TLSA records (DANE), its MTA-STS policy, the built-in default.
 * One word per source in the ledger ({@code policy-source}), the attempt log line and the metrics.
 */
public enum PolicySource {
    /** A row of {@code tls-policy.conf} (its own {@code *} default row included). */
    ROW,
    /** No row: the built-in default is {@code dane} and the destination's TLSA records applied. */
    DANE,
    /** No row: the destination's MTA-STS policy applied (reserved for the MTA-STS work). */
    STS,
    /** No row and neither DANE nor MTA-STS applied: the built-in default level. */
    DEFAULT;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the bad word */
    public static PolicySource parse(String token) {
        for (PolicySource source : values()) {
            if (source.token().equals(token)) {
                return source;
            }
        }
        throw new IllegalArgumentException("unknown policy source '" + token + "' (expected row, dane, sts or default)");
    }
}
