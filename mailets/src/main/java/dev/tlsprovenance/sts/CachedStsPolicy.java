package dev.tlsprovenance.sts;

import java.time.Instant;
import java.util.Objects;

/**
 * A policy in the {@link StsPolicyCache}: the domain, the TXT {@code id} it was fetched under, when it was fetched
 * and when it expires ({@code max_age} after the fetch). Immutable.
 */
public final class CachedStsPolicy {
    private final String domain;
    private final String id;
    private final StsPolicy policy;
    private final Instant fetched;
    private final Instant expires;

    public CachedStsPolicy(String domain, String id, StsPolicy policy, Instant fetched, Instant expires) {
        this.domain = Objects.requireNonNull(domain);
        this.id = Objects.requireNonNull(id);
        this.policy = Objects.requireNonNull(policy);
        this.fetched = Objects.requireNonNull(fetched);
        this.expires = Objects.requireNonNull(expires);
    }

    public String domain() {
        return domain;
    }

    /** The TXT record's id when the policy was fetched. */
    public String id() {
        return id;
    }

    public StsPolicy policy() {
        return policy;
    }

    public Instant fetched() {
        return fetched;
    }

    public Instant expires() {
        return expires;
    }

    /** Expired at {@code now}: at or after {@link #expires()}. */
    public boolean isExpired(Instant now) {
        return !now.isBefore(expires);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CachedStsPolicy)) {
            return false;
        }
        CachedStsPolicy other = (CachedStsPolicy) o;
        return domain.equals(other.domain) && id.equals(other.id) && policy.equals(other.policy)
                && fetched.equals(other.fetched) && expires.equals(other.expires);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, id, fetched);
    }

    @Override
    public String toString() {
        return domain + " id=" + id + " " + policy + " fetched=" + fetched + " expires=" + expires;
    }
}
