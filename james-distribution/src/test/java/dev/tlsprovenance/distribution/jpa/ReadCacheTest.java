package dev.tlsprovenance.distribution.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** {@link ReadCache}: answers from memory until a write or the maximum age, and never puts back a pre-write answer. */
class ReadCacheTest {
    private final AtomicLong now = new AtomicLong();
    private final ReadCache<String, String> cache = new ReadCache<>(now::get, Duration.ofSeconds(30));
    private final AtomicInteger loads = new AtomicInteger();
    private volatile String stored = "old";

    private String load(String key) {
        loads.incrementAndGet();
        return key + "=" + stored;
    }

    @Test
    void secondReadIsFromMemory() {
        assertThat(cache.get("a", this::load)).isEqualTo("a=old");
        assertThat(cache.get("a", this::load)).isEqualTo("a=old");
        assertThat(loads).hasValue(1);
    }

    @Test
    void aWriteIsSeenByTheNextRead() {
        cache.get("a", this::load);
        stored = "new";
        cache.invalidateAll();
        assertThat(cache.get("a", this::load)).isEqualTo("a=new");
    }

    @Test
    void entriesExpireAfterTheMaximumAge() {
        cache.get("a", this::load);
        stored = "edited-by-hand";
        now.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(cache.get("a", this::load)).isEqualTo("a=old");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(cache.get("a", this::load)).isEqualTo("a=edited-by-hand");
    }

    /** The race Guava's cache leaves open: a read of the old value that ends after the write's invalidation. */
    @Test
    void aReadThatStartedBeforeAWriteDoesNotPutTheOldAnswerBack() {
        String answered = cache.get("a", key -> {
            String old = load(key);
            stored = "new";
            cache.invalidateAll();
            return old;
        });
        assertThat(answered).isEqualTo("a=old");
        assertThat(cache.get("a", this::load)).isEqualTo("a=new");
    }
}
