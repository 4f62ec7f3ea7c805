package dev.tlsprovenance.verify;

/** Where a hop's TLS facts come from. */
public enum HopSource {
    /** The Received line's own words. */
    RECEIVED("received"),
    /** Our X-TLS-Provenance stamp for that hop, which replaces the Received line's claims inside the trust boundary. */
    PROVENANCE("provenance");

    private final String token;

    HopSource(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }
}
