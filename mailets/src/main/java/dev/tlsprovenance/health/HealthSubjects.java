package dev.tlsprovenance.health;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
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

    public void registerOutgoingQueue(String queueName, RetrySchedule schedule, int maxRetries) {
        queues.removeIf(known -> known.name().equals(queueName));
        queues.add(new OutgoingQueue(queueName, schedule, maxRetries));
    }

    public List<OutgoingQueue> outgoingQueues() {
        return List.copyOf(queues);
    }

    /** A queue a delivery mailet takes mail from, and how long its retries may keep a mail there. */
    public static final class OutgoingQueue {
        private final String name;
        private final RetrySchedule schedule;
        private final int maxRetries;

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

        @Override
        public String toString() {
            return name + " (delays " + schedule.delays() + ", maxRetries " + maxRetries + ")";
        }
    }
}
