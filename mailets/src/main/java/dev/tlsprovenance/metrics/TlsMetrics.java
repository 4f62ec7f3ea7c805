package dev.tlsprovenance.metrics;

import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.metrics.api.MetricFactory;

import dev.tlsprovenance.ledger.OutboundLedgerLine;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.provenance.TlsProvenance;

/**
 * James adapter: our counters ({@link TlsMetricNames}) in James's {@link MetricFactory}, so they appear wherever James's
 * metrics go (JMX domain {@code metrics}, WebAdmin {@code GET /metrics} with James's {@code MetricsRoutes}).
 * {@link #NONE} counts nothing, for hooks and mailets built without Guice.
 */
public class TlsMetrics {
    public static final TlsMetrics NONE = new TlsMetrics();

    private final MetricFactory factory;

    @Inject
    public TlsMetrics(MetricFactory factory) {
        this.factory = factory;
    }

    private TlsMetrics() {
        this.factory = null;
    }

    /** One mail received, by its transport and protocol. */
    public void inboundMail(TlsProvenance record) {
        increment(TlsMetricNames.inboundMail(record));
    }

    /** MAIL FROM or RCPT TO refused by a row's inbound rule. */
    public void inboundPolicyRefusal(boolean recipient) {
        increment(TlsMetricNames.inboundPolicyRefusal(recipient));
    }

    /** One delivery attempt to one hop: its outcome, its TLS failure if any, and whether the row's requirement stopped it. */
    public void outboundAttempt(TlsProvenance attempt, Optional<String> nothingSentBecause,
                                List<OutboundLedgerLine.Recipient> recipients) {
        String level = attempt.policyLevel().orElse("unknown");
        increment(TlsMetricNames.outboundAttempt(level, outcome(nothingSentBecause, recipients)));
        Optional<String> tlsFailure = TlsMetricNames.tlsFailureReason(attempt, nothingSentBecause);
        tlsFailure.ifPresent(reason -> increment(TlsMetricNames.outboundTlsFailure(reason)));
        if (tlsFailure.isPresent() && nothingSentBecause.isPresent() && requiresTls(level)) {
            increment(TlsMetricNames.outboundPolicyRefusal(level));
        }
    }

    static String outcome(Optional<String> nothingSentBecause, List<OutboundLedgerLine.Recipient> recipients) {
        if (nothingSentBecause.isPresent()) {
            return "not-sent";
        }
        if (recipients.stream().anyMatch(r -> r.result() == OutboundLedgerLine.Result.FAILED)) {
            return "failed";
        }
        if (recipients.stream().anyMatch(r -> r.result() == OutboundLedgerLine.Result.DEFERRED)) {
            return "deferred";
        }
        return "delivered";
    }

    private static boolean requiresTls(String level) {
        try {
            return OutboundLevel.parse(level).requiresTls();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void increment(String name) {
        if (factory != null) {
            factory.generate(name).increment();
        }
    }
}
