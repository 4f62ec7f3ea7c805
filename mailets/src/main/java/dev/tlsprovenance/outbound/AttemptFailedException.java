package dev.tlsprovenance.outbound;

import dev.tlsprovenance.provenance.TlsProvenance;

/** A connection attempt that ended before a transaction could start, with what was learnt about its TLS. */
public final class AttemptFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient DeliveryFailure failure;
    private final transient TlsProvenance.Builder facts;

    AttemptFailedException(DeliveryFailure failure, TlsProvenance.Builder facts) {
        super(failure.diagnostic());
        this.failure = failure;
        this.facts = facts;
    }

    public DeliveryFailure failure() {
        return failure;
    }

    /** The provenance of the failed attempt (no outcome set yet). */
    public TlsProvenance.Builder facts() {
        return facts;
    }
}
