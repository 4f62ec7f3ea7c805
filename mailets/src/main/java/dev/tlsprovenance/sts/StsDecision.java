package dev.tlsprovenance.sts;

import java.util.Objects;
import java.util.Optional;

/**
 * What MTA-STS says about one policy domain, for delivery to act on (see {@link MtaSts#resolve(String)}):
 * <ul>
 *   <li>{@link Kind#NONE}: the domain publishes no usable MTA-STS record and nothing is cached: deliver as the
 *       default says;</li>
 *   <li>{@link Kind#POLICY}: a policy applies ({@link #policy()}, fresh or from the cache); its mode says what to
 *       do ({@code none}: as if there were no policy). A failed refresh of a cached policy is kept in
 *       {@link #refreshFailure()} so it can be reported while the cached policy is used;</li>
 *   <li>{@link Kind#FAILURE}: the domain publishes a record but no policy could be had and none is cached: RFC
 *       8461 section 5 says to deliver as if there were no policy, and the failure is recorded and reported with
 *       its RFC 8460 result type ({@link #failure()}).</li>
 * </ul>
 * Immutable.
 */
public final class StsDecision {
    /** The three outcomes. */
    public enum Kind {
        NONE("none"), POLICY("policy"), FAILURE("failure");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** Where a {@link Kind#POLICY} came from: fetched during this resolution, or the cache. */
    public enum Source {
        FRESH("fresh"), CACHED("cached");

        private final String word;

        Source(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    private final String domain;
    private final Kind kind;
    private final CachedStsPolicy policy;
    private final Source source;
    private final StsResultType failure;
    private final String reason;

    private StsDecision(String domain, Kind kind, CachedStsPolicy policy, Source source, StsResultType failure,
                        String reason) {
        this.domain = Objects.requireNonNull(domain);
        this.kind = kind;
        this.policy = policy;
        this.source = source;
        this.failure = failure;
        this.reason = reason == null ? "" : reason;
    }

    static StsDecision none(String domain, String reason) {
        return new StsDecision(domain, Kind.NONE, null, null, null, reason);
    }

    static StsDecision policy(String domain, CachedStsPolicy policy, Source source, StsResultType refreshFailure,
                              String reason) {
        return new StsDecision(domain, Kind.POLICY, Objects.requireNonNull(policy), Objects.requireNonNull(source),
                refreshFailure, reason);
    }

    static StsDecision failure(String domain, StsResultType failure, String reason) {
        return new StsDecision(domain, Kind.FAILURE, null, null, Objects.requireNonNull(failure), reason);
    }

    /** The policy domain asked about, lower case, no trailing dot. */
    public String domain() {
        return domain;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether delivery must apply a policy: {@link Kind#POLICY} in mode enforce or testing. */
    public boolean applies() {
        return kind == Kind.POLICY && policy.policy().mode() != StsMode.NONE;
    }

    /** The policy with its id and times; present only for {@link Kind#POLICY}. */
    public Optional<CachedStsPolicy> cached() {
        return Optional.ofNullable(policy);
    }

    /** The policy itself; present only for {@link Kind#POLICY}. */
    public Optional<StsPolicy> policy() {
        return policy == null ? Optional.empty() : Optional.of(policy.policy());
    }

    /** The mode, or empty when there is no policy. */
    public Optional<StsMode> mode() {
        return policy().map(StsPolicy::mode);
    }

    /** The TXT id of the policy in use; present only for {@link Kind#POLICY}. */
    public Optional<String> id() {
        return policy == null ? Optional.empty() : Optional.of(policy.id());
    }

    public Optional<Source> source() {
        return Optional.ofNullable(source);
    }

    /** For {@link Kind#FAILURE}: why there is no policy. */
    public Optional<StsResultType> failure() {
        return kind == Kind.FAILURE ? Optional.of(failure) : Optional.empty();
    }

    /** For {@link Kind#POLICY} from the cache: why a refresh failed (reported, the cached policy still used). */
    public Optional<StsResultType> refreshFailure() {
        return kind == Kind.POLICY ? Optional.ofNullable(failure) : Optional.empty();
    }

    /** One line of explanation (why none, what failed); may be empty. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        switch (kind) {
            case POLICY:
                return domain + " sts=policy source=" + source.word() + " id=" + policy.id() + " "
                        + policy.policy() + (failure == null ? "" : " refresh=" + failure + " (" + reason + ")");
            case FAILURE:
                return domain + " sts=failure result=" + failure + " (" + reason + ")";
            default:
                return domain + " sts=none (" + reason + ")";
        }
    }
}
