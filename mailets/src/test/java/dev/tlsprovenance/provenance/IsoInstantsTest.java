package dev.tlsprovenance.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoInstantsTest {

    @Test
    void formatsExactlyAsInstantToString() {
        SplittableRandom random = new SplittableRandom(42);
        long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("+12000-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            int nanos = i % 4 == 0 ? 0
                : i % 4 == 1 ? random.nextInt(1000) * 1_000_000
                : i % 4 == 2 ? random.nextInt(1_000_000) * 1_000
                : random.nextInt(1_000_000_000);
            Instant instant = Instant.ofEpochSecond(random.nextLong(min, max), nanos);
            assertThat(IsoInstants.format(instant)).isEqualTo(instant.toString());
            assertThat(IsoInstants.parse(instant.toString())).isEqualTo(instant);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-29T10:58:19Z", "2026-11-29T10:58:19.5Z", "2026-11-29T10:58:19.123456789Z",
        "1970-01-01T00:00:00Z", "2024-02-29T23:59:59.000001Z", "9999-12-31T23:59:59.999999999Z",
        "0999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "2026-06-30T23:59:60Z"})
    void parsesWhatInstantParses(String text) {
        assertThat(IsoInstants.parse(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2026-11-29", "2026-11-29T10:58:19", "2026-11-29T10:58:19.Z", "2026-02-30T10:58:19Z",
        "2026-13-01T10:58:19Z", "2026-11-29T24:00:00Z", "2026-11-29T10:60:00Z", "2026-11-29T10:58:19.1234567890Z",
        "2026-11-29t10:58:19Z", "2026-11-29T1a:58:19Z", "\uff12\uff10\uff12\uff16-11-29T10:58:19Z"})
    void oddInputGetsTheJdksAnswer(String text) {
        Object expected;
        try {
            expected = Instant.parse(text);
        } catch (DateTimeParseException e) {
            expected = DateTimeParseException.class;
        }
        if (expected == DateTimeParseException.class) {
            assertThatThrownBy(() -> IsoInstants.parse(text)).isInstanceOf(DateTimeParseException.class);
        } else {
            assertThat(IsoInstants.parse(text)).isEqualTo(expected);
        }
    }
}
