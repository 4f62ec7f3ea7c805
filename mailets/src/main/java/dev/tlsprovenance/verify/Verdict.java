package dev.tlsprovenance.verify;

/** The answer to "did this message travel over TLS on every hop I trust?" and its exit code. */
public enum Verdict {
    TLS_ALL_THE_WAY("tls-all-the-way", 0),
    CLEARTEXT_HOP("cleartext-hop", 1),
    UNKNOWN_HOP("unknown-hop", 2);

    private final String token;
    private final int exitCode;

    Verdict(String token, int exitCode) {
        this.token = token;
        this.exitCode = exitCode;
    }

    public String token() {
        return token;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The worse of two verdicts, for summarising many messages: cleartext beats unknown beats TLS. */
    public Verdict worst(Verdict other) {
        if (this == CLEARTEXT_HOP || other == CLEARTEXT_HOP) {
            return CLEARTEXT_HOP;
        }
        return this == UNKNOWN_HOP || other == UNKNOWN_HOP ? UNKNOWN_HOP : TLS_ALL_THE_WAY;
    }
}
