package dev.tlsprovenance.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.dane.DnssecAnswer.Outcome;

/** The invariants of {@link DnssecAnswer}: a failure carries nothing usable, an answer is never a failure. */
class DnssecAnswerTest {

    @Test
    void everyStatusOutcomePairIsEitherAnAnswerOrAFailureNeverBoth() {
        for (DnssecStatus status : DnssecStatus.values()) {
            for (Outcome outcome : Outcome.values()) {
                boolean allowed = status.isFailure() == (outcome == Outcome.FAILED);
                if (allowed) {
                    assertThat(DnssecAnswer.answered("a.test", "A", outcome, List.of(), status, "", Duration.ZERO,
                            List.of()).status()).isEqualTo(status);
                } else {
                    assertThatThrownBy(() -> DnssecAnswer.answered("a.test", "A", outcome, List.of(), status, "",
                            Duration.ZERO, List.of())).as(status + " " + outcome)
                            .isInstanceOf(IllegalArgumentException.class);
                }
            }
        }
        assertThatThrownBy(() -> DnssecAnswer.failed("a.test", "A", DnssecStatus.SECURE, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnssecAnswer.failed("a.test", "A", DnssecStatus.INSECURE, "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordsAndChainAreCopiedAndUnmodifiable() {
        List<String> records = new ArrayList<>(List.of("r1"));
        List<String> chain = new ArrayList<>(List.of("a.test", "b.test"));
        DnssecAnswer<String> answer = DnssecAnswer.answered("a.test", "A", Outcome.RECORDS, records,
                DnssecStatus.SECURE, null, Duration.ofSeconds(60), chain);
        records.add("r2");
        chain.add("c.test");

        assertThat(answer.records()).containsExactly("r1");
        assertThat(answer.cnameChain()).containsExactly("a.test", "b.test");
        assertThat(answer.canonicalName()).isEqualTo("b.test");
        assertThat(answer.reason()).isEmpty();
        assertThatThrownBy(() -> answer.records().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(DnssecAnswer.failed("a.test", "A", DnssecStatus.BOGUS, "why").cnameChain())
                .containsExactly("a.test");
    }
}
