package dev.tlsprovenance.sts;

import java.util.Objects;
import java.util.Optional;

/** A fetched policy, or why there is none, with its RFC 8460 result type. Immutable. */
public final class StsFetchResult {
    private final StsPolicy policy;
    private final StsResultType failure;
    private final String reason;

    private StsFetchResult(StsPolicy policy, StsResultType failure, String reason) {
        this.policy = policy;
        this.failure = failure;
        this.reason = reason;
    }

    public static StsFetchResult fetched(StsPolicy policy) {
        return new StsFetchResult(Objects.requireNonNull(policy), null, "");
    }

    public static StsFetchResult failed(StsResultType type, String reason) {
        return new StsFetchResult(null, Objects.requireNonNull(type), Objects.requireNonNull(reason));
    }

    public Optional<StsPolicy> policy() {
        return Optional.ofNullable(policy);
    }

    /** The result type of a failure; empty when a policy was fetched. */
    public Optional<StsResultType> failure() {
        return Optional.ofNullable(failure);
    }

    /** What went wrong, in one line (empty on success). */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return policy != null ? "fetched " + policy : failure + ": " + reason;
    }
}
