package dev.tlsprovenance.posture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The total bucket bound of a {@link Tally}: the oldest days go, the newest stay exact, memory stays put. */
class TallyBoundTest {
    private static final LocalDate FIRST = LocalDate.of(2026, 1, 1);

    @Test
    void theOldestDaysAreDroppedOnceTheBucketBoundIsReachedAndTheNewestStayExact() {
        for (int cap = 1; cap <= 40; cap += 3) {
            for (int domainsADay = 1; domainsADay <= 7; domainsADay += 2) {
                Tally tally = new Tally(Bucket.Shape.OUTBOUND, 5_000, cap);
                int days = 30;
                for (int d = 0; d < days; d++) {
                    for (int n = 0; n < domainsADay; n++) {
                        tally.bucket(FIRST.plusDays(d), "d" + n + ".test", "tls-policy.conf:1").add("attempts", 1);
                        tally.bucket(FIRST.plusDays(d), "d" + n + ".test", "tls-policy.conf:1").add("attempts", 1);
                    }
                    assertThat(tally.bucketCount()).as("cap %d, %d domains a day, day %d", cap, domainsADay, d)
                        .isLessThanOrEqualTo(Math.max(cap, domainsADay));
                }
                List<LocalDate> held = new ArrayList<>();
                tally.eachDay(held::add);
                assertThat(held).as("cap %d, %d a day", cap, domainsADay).last().isEqualTo(FIRST.plusDays(days - 1));
                int expectedDays = Math.max(1, Math.min(days, cap / domainsADay));
                assertThat(held).as("cap %d, %d a day", cap, domainsADay).hasSize(expectedDays);
                long[] total = new long[1];
                tally.forEach((day, domain, row, bucket) -> total[0] += bucket.get("attempts"));
                assertThat(total[0]).isEqualTo(2L * domainsADay * expectedDays);

                // A late line of a day dropped for the bound is not counted, and creates nothing.
                int before = tally.bucketCount();
                tally.bucket(FIRST, "late.test", "tls-policy.conf:1").add("attempts", 1);
                if (held.get(0).isAfter(FIRST)) {
                    assertThat(tally.bucketCount()).isEqualTo(before);
                    List<LocalDate> after = new ArrayList<>();
                    tally.eachDay(after::add);
                    assertThat(after).isEqualTo(held);
                }
            }
        }
    }

    @Test
    void copiesKeepTheBoundAndTheCount() {
        Tally tally = new Tally(Bucket.Shape.INBOUND, 5_000, 4);
        for (int d = 0; d < 10; d++) {
            tally.bucket(FIRST.plusDays(d), "a.test", "r:1").add("messages", 1);
            tally.bucket(FIRST.plusDays(d), "b.test", "r:1").add("messages", 1);
        }
        Tally copy = tally.copy();
        assertThat(copy.bucketCount()).isEqualTo(tally.bucketCount()).isEqualTo(4);
        copy.bucket(FIRST.plusDays(10), "c.test", "r:1");
        assertThat(copy.bucketCount()).isLessThanOrEqualTo(4);
        copy.dropBefore(FIRST.plusDays(10));
        assertThat(copy.bucketCount()).isEqualTo(1);
    }
}
