package dev.tlsprovenance.provenance;

/**
 * How the SMTP connection carried the message: in the clear, upgraded with STARTTLS, or TLS from the first byte;
 * or {@link #UNKNOWN} when the mail carried no inbound record this server can vouch for (a record without a valid
 * seal, see {@link RecordSeal}). UNKNOWN is never encrypted: what cannot be shown to be TLS is not TLS.
 */
public enum Transport {
    CLEARTEXT("cleartext"),
    STARTTLS("starttls"),
    IMPLICIT_TLS("implicit-tls"),
    UNKNOWN("unknown");

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

    public static Transport fromToken(String token) {
        for (Transport transport : values()) {
            if (transport.token.equalsIgnoreCase(token)) {
                return transport;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + token + "' (expected cleartext, starttls, implicit-tls or unknown)");
    }
}
