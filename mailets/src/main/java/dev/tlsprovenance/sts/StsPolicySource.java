package dev.tlsprovenance.sts;

/** Where {@link MtaSts} gets a fresh policy for a domain: {@link StsPolicyFetcher}, or a fake in tests. */
@FunctionalInterface
public interface StsPolicySource {
    /** Never throws: a failure is a {@link StsFetchResult} with its RFC 8460 result type. */
    StsFetchResult fetch(String policyDomain);
}
