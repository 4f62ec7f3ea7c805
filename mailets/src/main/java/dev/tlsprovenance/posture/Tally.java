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
 * dropped by {@link #dropBefore}. Not thread-safe: {@link Posture} guards it.
 */
final class Tally {
    static final String OTHER_DOMAINS = "(other)";

    final Bucket.Shape shape;
    private final int domainsPerDay;
    private final NavigableMap<LocalDate, Map<String, Map<String, Bucket>>> days = new TreeMap<>();

    Tally(Bucket.Shape shape, int domainsPerDay) {
        this.shape = shape;
        this.domainsPerDay = domainsPerDay;
    }

    Bucket bucket(LocalDate day, String domain, String row) {
        Map<String, Map<String, Bucket>> domains = days.computeIfAbsent(day, d -> new HashMap<>());
        String key = domains.containsKey(domain) || domains.size() < domainsPerDay ? domain : OTHER_DOMAINS;
        return domains.computeIfAbsent(key, d -> new HashMap<>()).computeIfAbsent(row, r -> new Bucket(shape));
    }

    void dropBefore(LocalDate first) {
        days.headMap(first, false).clear();
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
    }

    void eachDay(Consumer<LocalDate> action) {
        days.keySet().forEach(action);
    }

    interface BucketVisitor {
        void visit(LocalDate day, String domain, String row, Bucket bucket);
    }
}
