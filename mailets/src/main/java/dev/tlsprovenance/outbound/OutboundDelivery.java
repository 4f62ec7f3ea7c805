package dev.tlsprovenance.outbound;

import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Delivers one mail's recipients of one domain under that domain's outbound policy: tries the next hops in order
 * until one accepts a connection at the required TLS level, runs the transaction there, and reports per-recipient
 * outcomes plus one {@link HopAttempt} per hop tried. An attempt that ended before MAIL FROM is recorded with
 * {@code transport=none} and the reason; so is a domain for which no hop could be tried at all (no next hop, DNS
 * failure, unusable TLS material), so that every attempt leaves a record. Pure Java: no James types.
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
        OutboundTls tls;
        try {
            tls = tlsCache.forPolicy(policy);
        } catch (IOException | IllegalArgumentException e) {
            return notAttempted(domain, policy, envelope, attempt,
                DeliveryFailure.cryptographicFailure("TLS material of the policy unusable: " + e.getMessage()));
        }
        if (hops.isEmpty()) {
            return notAttempted(domain, policy, envelope, attempt, DeliveryFailure.network("no next hop found for " + domain));
        }
        List<HopAttempt> attempts = new ArrayList<>();
        DeliveryFailure lastFailure = null;
        for (NextHop hop : hops) {
            SmtpConnection connection;
            OutboundLevel hopLevel = SmtpConnector.effectiveLevel(policy.level(), hop, envelope.requireTls());
            try {
                connection = pool.borrow(hop, tls, hopLevel, envelope.requireTls());
            } catch (AttemptFailedException e) {
                lastFailure = envelope.requireTls() ? e.failure().underRequireTls() : e.failure();
                TlsProvenance record = e.facts().transport(Transport.NONE).recipientDomain(domain).attempt(attempt)
                    .time(clock.instant()).outcome(e.failure().toString()).build();
                attempts.add(HopAttempt.nothingSent(record, envelope.recipients(), lastFailure));
                continue;
            }
            if (envelope.requireTls() && !connection.offersRequireTls()) {
                pool.release(connection, tls);
                lastFailure = DeliveryFailure.requireTlsUnsupported(
                    "REQUIRETLS: next hop " + hop + " did not offer REQUIRETLS after STARTTLS");
                TlsProvenance record = record(connection, envelope, domain, attempt, lastFailure.toString())
                    .toBuilder().transport(Transport.NONE).build();
                attempts.add(HopAttempt.nothingSent(record, envelope.recipients(), lastFailure));
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
            attempts.add(HopAttempt.sent(record(connection, envelope, domain, attempt, summary(outcomes)), outcomes));
            return new DomainDeliveryResult(outcomes, attempts);
        }
        return failAll(envelope, lastFailure, attempts);
    }

    /**
     * The result for a domain whose recipients could not be tried at any hop (DNS failure, no next hop, unusable TLS
     * material): one record with {@code transport=none} and the reason, and the same failure for every recipient.
     */
    public DomainDeliveryResult notAttempted(String domain, OutboundPolicy policy, Envelope envelope, int attempt,
                                             DeliveryFailure failure) {
        DeliveryFailure reported = envelope.requireTls() ? failure.underRequireTls() : failure;
        TlsProvenance record = TlsProvenance.builder(Direction.OUTBOUND).transport(Transport.NONE)
            .localHost(pool.heloName()).remoteAddress("").recipientDomain(domain)
            .policyLevel(SmtpConnector.effectiveLevel(policy.level(), envelope.requireTls()).token())
            .requireTls(envelope.requireTls()).peerVerification(CertificateVerification.notChecked())
            .attempt(attempt).time(clock.instant()).outcome(failure.toString()).build();
        return failAll(envelope, reported, List.of(HopAttempt.nothingSent(record, envelope.recipients(), reported)));
    }

    /** The connection may have been opened for another mail: what belongs to this mail comes from its envelope. */
    private TlsProvenance record(SmtpConnection connection, Envelope envelope, String domain, int attempt, String outcome) {
        return connection.negotiated().toBuilder().recipientDomain(domain).attempt(attempt).requireTls(envelope.requireTls())
            .time(clock.instant()).outcome(outcome).build();
    }

    private static DomainDeliveryResult failAll(Envelope envelope, DeliveryFailure failure, List<HopAttempt> attempts) {
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
