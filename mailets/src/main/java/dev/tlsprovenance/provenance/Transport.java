package dev.tlsprovenance.provenance;

/**
 * How the SMTP connection carried the message: in the clear, upgraded with STARTTLS, or TLS from the first byte;
 * or {@link #UNKNOWN} when the mail carried no inbound record this server can vouch for (a record without a valid
 * seal, see {@link RecordSeal}); or, for an outbound attempt, {@link #NONE}: the attempt ended before any envelope
 * or message byte was sent (no next hop, connection refused, STARTTLS refused or not offered at {@code encrypt},
 * a certificate that failed the check). UNKNOWN and NONE are never encrypted: what cannot be shown to be TLS is not
 * TLS, and nothing was carried at all. A NONE record may still name the protocol and cipher of a handshake that
 * was completed and then judged (a certificate refused at {@code verify}).
 */
public enum Transport {
    CLEARTEXT("cleartext"),
    STARTTLS("starttls"),
    IMPLICIT_TLS("implicit-tls"),
    UNKNOWN("unknown"),
    NONE("none");

    private final String token;

    Transport(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    public boolean isEncrypted() {
        return this == STARTTLS || this == IMPLICIT_TLS;
    }

    /** Whether the message (or its envelope) went over the connection at all. */
    public boolean carriedMail() {
        return this != NONE;
    }

    public static Transport fromToken(String token) {
        for (Transport transport : values()) {
            if (transport.token.equalsIgnoreCase(token)) {
                return transport;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + token + "' (expected cleartext, starttls, implicit-tls, unknown or none)");
    }
}
