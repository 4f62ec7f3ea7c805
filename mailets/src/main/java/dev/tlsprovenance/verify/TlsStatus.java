package dev.tlsprovenance.verify;

/** What a hop's record says about encryption of the connection it describes. */
public enum TlsStatus {
    /**
     * The record names TLS where its writer writes it (its TLS clause in its own position, or an RFC 3848 "S" keyword
     * such as {@code ESMTPS} as the with-clause's value), or our own stamp says so inside the trust boundary.
     */
    YES("yes"),
    /** An SMTP hop whose writer would have said so had TLS been used, and did not. */
    NO("no"),
    /** Nothing to go on: an MTA that never records TLS, a garbled line, or a hop that is not SMTP at all. */
    UNKNOWN("unknown");

    private final String token;

    TlsStatus(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }
}
