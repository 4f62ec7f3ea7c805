package dev.tlsprovenance.outbound;

import dev.tlsprovenance.provenance.TlsProvenance;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The outcome of one delivery attempt for the recipients of one domain: the final outcome per recipient, and one
 * {@link HopAttempt} per hop tried (one with {@code transport=none} when no hop could be tried at all).
 */
public final class DomainDeliveryResult {
    private final List<RecipientOutcome> outcomes;
    private final List<HopAttempt> hopAttempts;

    public DomainDeliveryResult(List<RecipientOutcome> outcomes, List<HopAttempt> hopAttempts) {
        this.outcomes = List.copyOf(outcomes);
        this.hopAttempts = List.copyOf(hopAttempts);
    }

    public List<RecipientOutcome> outcomes() {
        return outcomes;
    }

    public List<HopAttempt> hopAttempts() {
        return hopAttempts;
    }

    /** The TLS record of each hop attempt, in order. */
    public List<TlsProvenance> attempts() {
        return hopAttempts.stream().map(HopAttempt::record).collect(Collectors.toList());
    }

    @Override
    public String toString() {
        return outcomes.toString();
    }
}
