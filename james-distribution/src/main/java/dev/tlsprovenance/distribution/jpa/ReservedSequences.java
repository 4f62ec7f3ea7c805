package dev.tlsprovenance.distribution.jpa;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-mailbox counters (message UIDs, mod-sequences) handed out from blocks reserved in the database, so that a
 * delivery does not open a database transaction of its own for each number it takes.
 *
 * <p>Why: James 3.8.1's JPA providers run one transaction per UID and one per mod-sequence, under the mailbox's write
 * lock; with the message insert and the quota update that is four commits in a row per delivery into one mailbox, and
 * the first two were 30% of the time spent under that lock (JFR, BENCHMARKS.md "Into the mailbox"). Here the database
 * column holds the <em>reserved</em> high-water mark; numbers below it are handed out from memory. The column is
 * written (and committed) before any number of a new block is used, so a number is never handed out twice, across
 * restarts and crashes too: after a restart counting resumes above the last reservation. The price is a gap of at
 * most {@link #BLOCK} unused numbers per mailbox per restart, which IMAP allows (UIDs and mod-sequences must only
 * grow; RFC 3501 §2.3.1.1, RFC 7162 §3.1.1).
 *
 * <p>One server per database: a second server writing the same mailboxes would hand out numbers from its own blocks
 * (the shipped configuration runs one server; James's JPA server has the same single-writer assumption for its
 * mailbox locks, which are in the JVM).
 */
final class ReservedSequences {
    /** Numbers reserved per database write. */
    static final long BLOCK = 64;

    /** Reads the reserved high-water mark of a mailbox, or writes a new one and commits it. */
    interface Store {
        long reserved(long mailboxId) throws Exception;

        /** Raises the reserved mark by {@code count} and commits; returns the new mark. */
        long reserve(long mailboxId, long count) throws Exception;
    }

    private final Store store;
    private final ConcurrentHashMap<Long, Counter> counters = new ConcurrentHashMap<>();

    ReservedSequences(Store store) {
        this.store = store;
    }

    /** The next number of the mailbox (the first one is 1). */
    long next(long mailboxId) throws Exception {
        Counter counter = counter(mailboxId);
        synchronized (counter) {
            if (!counter.loaded) {
                load(counter, mailboxId);
            }
            if (counter.last == counter.reserved) {
                counter.reserved = store.reserve(mailboxId, BLOCK);
            }
            counter.last++;
            return counter.last;
        }
    }

    /** The last number handed out (0: none yet); after a restart, the last reservation. */
    long last(long mailboxId) throws Exception {
        Counter counter = counter(mailboxId);
        synchronized (counter) {
            if (!counter.loaded) {
                load(counter, mailboxId);
            }
            return counter.last;
        }
    }

    private void load(Counter counter, long mailboxId) throws Exception {
        long reserved = store.reserved(mailboxId);
        counter.reserved = reserved;
        counter.last = reserved;
        counter.loaded = true;
    }

    private Counter counter(long mailboxId) {
        return counters.computeIfAbsent(mailboxId, id -> new Counter());
    }

    private static final class Counter {
        private boolean loaded;
        private long last;
        private long reserved;
    }
}
