package dev.tlsprovenance.health;

import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import dev.tlsprovenance.ledger.Ledger;
import dev.tlsprovenance.posture.LedgerLocations;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Unhealthy while a TLS ledger (outbound of {@code TlsPolicyRemoteDelivery}, inbound of {@code EnforceInboundTlsPolicy})
 * cannot be written: the ledger's own probe (open for append, free space), which writes nothing. Register it in
 * {@code conf/healthcheck.properties}:
 * <pre>
 * additional.healthchecks=dev.tlsprovenance.health.LedgerHealthCheck
 * </pre>
 */
public final class LedgerHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("TLS ledgers");

    private final LedgerLocations ledgers;

    @Inject
    public LedgerHealthCheck(LedgerLocations ledgers) {
        this.ledgers = ledgers;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(this::judge).subscribeOn(Schedulers.boundedElastic());
    }

    private Result judge() {
        List<String> unwritable = new ArrayList<>();
        for (Ledger ledger : ledgers.ledgers()) {
            if (!ledger.isWritable()) {
                unwritable.add(ledger.name() + " " + ledger.file());
            }
        }
        if (unwritable.isEmpty()) {
            return Result.healthy(COMPONENT);
        }
        return Result.unhealthy(COMPONENT, "cannot be written: " + String.join(", ", unwritable)
                + ". Free disk space or fix the permissions of the file and its directory (the server log names the"
                + " cause); outbound mail whose row needs the record waits in the queue until then");
    }
}
