package dev.tlsprovenance.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;

import org.apache.james.core.healthcheck.Result;
import org.apache.james.core.healthcheck.ResultStatus;
import org.junit.jupiter.api.Test;

import dev.tlsprovenance.outbound.RetrySchedule;
import reactor.core.publisher.Mono;

/** What the delivery says it put back to wait decides the check; the queue itself is never browsed. */
class OutgoingQueueHealthCheckTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private static Result check(HealthSubjects subjects, Instant now) {
        return Mono.from(new OutgoingQueueHealthCheck(subjects, Clock.fixed(now, ZoneOffset.UTC)).check()).block();
    }

    private static HealthSubjects.WaitingMail mail(String name, Instant arrival, String... domains) {
        return new HealthSubjects.WaitingMail(name, Set.of(domains), arrival, Optional.of("4.3.0 the outbound ledger cannot be written"));
    }

    @Test
    void aMailWaitingLongerThanItsScheduleAllowsDegradesTheCheckUntilTheDeliveryTakesIt() {
        for (String delays : new String[] {"1s", "5s, 1m", "2*5s, 30m"}) {
            for (int maxRetries = 0; maxRetries <= 3; maxRetries++) {
                HealthSubjects subjects = new HealthSubjects();
                HealthSubjects.OutgoingQueue queue = subjects.registerOutgoingQueue("outgoing-tls", RetrySchedule.parse(delays), maxRetries);
                Duration longest = queue.longestStay();
                assertThat(check(subjects, T0).getStatus()).isEqualTo(ResultStatus.HEALTHY);

                queue.waiting(mail("Mail-1", T0, "partner.test", "coexist.test"));
                assertThat(check(subjects, T0.plus(longest)).getStatus()).as("%s x%d at the limit", delays, maxRetries)
                    .isEqualTo(ResultStatus.HEALTHY);
                Result late = check(subjects, T0.plus(longest).plusSeconds(1));
                assertThat(late.getStatus()).as("%s x%d past the limit", delays, maxRetries).isEqualTo(ResultStatus.DEGRADED);
                assertThat(late.getCause()).get().asString()
                    .contains("queue 'outgoing-tls': mail Mail-1 (recipients at coexist.test, partner.test) has waited since " + T0)
                    .contains("last error: 4.3.0 the outbound ledger cannot be written")
                    .doesNotContain("@");

                queue.taken("Mail-1");
                assertThat(check(subjects, T0.plus(longest).plusSeconds(1)).getStatus()).isEqualTo(ResultStatus.HEALTHY);
            }
        }
    }

    @Test
    void aMailPutBackAgainKeepsItsFirstArrivalAndTheOldestIsNamed() {
        HealthSubjects subjects = new HealthSubjects();
        HealthSubjects.OutgoingQueue queue = subjects.registerOutgoingQueue("outgoing-tls", RetrySchedule.parse("1s"), 1);
        queue.waiting(mail("Mail-2", T0.plusSeconds(5), "b.test"));
        queue.waiting(mail("Mail-1", T0, "a.test"));
        queue.waiting(mail("Mail-1", T0.plusSeconds(30), "a.test"));
        assertThat(queue.oldestWaiting()).get().extracting(HealthSubjects.WaitingMail::name, HealthSubjects.WaitingMail::arrival)
            .containsExactly("Mail-1", T0);
        assertThat(check(subjects, T0.plusSeconds(60)).getCause()).get().asString().contains("mail Mail-1 ").doesNotContain("Mail-2");
    }

    @Test
    void reRegisteringAQueueStartsAfreshAndOnlyBoundedlyManyMailsAreFollowed() {
        HealthSubjects subjects = new HealthSubjects();
        HealthSubjects.OutgoingQueue first = subjects.registerOutgoingQueue("outgoing-tls", RetrySchedule.parse("1s"), 0);
        first.waiting(mail("Mail-old", T0, "a.test"));
        HealthSubjects.OutgoingQueue second = subjects.registerOutgoingQueue("outgoing-tls", RetrySchedule.parse("1s"), 0);
        assertThat(subjects.outgoingQueues()).containsExactly(second);
        assertThat(check(subjects, T0.plusSeconds(3600)).getStatus()).isEqualTo(ResultStatus.HEALTHY);

        for (int i = 0; i < HealthSubjects.OutgoingQueue.MAX_WAITING + 10; i++) {
            second.waiting(mail("Mail-" + i, T0.plusMillis(i), "a.test"));
        }
        second.taken("Mail-0");
        assertThat(second.oldestWaiting()).get().extracting(HealthSubjects.WaitingMail::name).isEqualTo("Mail-1");
    }
}
