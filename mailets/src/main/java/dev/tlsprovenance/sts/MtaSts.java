package dev.tlsprovenance.sts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.tlsprovenance.dane.DnssecAnswer;
import dev.tlsprovenance.dane.DnssecLookups;

/**
 * MTA-STS policy discovery and caching for one sender (RFC 8461 sections 3 and 5.1): the one call delivery makes,
 * {@link #resolve(String)}, answers with a {@link StsDecision}. What it does, in order:
 * <ol>
 *   <li>Looks up the TXT records at {@code _mta-sts.<domain>} and selects the one {@code v=STSv1} record
 *       ({@link StsTxtRecord#select}).</li>
 *   <li>No valid record (none, several, invalid, or the lookup failed): the cached unexpired policy if there is
 *       one (the absence of a record does not withdraw a policy: a domain withdraws it by publishing
 *       {@code mode: none}), else {@link StsDecision.Kind#NONE}.</li>
 *   <li>A record whose id is the cached policy's: the cached policy, without a fetch.</li>
 *   <li>No cached policy, or a different id: a fetch. A fetched policy is cached for its {@code max_age} and used;
 *       a failed fetch leaves the cached unexpired policy in use (reported in
 *       {@link StsDecision#refreshFailure()}), or gives {@link StsDecision.Kind#FAILURE} with its RFC 8460 result
 *       type when nothing is cached.</li>
 * </ol>
 * Expired policies are never used ({@link StsPolicyCache#get} drops them).
 *
 * <p>Proactive refresh (optional in RFC 8461 section 5.1, done here in-line rather than by a background task): a
 * cached policy whose id is unchanged is fetched again once it is older than half its {@code max_age}, or one
 * day, whichever is shorter, so a policy in steady use never expires; a failed refresh keeps the cached policy.
 * A failed fetch of a domain is not repeated for {@code failureBackoff} (default 5 minutes) for the same TXT id,
 * so a queue of mail to a domain whose policy host is down pays the fetch timeout once, not once per message.
 *
 * <p>Thread-safe: resolutions of one domain are serialised (a striped lock), so concurrent deliveries fetch once.
 */
public final class MtaSts {
    /** The TXT lookup MTA-STS needs; {@link DnssecLookups#txt(String)} in the server. */
    @FunctionalInterface
    public interface TxtLookup {
        DnssecAnswer<List<String>> txt(String name);
    }

    static final Duration MAX_REFRESH_AGE = Duration.ofDays(1);
    private static final int LOCK_STRIPES = 64;
    /** Past this many remembered failures, the ones whose backoff is over are forgotten. */
    private static final int MAX_RECENT_FAILURES = 10_000;

    private final TxtLookup txt;
    private final StsPolicySource source;
    private final StsPolicyCache cache;
    private final Clock clock;
    private final Duration failureBackoff;
    private final Object[] locks = new Object[LOCK_STRIPES];
    private final Map<String, RecentFailure> recentFailures = new ConcurrentHashMap<>();

    public MtaSts(TxtLookup txt, StsPolicySource source, StsPolicyCache cache, Clock clock, Duration failureBackoff) {
        this.txt = Objects.requireNonNull(txt, "txt");
        this.source = Objects.requireNonNull(source, "source");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (failureBackoff == null || failureBackoff.isNegative()) {
            throw new IllegalArgumentException("failureBackoff must be >= 0: " + failureBackoff);
        }
        this.failureBackoff = failureBackoff;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** The server's wiring: TXT lookups through {@link DnssecLookups}, the HTTPS fetcher, a 5-minute backoff. */
    public static MtaSts create(DnssecLookups lookups, StsPolicyFetcher fetcher, StsPolicyCache cache, Clock clock) {
        return new MtaSts(lookups::txt, fetcher, cache, clock, Duration.ofMinutes(5));
    }

    /**
     * What MTA-STS says about mail to {@code domain} (the recipient domain, any case, trailing dot allowed).
     * Never throws for a bad domain or a failed lookup: those are {@link StsDecision.Kind#NONE}.
     */
    public StsDecision resolve(String domain) {
        Objects.requireNonNull(domain, "domain");
        String key = MxPattern.canonical(domain);
        Optional<String> problem = MxPattern.domainProblem(key);
        if (problem.isPresent()) {
            return StsDecision.none(key, "not a domain: " + problem.get());
        }
        synchronized (locks[Math.floorMod(key.hashCode(), LOCK_STRIPES)]) {
            return resolveLocked(key);
        }
    }

    private StsDecision resolveLocked(String domain) {
        Optional<CachedStsPolicy> cached = cache.get(domain);
        DnssecAnswer<List<String>> answer = txt.txt("_mta-sts." + domain);
        StsTxtRecord.Selection selection;
        if (answer.status().isFailure()) {
            selection = null;
        } else {
            List<String> records = new ArrayList<>();
            for (List<String> strings : answer.records()) {
                records.add(String.join("", strings));
            }
            selection = StsTxtRecord.select(records);
        }
        if (selection == null || selection.record().isEmpty()) {
            String why = selection == null
                    ? "TXT lookup of _mta-sts." + domain + " failed: " + answer.status() + " " + answer.reason()
                    : selection.reason();
            return cached.map(c -> StsDecision.policy(domain, c, StsDecision.Source.CACHED, null, why))
                    .orElseGet(() -> StsDecision.none(domain, why));
        }
        String id = selection.record().get().id();
        Instant now = clock.instant();
        if (cached.isPresent() && cached.get().id().equals(id) && !refreshDue(cached.get(), now)) {
            return StsDecision.policy(domain, cached.get(), StsDecision.Source.CACHED, null, "");
        }
        RecentFailure recent = recentFailures.get(domain);
        if (recent != null && recent.id.equals(id) && now.isBefore(recent.until)) {
            return afterFailure(domain, cached, recent.result);
        }
        StsFetchResult fetched = source.fetch(domain);
        if (fetched.policy().isPresent()) {
            recentFailures.remove(domain);
            return StsDecision.policy(domain, cache.put(domain, id, fetched.policy().get()),
                    StsDecision.Source.FRESH, null, "");
        }
        if (!failureBackoff.isZero()) {
            if (recentFailures.size() >= MAX_RECENT_FAILURES) {
                recentFailures.values().removeIf(f -> !now.isBefore(f.until));
            }
            recentFailures.put(domain, new RecentFailure(id, now.plus(failureBackoff), fetched));
        }
        return afterFailure(domain, cached, fetched);
    }

    private static StsDecision afterFailure(String domain, Optional<CachedStsPolicy> cached, StsFetchResult failed) {
        StsResultType type = failed.failure().orElseThrow();
        return cached.map(c -> StsDecision.policy(domain, c, StsDecision.Source.CACHED, type, failed.reason()))
                .orElseGet(() -> StsDecision.failure(domain, type, failed.reason()));
    }

    /** Older than half its max_age or {@link #MAX_REFRESH_AGE}, whichever is shorter. */
    static boolean refreshDue(CachedStsPolicy cached, Instant now) {
        Duration half = cached.policy().maxAge().dividedBy(2);
        Duration limit = half.compareTo(MAX_REFRESH_AGE) < 0 ? half : MAX_REFRESH_AGE;
        return !now.isBefore(cached.fetched().plus(limit));
    }

    private static final class RecentFailure {
        final String id;
        final Instant until;
        final StsFetchResult result;

        RecentFailure(String id, Instant until, StsFetchResult result) {
            this.id = id;
            this.until = until;
            this.result = result;
        }
    }
}
