package dev.tlsprovenance.outbound;

import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.provenance.TlsProvenance;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Delivers one mail's recipients of one domain under that domain's outbound policy: tries the next hops in order
 * until one accepts a connection at the required TLS level, runs the transaction there, and reports per-recipient
 * outcomes plus one {@link TlsProvenance} per hop tried. Pure Java: no James types.
 */
public final class OutboundDelivery {
    private final ConnectionPool pool;
    private final OutboundTlsCache tlsCache;
    private final Clock clock;

    public OutboundDelivery(ConnectionPool pool, OutboundTlsCache tlsCache, Clock clock) {
        this.pool = pool;
        this.tlsCache = tlsCache;
        this.clock = clock;
    }

    public DomainDeliveryResult deliver(String domain, OutboundPolicy policy, List<NextHop> hops, Envelope envelope,
                                        MessageContent content, int attempt) {
        OutboundLevel level = SmtpConnector.effectiveLevel(policy.level(), envelope.requireTls());
        OutboundTls tls;
        try {
            tls = tlsCache.forPolicy(policy);
        } catch (IOException | IllegalArgumentException e) {
            return failAll(envelope, DeliveryFailure.cryptographicFailure("TLS material of the policy unusable: " + e.getMessage()), List.of());
        }
        if (hops.isEmpty()) {
            return failAll(envelope, DeliveryFailure.network("no next hop found for " + domain), List.of());
        }
        List<TlsProvenance> attempts = new ArrayList<>();
        DeliveryFailure lastFailure = null;
        for (NextHop hop : hops) {
            SmtpConnection connection;
            try {
                connection = pool.borrow(hop, tls, level, envelope.requireTls());
            } catch (AttemptFailedException e) {
                lastFailure = envelope.requireTls() ? e.failure().underRequireTls() : e.failure();
                attempts.add(e.facts().recipientDomain(domain).attempt(attempt).time(clock.instant())
                    .outcome(e.failure().toString()).build());
                continue;
            }
            if (envelope.requireTls() && !connection.offersRequireTls()) {
                pool.release(connection, tls);
                lastFailure = DeliveryFailure.requireTlsUnsupported(
                    "REQUIRETLS: next hop " + hop + " did not offer REQUIRETLS after STARTTLS");
                attempts.add(record(connection, envelope, domain, attempt, lastFailure.toString()));
                continue;
            }
            List<RecipientOutcome> outcomes;
            try {
                outcomes = MailTransaction.send(connection, envelope, content);
                pool.release(connection, tls);
            } catch (IOException e) {
                connection.client().close();
                outcomes = new ArrayList<>();
                DeliveryFailure lost = DeliveryFailure.network("connection to " + hop + " lost during the transaction: " + e.getMessage());
                for (String recipient : envelope.recipients()) {
                    outcomes.add(RecipientOutcome.failed(recipient, lost));
                }
            }
            attempts.add(record(connection, envelope, domain, attempt, summary(outcomes)));
            return new DomainDeliveryResult(outcomes, attempts);
        }
        return failAll(envelope, lastFailure, attempts);
    }

    /** The connection may have been opened for another mail: what belongs to this mail comes from its envelope. */
    private TlsProvenance record(SmtpConnection connection, Envelope envelope, String domain, int attempt, String outcome) {
        return connection.negotiated().toBuilder().recipientDomain(domain).attempt(attempt).requireTls(envelope.requireTls())
            .time(clock.instant()).outcome(outcome).build();
    }

    private static DomainDeliveryResult failAll(Envelope envelope, DeliveryFailure failure, List<TlsProvenance> attempts) {
        List<RecipientOutcome> outcomes = envelope.recipients().stream()
            .map(recipient -> RecipientOutcome.failed(recipient, failure))
            .collect(Collectors.toList());
        return new DomainDeliveryResult(outcomes, attempts);
    }

    /** The peer's reply when all went the same way, else one entry per recipient. */
    static String summary(List<RecipientOutcome> outcomes) {
        boolean allDelivered = outcomes.stream().allMatch(RecipientOutcome::isDelivered);
        if (allDelivered) {
            return outcomes.get(0).reply().orElse("delivered");
        }
        return outcomes.stream()
            .map(outcome -> outcome.recipient() + ": " + (outcome.isDelivered()
                ? outcome.reply().orElse("delivered") : outcome.failure().get().toString()))
            .collect(Collectors.joining("; "));
    }
}
