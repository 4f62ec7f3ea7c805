package dev.tlsprovenance.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.dane.DnssecAnswer;
import dev.tlsprovenance.dane.DnssecStatus;
import dev.tlsprovenance.testing.dns.MutableClock;

/** {@link MtaSts#resolve} with a fake TXT lookup and a fake fetcher: RFC 8461 section 5.1, case by case. */
class MtaStsTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String POLICY = "version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 86400\n";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(START);
    private final Map<String, DnssecAnswer<List<String>>> txt = new ConcurrentHashMap<>();
    private final FakeSource source = new FakeSource();

    private MtaSts mtaSts() {
        return new MtaSts(name -> txt.getOrDefault(name, DnssecAnswer.answered(name, "TXT",
                DnssecAnswer.Outcome.NXDOMAIN, List.of(), DnssecStatus.INSECURE, "", Duration.ZERO, List.of())),
                source, new StsPolicyCache(dir, clock), clock, Duration.ofMinutes(5));
    }

    private void publish(String domain, String... records) {
        List<List<String>> values = new ArrayList<>();
        for (String r : records) {
            values.add(List.of(r));
        }
        txt.put("_mta-sts." + domain, DnssecAnswer.answered("_mta-sts." + domain, "TXT",
                DnssecAnswer.Outcome.RECORDS, values, DnssecStatus.INSECURE, "", Duration.ofSeconds(300), List.of()));
    }

    @Test
    void noRecordNoPolicyAndNoFetch() {
        MtaSts sts = mtaSts();
        StsDecision decision = sts.resolve("example.com");
        assertThat(decision.kind()).isEqualTo(StsDecision.Kind.NONE);
        assertThat(decision.applies()).isFalse();
        assertThat(decision.reason()).contains("no TXT record");
        publish("two.com", "v=STSv1; id=1", "v=STSv1; id=2");
        assertThat(sts.resolve("two.com").kind()).isEqualTo(StsDecision.Kind.NONE);
        publish("bad.com", "v=STSv1; id=not-valid");
        assertThat(sts.resolve("bad.com").reason()).startsWith("invalid TXT record");
        assertThat(sts.resolve("not a domain").kind()).isEqualTo(StsDecision.Kind.NONE);
        assertThat(source.count()).isZero();
    }

    @Test
    void aRecordSplitIntoCharacterStringsAtAnyPositionIsConcatenated() {
        String record = "v=STSv1; id=20260301;";
        for (int cut = 0; cut <= record.length(); cut++) {
            String domain = "split" + cut + ".com";
            txt.put("_mta-sts." + domain, DnssecAnswer.answered("_mta-sts." + domain, "TXT",
                    DnssecAnswer.Outcome.RECORDS, List.of(List.of(record.substring(0, cut), record.substring(cut))),
                    DnssecStatus.INSECURE, "", Duration.ofSeconds(300), List.of()));
            source.serve(domain, POLICY);
            assertThat(mtaSts().resolve(domain).id()).as("cut at " + cut).contains("20260301");
        }
    }

    @Test
    void aFreshPolicyIsCachedAndReusedWhileTheIdIsUnchanged() {
        publish("example.com", "v=STSv1; id=one;");
        source.serve("example.com", POLICY);
        MtaSts sts = mtaSts();

        StsDecision first = sts.resolve("Example.COM.");
        assertThat(first.kind()).isEqualTo(StsDecision.Kind.POLICY);
        assertThat(first.domain()).isEqualTo("example.com");
        assertThat(first.source()).contains(StsDecision.Source.FRESH);
        assertThat(first.mode()).contains(StsMode.ENFORCE);
        assertThat(first.id()).contains("one");
        assertThat(first.applies()).isTrue();
        assertThat(first.toString()).isEqualTo("example.com sts=policy source=fresh id=one mode=enforce"
                + " mx=[*.example.com] max_age=86400");

        clock.advance(Duration.ofHours(1));
        StsDecision second = sts.resolve("example.com");
        assertThat(second.source()).contains(StsDecision.Source.CACHED);
        assertThat(second.policy()).isEqualTo(first.policy());
        assertThat(source.count()).isEqualTo(1);

        StsDecision afterRestart = mtaSts().resolve("example.com");
        assertThat(afterRestart.source()).as("a new instance reads the cache from disk")
                .contains(StsDecision.Source.CACHED);
        assertThat(source.count()).isEqualTo(1);
    }

    @Test
    void aChangedIdRefetchesAndAFailedRefetchKeepsTheCachedPolicy() {
        publish("example.com", "v=STSv1; id=one;");
        source.serve("example.com", POLICY);
        MtaSts sts = mtaSts();
        sts.resolve("example.com");

        publish("example.com", "v=STSv1; id=two;");
        source.serve("example.com", POLICY.replace("enforce", "testing"));
        StsDecision changed = sts.resolve("example.com");
        assertThat(changed.source()).contains(StsDecision.Source.FRESH);
        assertThat(changed.id()).contains("two");
        assertThat(changed.mode()).contains(StsMode.TESTING);
        assertThat(source.count()).isEqualTo(2);

        publish("example.com", "v=STSv1; id=three;");
        source.fail("example.com", StsResultType.STS_WEBPKI_INVALID);
        StsDecision failed = sts.resolve("example.com");
        assertThat(failed.kind()).isEqualTo(StsDecision.Kind.POLICY);
        assertThat(failed.source()).contains(StsDecision.Source.CACHED);
        assertThat(failed.id()).contains("two");
        assertThat(failed.refreshFailure()).contains(StsResultType.STS_WEBPKI_INVALID);
        assertThat(source.count()).isEqualTo(3);

        StsDecision backoff = sts.resolve("example.com");
        assertThat(backoff.refreshFailure()).contains(StsResultType.STS_WEBPKI_INVALID);
        assertThat(source.count()).as("no new fetch within the backoff").isEqualTo(3);

        clock.advance(Duration.ofMinutes(5));
        source.serve("example.com", POLICY);
        StsDecision recovered = sts.resolve("example.com");
        assertThat(recovered.id()).contains("three");
        assertThat(recovered.source()).contains(StsDecision.Source.FRESH);
        assertThat(recovered.refreshFailure()).isEmpty();
    }

    @Test
    void aFailedFetchWithNothingCachedIsAFailureWithItsResultType() {
        MtaSts sts = mtaSts();
        for (StsResultType type : StsResultType.values()) {
            String domain = type.word() + ".com";
            publish(domain, "v=STSv1; id=one;");
            source.fail(domain, type);
            StsDecision decision = sts.resolve(domain);
            assertThat(decision.kind()).isEqualTo(StsDecision.Kind.FAILURE);
            assertThat(decision.failure()).contains(type);
            assertThat(decision.applies()).isFalse();
            assertThat(decision.policy()).isEmpty();
            assertThat(decision.toString()).startsWith(domain + " sts=failure result=" + type.word());
        }
    }

    @Test
    void anExpiredPolicyIsDroppedAndTheRecordGoneMeansNothingWhileItIsValid() {
        publish("example.com", "v=STSv1; id=one;");
        source.serve("example.com", POLICY.replace("86400", "7200"));
        MtaSts sts = mtaSts();
        sts.resolve("example.com");

        txt.remove("_mta-sts.example.com");
        clock.advance(Duration.ofMinutes(30));
        StsDecision stillCached = sts.resolve("example.com");
        assertThat(stillCached.source()).as("a vanished TXT record does not withdraw the policy")
                .contains(StsDecision.Source.CACHED);
        txt.put("_mta-sts.example.com", DnssecAnswer.failed("_mta-sts.example.com", "TXT",
                DnssecStatus.INDETERMINATE, "resolver answered SERVFAIL"));
        assertThat(sts.resolve("example.com").source()).contains(StsDecision.Source.CACHED);

        clock.advance(Duration.ofMinutes(90));
        StsDecision expired = sts.resolve("example.com");
        assertThat(expired.kind()).isEqualTo(StsDecision.Kind.NONE);
        assertThat(expired.reason()).contains("SERVFAIL");
        assertThat(source.count()).isEqualTo(1);
    }

    @Test
    void modeNoneIsAPolicyThatDoesNotApply() {
        publish("example.com", "v=STSv1; id=gone;");
        source.serve("example.com", "version: STSv1\nmode: none\nmax_age: 86400\n");
        StsDecision decision = mtaSts().resolve("example.com");
        assertThat(decision.kind()).isEqualTo(StsDecision.Kind.POLICY);
        assertThat(decision.mode()).contains(StsMode.NONE);
        assertThat(decision.applies()).isFalse();
    }

    @Test
    void aPolicyInUseIsRefreshedProactivelyAfterHalfItsMaxAgeOrOneDay() {
        publish("example.com", "v=STSv1; id=one;");
        source.serve("example.com", POLICY.replace("86400", "7200"));
        MtaSts sts = mtaSts();
        sts.resolve("example.com");
        clock.advance(Duration.ofMinutes(59));
        sts.resolve("example.com");
        assertThat(source.count()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        StsDecision refreshed = sts.resolve("example.com");
        assertThat(refreshed.source()).contains(StsDecision.Source.FRESH);
        assertThat(refreshed.cached().get().expires()).isEqualTo(START.plus(Duration.ofHours(3)));
        assertThat(source.count()).isEqualTo(2);

        source.fail("example.com", StsResultType.STS_POLICY_FETCH_ERROR);
        clock.advance(Duration.ofHours(1));
        StsDecision kept = sts.resolve("example.com");
        assertThat(kept.source()).contains(StsDecision.Source.CACHED);
        assertThat(kept.refreshFailure()).contains(StsResultType.STS_POLICY_FETCH_ERROR);

        publish("year.com", "v=STSv1; id=y;");
        source.serve("year.com", POLICY.replace("86400", "31557600"));
        sts.resolve("year.com");
        int before = source.count();
        clock.advance(Duration.ofHours(23));
        sts.resolve("year.com");
        assertThat(source.count()).isEqualTo(before);
        clock.advance(Duration.ofHours(1));
        sts.resolve("year.com");
        assertThat(source.count()).as("at most a day between refreshes").isEqualTo(before + 1);
    }

    @Test
    void concurrentResolutionsOfOneDomainFetchOnce() throws Exception {
        publish("example.com", "v=STSv1; id=one;");
        CountDownLatch release = new CountDownLatch(1);
        source.serve("example.com", POLICY);
        source.gate = release;
        MtaSts sts = mtaSts();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<StsDecision>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> sts.resolve("example.com")));
            }
            release.countDown();
            for (Future<StsDecision> f : futures) {
                assertThat(f.get(10, TimeUnit.SECONDS).id()).contains("one");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(source.count()).isEqualTo(1);
    }

    /** Serves a policy text or a failure per domain and counts fetches. */
    static final class FakeSource implements StsPolicySource {
        private final Map<String, StsFetchResult> results = new ConcurrentHashMap<>();
        private final AtomicInteger fetches = new AtomicInteger();
        volatile CountDownLatch gate;

        void serve(String domain, String text) {
            try {
                results.put(domain, StsFetchResult.fetched(StsPolicyParser.parse(text)));
            } catch (StsSyntaxException e) {
                throw new AssertionError(e);
            }
        }

        void fail(String domain, StsResultType type) {
            results.put(domain, StsFetchResult.failed(type, "fake " + type.word()));
        }

        int count() {
            return fetches.get();
        }

        @Override
        public StsFetchResult fetch(String policyDomain) {
            fetches.incrementAndGet();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return results.getOrDefault(policyDomain,
                    StsFetchResult.failed(StsResultType.STS_POLICY_FETCH_ERROR, "nothing served"));
        }
    }
}
