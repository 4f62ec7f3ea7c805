package dev.tlsprovenance.posture;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The buckets of one ledger: UTC day -> recipient domain -> policy row -> {@link Bucket}. Bounded: at most
 * {@code domainsPerDay} distinct domains in one day (the rest are counted under {@value #OTHER_DOMAINS}); days are
 * dropped by {@link #dropBefore}. And at most {@code maxBuckets} buckets in all (default {@value #MAX_BUCKETS}, about
 * 50 MiB at ~2.5 KiB a bucket): the day and domain bounds alone allow 400 x 5,000 buckets, several GiB, more than the
 * server's heap, which a server sending to thousands of domains a day would reach within weeks. When a new bucket
 * would pass it, the oldest day is dropped (retention shrinks, the newest days stay exact); lines of a day already
 * dropped that way are not counted. Not thread-safe: {@link Posture} guards it.
 */
final class Tally {
    static final String OTHER_DOMAINS = "(other)";

    static final int MAX_BUCKETS = 20_000;

    final Bucket.Shape shape;
    private final int domainsPerDay;
    private final int maxBuckets;
    private final NavigableMap<LocalDate, Map<String, Map<String, Bucket>>> days = new TreeMap<>();
    private int buckets;
    private LocalDate droppedThrough = LocalDate.MIN;

    Tally(Bucket.Shape shape, int domainsPerDay) {
        this(shape, domainsPerDay, MAX_BUCKETS);
    }

    Tally(Bucket.Shape shape, int domainsPerDay, int maxBuckets) {
        if (maxBuckets < 1) {
            throw new IllegalArgumentException("maxBuckets must be >= 1, not " + maxBuckets);
        }
        this.shape = shape;
        this.domainsPerDay = domainsPerDay;
        this.maxBuckets = maxBuckets;
    }

    Bucket bucket(LocalDate day, String domain, String row) {
        if (!day.isAfter(droppedThrough)) {
            return new Bucket(shape);
        }
        Map<String, Map<String, Bucket>> domains = days.computeIfAbsent(day, d -> new HashMap<>());
        String key = domains.containsKey(domain) || domains.size() < domainsPerDay ? domain : OTHER_DOMAINS;
        Map<String, Bucket> rows = domains.computeIfAbsent(key, d -> new HashMap<>());
        Bucket known = rows.get(row);
        if (known != null) {
            return known;
        }
        while (buckets >= maxBuckets && days.firstKey().isBefore(day)) {
            Map.Entry<LocalDate, Map<String, Map<String, Bucket>>> oldest = days.pollFirstEntry();
            buckets -= countOf(oldest.getValue());
            droppedThrough = oldest.getKey();
        }
        Bucket created = new Bucket(shape);
        rows.put(row, created);
        buckets++;
        return created;
    }

    private static int countOf(Map<String, Map<String, Bucket>> domains) {
        return domains.values().stream().mapToInt(Map::size).sum();
    }

    int bucketCount() {
        return buckets;
    }

    Tally copy() {
        Tally copy = new Tally(shape, domainsPerDay, maxBuckets);
        forEach((day, domain, row, bucket) -> copy.days.computeIfAbsent(day, d -> new HashMap<>())
            .computeIfAbsent(domain, d -> new HashMap<>()).put(row, bucket.copy()));
        copy.buckets = buckets;
        copy.droppedThrough = droppedThrough;
        return copy;
    }

    void dropBefore(LocalDate first) {
        Map<LocalDate, Map<String, Map<String, Bucket>>> old = days.headMap(first, false);
        old.values().forEach(domains -> buckets -= countOf(domains));
        old.clear();
    }

    /** Visits every bucket of the days from {@code first} to {@code last}, both included. */
    void forEach(LocalDate first, LocalDate last, BucketVisitor visitor) {
        if (first.isAfter(last)) {
            return;
        }
        days.subMap(first, true, last, true).forEach((day, domains) -> domains.forEach((domain, rows) ->
            rows.forEach((row, bucket) -> visitor.visit(day, domain, row, bucket))));
    }

    void forEach(BucketVisitor visitor) {
        days.forEach((day, domains) -> domains.forEach((domain, rows) ->
            rows.forEach((row, bucket) -> visitor.visit(day, domain, row, bucket))));
    }

    int dayCount() {
        return days.size();
    }

    void clear() {
        days.clear();
        buckets = 0;
        droppedThrough = LocalDate.MIN;
    }

    void eachDay(Consumer<LocalDate> action) {
        days.keySet().forEach(action);
    }

    interface BucketVisitor {
        void visit(LocalDate day, String domain, String row, Bucket bucket);
    }
}
