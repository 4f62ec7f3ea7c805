package dev.tlsprovenance.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.testing.dns.MutableClock;
import dev.tlsprovenance.testing.logging.CapturedLog;

/** {@link StsPolicyCache}: on disk, survives a new instance, expires by the injected clock, skips corrupt files. */
class StsPolicyCacheTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;

    static StsPolicy policy(long maxAge) throws StsSyntaxException {
        return StsPolicyParser.parse("version: STSv1\r\nmode: enforce\r\nmx: *.example.com\r\nmax_age: " + maxAge
                + "\r\n");
    }

    @Test
    void aReadOnlyCacheReadsTheServersFilesAndNeverWritesCreatesOrDeletesOne() throws Exception {
        MutableClock clock = new MutableClock(START);
        Path missing = dir.resolve("var/none");
        StsPolicyCache empty = StsPolicyCache.readOnly(missing, clock);
        assertThat(empty.get("example.com")).isEmpty();
        empty.put("example.com", "id0", policy(86400));
        assertThat(empty.get("example.com")).isPresent();
        assertThat(missing).doesNotExist();

        Path server = dir.resolve("var/mta-sts");
        CachedStsPolicy written = new StsPolicyCache(server, clock).put("example.com", "id1", policy(3600));
        String before = Files.readString(server.resolve("example.com.json"));
        StsPolicyCache reader = StsPolicyCache.readOnly(server, clock);
        assertThat(reader.writable()).isFalse();
        assertThat(reader.get("example.com")).contains(written);
        reader.put("example.com", "id2", policy(86400));
        reader.put("example.net", "id3", policy(86400));
        assertThat(reader.get("example.com").map(CachedStsPolicy::id)).contains("id2");
        assertThat(listing(server)).containsExactly("example.com.json");
        assertThat(Files.readString(server.resolve("example.com.json"))).isEqualTo(before);

        clock.advance(Duration.ofHours(2));
        StsPolicyCache later = StsPolicyCache.readOnly(server, clock);
        assertThat(later.get("example.com")).as("expired for the reader").isEmpty();
        assertThat(listing(server)).as("but the server's file stays for the server to drop").containsExactly("example.com.json");
    }

    @Test
    void aPolicySurvivesANewInstanceOnTheSameDirectoryAsWritten() throws Exception {
        MutableClock clock = new MutableClock(START);
        StsPolicyCache cache = new StsPolicyCache(dir.resolve("var/mta-sts"), clock);
        CachedStsPolicy put = cache.put("Example.COM.", "id1", policy(86400));
        assertThat(put.domain()).isEqualTo("example.com");
        assertThat(put.expires()).isEqualTo(START.plusSeconds(86400));

        Path file = dir.resolve("var/mta-sts/example.com.json");
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("domain").asText()).isEqualTo("example.com");
        assertThat(json.get("id").asText()).isEqualTo("id1");
        assertThat(json.get("fetched").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(json.get("expires").asText()).isEqualTo("2026-03-02T10:00:00Z");
        assertThat(json.get("policy").asText()).isEqualTo(policy(86400).text());
        assertThat(listing(dir.resolve("var/mta-sts"))).containsExactly("example.com.json");

        StsPolicyCache again = new StsPolicyCache(dir.resolve("var/mta-sts"), clock);
        assertThat(again.get("example.com")).contains(put);
        assertThat(again.get("EXAMPLE.com.")).contains(put);
        assertThat(again.get("other.com")).isEmpty();
    }

    @Test
    void anExpiredPolicyIsDroppedFromMemoryAndDisk() throws Exception {
        MutableClock clock = new MutableClock(START);
        StsPolicyCache cache = new StsPolicyCache(dir, clock);
        cache.put("example.com", "id1", policy(3600));
        clock.advance(Duration.ofSeconds(3599));
        assertThat(cache.get("example.com")).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.get("example.com")).isEmpty();
        assertThat(listing(dir)).isEmpty();

        cache.put("zero.com", "id0", policy(0));
        assertThat(cache.get("zero.com")).as("max_age 0 is never reused").isEmpty();

        cache.put("restart.com", "id2", policy(60));
        clock.advance(Duration.ofSeconds(61));
        assertThat(new StsPolicyCache(dir, clock).get("restart.com")).as("expired across a restart").isEmpty();
    }

    @Test
    void aNewerPolicyReplacesTheOldOneAtomically() throws Exception {
        MutableClock clock = new MutableClock(START);
        StsPolicyCache cache = new StsPolicyCache(dir, clock);
        cache.put("example.com", "id1", policy(3600));
        clock.advance(Duration.ofSeconds(10));
        cache.put("example.com", "id2", policy(7200));
        assertThat(new StsPolicyCache(dir, clock).get("example.com")).get()
                .satisfies(c -> {
                    assertThat(c.id()).isEqualTo("id2");
                    assertThat(c.expires()).isEqualTo(START.plusSeconds(7210));
                });
        assertThat(listing(dir)).containsExactly("example.com.json");
    }

    @Test
    void everyKindOfCorruptFileIsSkippedWithOneWarnNamingIt() throws Exception {
        MutableClock clock = new MutableClock(START);
        new StsPolicyCache(dir, clock).put("good.com", "id1", policy(86400));
        String valid = Files.readString(dir.resolve("good.com.json"));
        List<String[]> corrupt = List.of(
                new String[] {"empty.com.json", ""},
                new String[] {"notjson.com.json", "version: STSv1"},
                new String[] {"truncated.com.json", valid.substring(0, valid.length() / 2)},
                new String[] {"array.com.json", "[1,2]"},
                new String[] {"other.com.json", valid},
                new String[] {"noid.com.json", valid.replace("\"id\"", "\"xid\"").replace("good.com", "noid.com")},
                new String[] {"baddate.com.json", valid.replace("2026-03-01T10:00:00Z", "yesterday")
                        .replace("good.com", "baddate.com")},
                new String[] {"badpolicy.com.json", valid.replace("enforce", "enforcing")
                        .replace("good.com", "badpolicy.com")},
                new String[] {"Upper.com.json", valid.replace("good.com", "Upper.com")},
                new String[] {"bad_name.com.json", valid.replace("good.com", "bad_name.com")});
        for (String[] file : corrupt) {
            Files.write(dir.resolve(file[0]), file[1].getBytes(StandardCharsets.UTF_8));
        }
        try (CapturedLog log = CapturedLog.of(StsPolicyCache.class)) {
            StsPolicyCache cache = new StsPolicyCache(dir, clock);
            assertThat(cache.size()).isEqualTo(1);
            assertThat(cache.get("good.com")).isPresent();
            List<String> warnings = log.messages(Level.WARN);
            assertThat(warnings).hasSize(corrupt.size());
            for (String[] file : corrupt) {
                assertThat(warnings).as(file[0]).anyMatch(w -> w.contains(dir.resolve(file[0]).toString()));
            }
            assertThat(log.messages(Level.INFO)).isEmpty();
        }
        try (CapturedLog log = CapturedLog.of(StsPolicyCache.class)) {
            new StsPolicyCache(dir, clock).put("ok.com", "x", policy(10));
            assertThat(log.messages(Level.WARN)).hasSize(corrupt.size()).as("quiet when nothing new is wrong");
        }
    }

    private static List<String> listing(Path where) throws Exception {
        try (Stream<Path> files = Files.list(where)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted()
                    .collect(Collectors.toList());
        }
    }
}
