package dev.tlsprovenance.outbound;

import dev.tlsprovenance.provenance.TlsProvenance;

import java.util.List;

/** The outcome of one delivery attempt for the recipients of one domain, with one provenance record per hop tried. */
public final class DomainDeliveryResult {
    private final List<RecipientOutcome> outcomes;
    private final List<TlsProvenance> attempts;

    public DomainDeliveryResult(List<RecipientOutcome> outcomes, List<TlsProvenance> attempts) {
        this.outcomes = List.copyOf(outcomes);
        this.attempts = List.copyOf(attempts);
    }

    public List<RecipientOutcome> outcomes() {
        return outcomes;
    }

    public List<TlsProvenance> attempts() {
        return attempts;
    }

    @Override
    public String toString() {
        return outcomes.toString();
    }
}
