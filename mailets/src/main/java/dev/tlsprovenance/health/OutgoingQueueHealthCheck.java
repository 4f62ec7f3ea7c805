package dev.tlsprovenance.health;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Degraded when a mail in an outgoing queue of {@code TlsPolicyRemoteDelivery} has been there longer than the
 * delivery's own retry schedule allows ({@link HealthSubjects.OutgoingQueue#longestStay()}): it should have been
 * delivered or bounced, so something holds it (the ledger cannot be written, the peer's TLS never works out while the
 * mail waits without using retries, the queue cannot store the next state). It reads what the delivery says it put
 * back to wait ({@link HealthSubjects.OutgoingQueue#oldestWaiting()}), not the queue itself: browsing James 3.8.1's JMS
 * queue logs an ERROR, and leaks a message source, for every mail delivered while it is browsed. Mail left in the
 * queue from before a restart is known from its first try after the restart. Register it in
 * {@code conf/healthcheck.properties}:
 * <pre>
 * additional.healthchecks=dev.tlsprovenance.health.OutgoingQueueHealthCheck
 * </pre>
 */
public final class OutgoingQueueHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("TLS outgoing queue");

    private final HealthSubjects subjects;
    private final Clock clock;

    @Inject
    public OutgoingQueueHealthCheck(HealthSubjects subjects) {
        this(subjects, Clock.systemUTC());
    }

    OutgoingQueueHealthCheck(HealthSubjects subjects, Clock clock) {
        this.subjects = subjects;
        this.clock = clock;
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
        List<String> stuck = new ArrayList<>();
        for (HealthSubjects.OutgoingQueue registered : subjects.outgoingQueues()) {
            registered.oldestWaiting().ifPresent(oldest -> {
                Duration age = Duration.between(oldest.arrival(), clock.instant());
                if (age.compareTo(registered.longestStay()) > 0) {
                    stuck.add("queue '" + registered.name() + "': mail " + oldest.name() + " (recipients at "
                            + String.join(", ", oldest.recipientDomains()) + ") has waited since " + oldest.arrival() + " ("
                            + age.toSeconds() + " s), longer than its retry schedule allows (" + registered.longestStay().toSeconds()
                            + " s: delays " + registered.schedule().delays() + ", maxRetries " + registered.maxRetries()
                            + ")" + oldest.lastError().map(error -> "; last error: " + error).orElse(""));
                }
            });
        }
        if (stuck.isEmpty()) {
            return Result.healthy(COMPONENT);
        }
        return Result.degraded(COMPONENT, String.join("; ", stuck) + ". Look at the last error, the TLS ledgers health"
                + " check and the server log; GET /mailQueues/<queue>/mails lists the queue");
    }
}
