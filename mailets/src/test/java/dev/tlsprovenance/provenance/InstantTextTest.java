package dev.tlsprovenance.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** {@link InstantText} must be {@link Instant#parse} exactly: same value, or the same refusal, for any text. */
class InstantTextTest {
    private static final String REPLACEMENTS = "0159-:.TtZz+ x\u0660";

    @Test
    void everyInstantAsInstantToStringWritesItIsReadBackExactly() {
        Random random = new Random(20261204);
        int checked = 0;
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextLong() % 253_402_300_800L;   // years 0001..9999 either side of 1970
            int[] precisions = {0, 1_000_000, 1_000, 1};
            int nanos = (random.nextInt(1_000_000_000) / precisions[1 + i % 3]) * precisions[1 + i % 3];
            Instant instant = Instant.ofEpochSecond(second, i % 4 == 0 ? 0 : nanos);
            String text = instant.toString();
            assertThat(InstantText.parse(text)).as(text).isEqualTo(instant);
            checked++;
        }
        assertThat(checked).isEqualTo(20_000);
    }

    /**
     * Every one-character replacement, deletion and insertion at every position of written instants (and of some
     * that are only valid for Instant.parse) gives Instant.parse's outcome: the same instant or a refusal.
     */
    @Test
    void everyOneCharacterChangeOfAnInstantIsReadOrRefusedAsInstantParseDoes() {
        List<String> bases = List.of("2026-12-04T20:43:18.267583578Z", "2026-12-04T20:43:18Z", "2024-02-29T23:59:59.5Z",
            "0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999999Z", "2026-12-31T23:59:60Z", "2026-01-01T24:00:00Z",
            "2026-12-04t20:43:18z", "2026-12-04T20:43:18+01:00", "+12026-12-04T20:43:18Z");
        Set<String> variants = new LinkedHashSet<>(bases);
        for (String base : bases) {
            for (int at = 0; at <= base.length(); at++) {
                if (at < base.length()) {
                    variants.add(base.substring(0, at) + base.substring(at + 1));
                }
                for (char c : REPLACEMENTS.toCharArray()) {
                    if (at < base.length()) {
                        variants.add(base.substring(0, at) + c + base.substring(at + 1));
                    }
                    variants.add(base.substring(0, at) + c + base.substring(at));
                }
            }
        }
        List<String> accepted = new ArrayList<>();
        for (String text : variants) {
            assertThat(outcome(() -> InstantText.parse(text))).as(text).isEqualTo(outcome(() -> Instant.parse(text)));
            if (!outcome(() -> Instant.parse(text)).startsWith("refused")) {
                accepted.add(text);
            }
        }
        assertThat(variants).hasSizeGreaterThan(3_000);
        assertThat(accepted).as("variants Instant.parse accepts").hasSizeGreaterThan(200);
    }

    private interface Parse {
        Instant run();
    }

    private static String outcome(Parse parse) {
        try {
            return "read " + parse.run();
        } catch (DateTimeParseException e) {
            return "refused";
        }
    }
}
