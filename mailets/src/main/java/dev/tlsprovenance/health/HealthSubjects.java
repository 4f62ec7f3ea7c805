package dev.tlsprovenance.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Singleton;

import dev.tlsprovenance.outbound.RetrySchedule;

/**
 * What the running delivery mailets tell the health checks about themselves: the outgoing queues with the retry
 * schedule their delivery uses. (The ledgers they write are registered in {@code posture.LedgerLocations}, which the
 * posture and the ledger health check both read.) One instance for the mailets and the checks ({@code @Singleton}:
 * James builds both in one injector).
 */
@Singleton
public final class HealthSubjects {
    private final List<OutgoingQueue> queues = new CopyOnWriteArrayList<>();

    /** @return the registered queue, which the delivery tells about the mail it puts back to wait */
    public OutgoingQueue registerOutgoingQueue(String queueName, RetrySchedule schedule, int maxRetries) {
        OutgoingQueue queue = new OutgoingQueue(queueName, schedule, maxRetries);
        queues.removeIf(known -> known.name().equals(queueName));
        queues.add(queue);
        return queue;
    }

    public List<OutgoingQueue> outgoingQueues() {
        return List.copyOf(queues);
    }

    /**
     * A queue a delivery mailet takes mail from, how long its retries may keep a mail there, and the mail the delivery
     * put back to wait (a retry, a wait for the ledger, a held item), as the delivery tells it: {@link #waiting} when it
     * puts a mail back, {@link #taken} when it takes the mail again. The health check reads this instead of browsing
     * the queue, because James 3.8.1's JMS queue logs an ERROR (and leaks a message source) for every mail delivered
     * while it is being browsed. Mail still in the queue from before a restart is known from its first try after it.
     * At most {@value #MAX_WAITING} mails are followed (the first ones put back, so the oldest stay known).
     */
    public static final class OutgoingQueue {
        static final int MAX_WAITING = 100_000;

        private final String name;
        private final RetrySchedule schedule;
        private final int maxRetries;
        private final Map<String, WaitingMail> waiting = new ConcurrentHashMap<>();

        public OutgoingQueue(String name, RetrySchedule schedule, int maxRetries) {
            this.name = Objects.requireNonNull(name, "name");
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            this.maxRetries = maxRetries;
        }

        public String name() {
            return name;
        }

        public RetrySchedule schedule() {
            return schedule;
        }

        public int maxRetries() {
            return maxRetries;
        }

        /**
         * The longest a mail can rightly stay: every retry's wait, plus the longest wait once more for the attempts
         * themselves (connection and read timeouts) and the queue's own delay. An older mail should have been
         * delivered or bounced: something holds it (the ledger unwritable, the delivery not running, the queue broken).
         */
        public Duration longestStay() {
            Duration total = Duration.ZERO;
            Duration longest = Duration.ZERO;
            for (int retry = 1; retry <= maxRetries; retry++) {
                Duration delay = schedule.delayBeforeRetry(retry);
                total = total.plus(delay);
                longest = delay.compareTo(longest) > 0 ? delay : longest;
            }
            if (maxRetries == 0) {
                longest = schedule.delayBeforeRetry(1);
            }
            return total.plus(longest);
        }

        /** The delivery put this mail back into the queue to wait. */
        public void waiting(WaitingMail mail) {
            if (waiting.size() < MAX_WAITING || waiting.containsKey(mail.name())) {
                waiting.merge(mail.name(), mail, (known, again) -> again.sinceEarlier(known));
            }
        }

        /** The delivery took this mail from the queue again. */
        public void taken(String mailName) {
            waiting.remove(mailName);
        }

        /** The mail waiting longest, if any. */
        public Optional<WaitingMail> oldestWaiting() {
            return waiting.values().stream().min(Comparator.comparing(WaitingMail::arrival));
        }

        @Override
        public String toString() {
            return name + " (delays " + schedule.delays() + ", maxRetries " + maxRetries + ")";
        }
    }

    /**
     * A mail waiting in an outgoing queue: its name (to find it with {@code GET /mailQueues/<queue>/mails}), its
     * recipients' domains (no addresses: James serves {@code /healthcheck} without a token), when it first entered the
     * queue, and the last error of its delivery.
     */
    public static final class WaitingMail {
        private final String name;
        private final Set<String> recipientDomains;
        private final Instant arrival;
        private final Optional<String> lastError;

        public WaitingMail(String name, Set<String> recipientDomains, Instant arrival, Optional<String> lastError) {
            this.name = Objects.requireNonNull(name, "name");
            this.recipientDomains = Set.copyOf(new TreeSet<>(recipientDomains));
            this.arrival = Objects.requireNonNull(arrival, "arrival");
            this.lastError = Objects.requireNonNull(lastError, "lastError");
        }

        public String name() {
            return name;
        }

        public Set<String> recipientDomains() {
            return new TreeSet<>(recipientDomains);
        }

        public Instant arrival() {
            return arrival;
        }

        public Optional<String> lastError() {
            return lastError;
        }

        WaitingMail sinceEarlier(WaitingMail known) {
            return known.arrival.isBefore(arrival) ? new WaitingMail(name, recipientDomains, known.arrival, lastError) : this;
        }
    }
}
