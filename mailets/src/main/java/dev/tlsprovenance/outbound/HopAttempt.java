package dev.tlsprovenance.outbound;

import dev.tlsprovenance.provenance.TlsProvenance;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One try at one next hop (or, when no hop could be tried, at none): its TLS record, what became of each recipient
 * of the envelope on that try, and, when nothing was sent, why ({@code transport=none}).
 */
public final class HopAttempt {
    private final TlsProvenance record;
    private final List<RecipientOutcome> outcomes;
    private final Optional<String> nothingSentBecause;

    private HopAttempt(TlsProvenance record, List<RecipientOutcome> outcomes, Optional<String> nothingSentBecause) {
        this.record = Objects.requireNonNull(record);
        this.outcomes = List.copyOf(outcomes);
        this.nothingSentBecause = nothingSentBecause;
    }

    /** A transaction took place (whatever its replies). */
    public static HopAttempt sent(TlsProvenance record, List<RecipientOutcome> outcomes) {
        return new HopAttempt(record, outcomes, Optional.empty());
    }

    /** The attempt ended before MAIL FROM: every recipient failed the same way. */
    public static HopAttempt nothingSent(TlsProvenance record, List<String> recipients, DeliveryFailure failure) {
        List<RecipientOutcome> outcomes = recipients.stream().map(r -> RecipientOutcome.failed(r, failure))
            .collect(java.util.stream.Collectors.toList());
        return new HopAttempt(record, outcomes, Optional.of(failure.diagnostic()));
    }

    public TlsProvenance record() {
        return record;
    }

    public List<RecipientOutcome> outcomes() {
        return outcomes;
    }

    /** Why no envelope or message byte went to the hop; empty when a transaction took place. */
    public Optional<String> nothingSentBecause() {
        return nothingSentBecause;
    }

    @Override
    public String toString() {
        return record.transport().token() + nothingSentBecause.map(r -> " (" + r + ")").orElse("") + " " + outcomes;
    }
}
