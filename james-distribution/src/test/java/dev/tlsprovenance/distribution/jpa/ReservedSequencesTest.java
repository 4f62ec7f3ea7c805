package dev.tlsprovenance.distribution.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The numbering rules of {@link ReservedSequences}, against an in-memory "database column" per mailbox. */
class ReservedSequencesTest {

    /** The committed column values, as a database would keep them across restarts. */
    private static final class Column implements ReservedSequences.Store {
        final Map<Long, Long> committed = new HashMap<>();
        int writes;
        boolean failNextWrite;

        @Override
        public synchronized long reserved(long mailboxId) {
            return committed.getOrDefault(mailboxId, 0L);
        }

        @Override
        public synchronized long reserve(long mailboxId, long count) {
            if (failNextWrite) {
                failNextWrite = false;
                throw new IllegalStateException("disk full");
            }
            writes++;
            long mark = committed.getOrDefault(mailboxId, 0L) + count;
            committed.put(mailboxId, mark);
            return mark;
        }
    }

    @Test
    void numbersStartAtOneAndOneWritePerBlock() throws Exception {
        Column column = new Column();
        ReservedSequences sequences = new ReservedSequences(column);
        assertThat(sequences.last(7)).isZero();
        for (long expected = 1; expected <= 3 * ReservedSequences.BLOCK; expected++) {
            assertThat(sequences.next(7)).isEqualTo(expected);
            assertThat(sequences.last(7)).isEqualTo(expected);
        }
        assertThat(column.writes).isEqualTo(3);
        assertThat(column.committed.get(7L)).isEqualTo(3 * ReservedSequences.BLOCK);
    }

    /** A restart (a new instance on the same column) after every count of numbers taken, 0 to 2 blocks and a bit. */
    @Test
    void afterARestartAtAnyPointNumbersStayAboveEveryNumberHandedOut() throws Exception {
        for (int taken = 0; taken <= 2 * ReservedSequences.BLOCK + 3; taken++) {
            Column column = new Column();
            ReservedSequences before = new ReservedSequences(column);
            long highest = 0;
            for (int i = 0; i < taken; i++) {
                highest = before.next(1);
            }
            ReservedSequences after = new ReservedSequences(column);
            assertThat(after.last(1)).as("last after restart, %d taken", taken).isGreaterThanOrEqualTo(highest)
                .isLessThanOrEqualTo(highest + ReservedSequences.BLOCK);
            long next = after.next(1);
            assertThat(next).as("first number after restart, %d taken", taken).isGreaterThan(highest)
                .isGreaterThan(after.last(1) - 1);
            assertThat(next - highest).as("gap after restart, %d taken", taken).isLessThanOrEqualTo(ReservedSequences.BLOCK + 1);
        }
    }

    @Test
    void mailboxesCountSeparately() throws Exception {
        ReservedSequences sequences = new ReservedSequences(new Column());
        assertThat(sequences.next(1)).isEqualTo(1);
        assertThat(sequences.next(2)).isEqualTo(1);
        assertThat(sequences.next(1)).isEqualTo(2);
        assertThat(sequences.last(2)).isEqualTo(1);
    }

    @Test
    void aFailedReservationHandsOutNothingAndTheNextCallRetries() throws Exception {
        Column column = new Column();
        ReservedSequences sequences = new ReservedSequences(column);
        for (int i = 0; i < ReservedSequences.BLOCK; i++) {
            sequences.next(1);
        }
        column.failNextWrite = true;
        assertThatThrownBy(() -> sequences.next(1)).hasMessage("disk full");
        assertThat(sequences.last(1)).isEqualTo(ReservedSequences.BLOCK);
        assertThat(sequences.next(1)).isEqualTo(ReservedSequences.BLOCK + 1);
    }

    @Test
    void concurrentTakersNeverGetTheSameNumber() throws Exception {
        ReservedSequences sequences = new ReservedSequences(new Column());
        ConcurrentLinkedQueue<Long> taken = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 500; i++) {
                    taken.add(sequences.next(3));
                }
                return null;
            }));
        }
        start.countDown();
        for (java.util.concurrent.Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(taken).hasSize(4000).doesNotHaveDuplicates();
        assertThat(taken.stream().mapToLong(Long::longValue).max().getAsLong()).isEqualTo(4000);
    }
}
