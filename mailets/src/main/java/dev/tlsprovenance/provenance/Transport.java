package dev.tlsprovenance.provenance;

/** How the SMTP connection carried the message: in the clear, upgraded with STARTTLS, or TLS from the first byte. */
public enum Transport {
    CLEARTEXT("cleartext"),
    STARTTLS("starttls"),
    IMPLICIT_TLS("implicit-tls");

    private final String token;

    Transport(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    public boolean isEncrypted() {
        return this != CLEARTEXT;
    }

    public static Transport fromToken(String token) {
        for (Transport transport : values()) {
            if (transport.token.equalsIgnoreCase(token)) {
                return transport;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + token + "' (expected cleartext, starttls or implicit-tls)");
    }
}
