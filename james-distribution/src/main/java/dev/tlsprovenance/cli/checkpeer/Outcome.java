package dev.tlsprovenance.cli.checkpeer;

import java.util.Locale;

/** What the delivery would do with a hop at the level that applies. */
public enum Outcome {
    /** Mail would be sent (over TLS, or in cleartext where the level allows it). */
    DELIVER,
    /** Nothing would be sent to this hop: the level's TLS requirement is not met (the mail waits, then bounces). */
    REFUSE,
    /** Nothing would be sent now: DNS (DNSSEC) or the network gave no usable answer; the mail is retried. */
    DEFER;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
