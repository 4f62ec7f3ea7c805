package dev.tlsprovenance.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;

import dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Degraded when the oldest mail in an outgoing queue of {@code TlsPolicyRemoteDelivery} has been there longer than the
 * delivery's own retry schedule allows ({@link HealthSubjects.OutgoingQueue#longestStay()}): it should have been
 * delivered or bounced, so something holds it (the ledger cannot be written, the peer's TLS never works out while the
 * mail waits without using retries, the delivery is not running). Reads the queue through James's
 * {@link ManageableMailQueue#browse()}, at most {@value #MAX_BROWSED} mails. Register it in
 * {@code conf/healthcheck.properties}:
 * <pre>
 * additional.healthchecks=dev.tlsprovenance.health.OutgoingQueueHealthCheck
 * </pre>
 */
public final class OutgoingQueueHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("TLS outgoing queue");
    static final int MAX_BROWSED = 100_000;

    private final HealthSubjects subjects;
    private final MailQueueFactory<?> queues;
    private final Clock clock;

    @Inject
    public OutgoingQueueHealthCheck(HealthSubjects subjects, MailQueueFactory<?> queues) {
        this(subjects, queues, Clock.systemUTC());
    }

    OutgoingQueueHealthCheck(HealthSubjects subjects, MailQueueFactory<?> queues, Clock clock) {
        this.subjects = subjects;
        this.queues = queues;
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

    private Result judge() throws Exception {
        List<String> stuck = new ArrayList<>();
        for (HealthSubjects.OutgoingQueue registered : subjects.outgoingQueues()) {
            Optional<? extends MailQueue> queue = queues.getQueue(MailQueueName.of(registered.name()));
            if (queue.isPresent() && queue.get() instanceof ManageableMailQueue) {
                oldest((ManageableMailQueue) queue.get()).ifPresent(oldest -> {
                    Duration age = Duration.between(oldest.arrival, clock.instant());
                    if (age.compareTo(registered.longestStay()) > 0) {
                        stuck.add("queue '" + registered.name() + "': mail " + oldest.name + " (recipients at "
                                + String.join(", ", oldest.recipientDomains) + ") has waited since " + oldest.arrival + " (" + age.toSeconds()
                                + " s), longer than its retry schedule allows (" + registered.longestStay().toSeconds()
                                + " s: delays " + registered.schedule().delays() + ", maxRetries " + registered.maxRetries()
                                + ")" + oldest.lastError.map(error -> "; last error: " + error).orElse(""));
                    }
                });
            }
        }
        if (stuck.isEmpty()) {
            return Result.healthy(COMPONENT);
        }
        return Result.degraded(COMPONENT, String.join("; ", stuck) + ". Look at the last error, the TLS ledgers health"
                + " check and the server log; GET /mailQueues/<queue>/mails lists the queue");
    }

    private Optional<QueuedMail> oldest(ManageableMailQueue queue) throws Exception {
        QueuedMail oldest = null;
        ManageableMailQueue.MailQueueIterator items = queue.browse();
        try {
            for (int browsed = 0; items.hasNext() && browsed < MAX_BROWSED; browsed++) {
                Mail mail = items.next().getMail();
                try {
                    QueuedMail queued = QueuedMail.of(mail);
                    if (oldest == null || queued.arrival.isBefore(oldest.arrival)) {
                        oldest = queued;
                    }
                } finally {
                    LifecycleUtil.dispose(mail);
                }
            }
        } finally {
            items.close();
        }
        return Optional.ofNullable(oldest);
    }

    /**
     * What the message says of the oldest mail: its name (to find it with {@code GET /mailQueues/<queue>/mails}) and its
     * recipients' domains, no addresses: James serves {@code /healthcheck} without a token.
     */
    private static final class QueuedMail {
        private final String name;
        private final Set<String> recipientDomains;
        private final Instant arrival;
        private final Optional<String> lastError;

        private QueuedMail(String name, Set<String> recipientDomains, Instant arrival, Optional<String> lastError) {
            this.name = name;
            this.recipientDomains = recipientDomains;
            this.arrival = arrival;
            this.lastError = lastError;
        }

        static QueuedMail of(Mail mail) {
            Instant arrival = mail.getAttribute(TlsPolicyRemoteDelivery.ARRIVAL)
                    .flatMap(attribute -> attribute.getValue().valueAs(Long.class))
                    .map(Instant::ofEpochMilli)
                    .orElseGet(() -> mail.getLastUpdated() == null ? Instant.now() : mail.getLastUpdated().toInstant());
            Set<String> domains = new TreeSet<>();
            for (MailAddress recipient : mail.getRecipients()) {
                domains.add(recipient.getDomain().asString());
            }
            Optional<String> lastError = mail.getAttribute(TlsPolicyRemoteDelivery.LAST_ERROR)
                    .flatMap(attribute -> attribute.getValue().valueAs(String.class));
            return new QueuedMail(mail.getName(), domains, arrival, lastError);
        }
    }
}
