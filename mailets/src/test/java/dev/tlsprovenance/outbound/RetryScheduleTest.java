package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    @Test
    void delaysInOrderThenTheLastRepeats() {
        RetrySchedule schedule = RetrySchedule.parse("5s, 1m, 5m");
        assertThat(schedule.delayBeforeRetry(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(schedule.delayBeforeRetry(2)).isEqualTo(Duration.ofMinutes(1));
        assertThat(schedule.delayBeforeRetry(3)).isEqualTo(Duration.ofMinutes(5));
        assertThat(schedule.delayBeforeRetry(9)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void remoteDeliveryRepeatSyntaxAndBareMilliseconds() {
        assertThat(RetrySchedule.parse("2*5s, 10m, 250").delays())
            .containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofMillis(250));
        assertThat(RetrySchedule.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(RetrySchedule.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void badTextIsNamed() {
        assertThatThrownBy(() -> RetrySchedule.parse("5s, soon"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("'soon' is not a duration (e.g. 250ms, 30s, 5m, 2h, 1d)");
        assertThatThrownBy(() -> RetrySchedule.parse(" , ")).hasMessage("no delay in ' , '");
    }
}
