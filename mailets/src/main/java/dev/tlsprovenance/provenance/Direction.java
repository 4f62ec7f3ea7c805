package dev.tlsprovenance.provenance;

import java.util.Locale;

/** Which way the recorded SMTP hop went, seen from this server. */
public enum Direction {
    INBOUND,
    OUTBOUND;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Direction fromToken(String token) {
        for (Direction direction : values()) {
            if (direction.token().equalsIgnoreCase(token)) {
                return direction;
            }
        }
        throw new IllegalArgumentException("unknown direction '" + token + "' (expected inbound or outbound)");
    }
}
