package dev.tlsprovenance.distribution.jpa;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A read cache in front of one of James's JPA stores (domains, users, recipient rewrites), emptied by every write
 * that goes through the same store object, so a change made with WebAdmin or the CLI applies to the next mail at once.
 * Entries also expire after {@link #MAX_AGE}, the bound on how long a change written into the database by something
 * else (SQL by hand) goes unseen.
 *
 * <p>Hand-written rather than Guava's cache because of one race it does not close: a read that started before a write
 * and finishes after the write's invalidation must not put the old answer back. Each entry records the generation it
 * was read in; a write starts a new generation, and entries of an older one are never answered.
 *
 * <p>Why a cache at all: every delivered mail asks the database whether its domain is local, whether its recipient
 * is a user, and for the recipient's rewrites (two queries), each in an entity manager of its own; JFR put these at
 * about a quarter of the mail spool's time (BENCHMARKS.md, "Into the mailbox").
 */
final class ReadCache<K, V> {
    static final Duration MAX_AGE = Duration.ofSeconds(30);
    private static final int MAX_ENTRIES = 10_000;

    /** Reads the store. */
    @FunctionalInterface
    interface Loader<K, V, E extends Exception> {
        V load(K key) throws E;
    }

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final LongSupplier nanoClock;
    private final long maxAgeNanos;

    ReadCache() {
        this(System::nanoTime, MAX_AGE);
    }

    ReadCache(LongSupplier nanoClock, Duration maxAge) {
        this.nanoClock = nanoClock;
        this.maxAgeNanos = maxAge.toNanos();
    }

    <E extends Exception> V get(K key, Loader<K, V, E> loader) throws E {
        long now = nanoClock.getAsLong();
        long current = generation.get();
        Entry<V> entry = entries.get(key);
        if (entry != null && entry.generation == current && now - entry.readAt < maxAgeNanos) {
            return entry.value;
        }
        V value = loader.load(key);
        if (value != null && generation.get() == current) {
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(key, new Entry<>(value, current, now));
        }
        return value;
    }

    /** After a write: nothing read before it is answered again. */
    void invalidateAll() {
        generation.incrementAndGet();
        entries.clear();
    }

    private static final class Entry<V> {
        private final V value;
        private final long generation;
        private final long readAt;

        private Entry(V value, long generation, long readAt) {
            this.value = value;
            this.generation = generation;
            this.readAt = readAt;
        }
    }
}
