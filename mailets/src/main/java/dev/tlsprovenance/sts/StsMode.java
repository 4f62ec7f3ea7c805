package dev.tlsprovenance.sts;

import java.util.Optional;

/** The {@code mode} of an MTA-STS policy (RFC 8461 section 3.2), with the word the policy and our records use. */
public enum StsMode {
    /** Deliver only to a matching MX over TLS with a PKIX-valid certificate; otherwise do not deliver. */
    ENFORCE("enforce"),
    /** Check as for enforce, record and report every failure, but deliver anyway. */
    TESTING("testing"),
    /** The domain withdrew its policy: deliver as if there were none. */
    NONE("none");

    private final String word;

    StsMode(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    /** The mode spelled exactly as the grammar does ({@code %s"enforce"}: case-sensitive). */
    public static Optional<StsMode> fromWord(String word) {
        for (StsMode mode : values()) {
            if (mode.word.equals(word)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return word;
    }
}
