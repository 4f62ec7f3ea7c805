package dev.tlsprovenance.dane;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The DANE decision for one destination (RFC 7672 section 2.2): the candidate hosts in order with their
 * {@link DaneHostPlan.Mode}, or, when none can be tried, why the delivery must wait. Immutable; made by
 * {@link DanePlanner}.
 */
public final class DanePlan {
    /** RFC 8460 result type: the destination requires DANE and it could not be used. */
    public static final String DANE_REQUIRED = "dane-required";
    /** RFC 8460 result type: a DNSSEC answer on the way to the decision was bogus or could not be obtained. */
    public static final String DNSSEC_INVALID = "dnssec-invalid";

    private final String domain;
    private final DnssecStatus mxStatus;
    private final List<DaneHostPlan> hosts;
    private final Optional<String> domainRefusal;

    DanePlan(String domain, DnssecStatus mxStatus, List<DaneHostPlan> hosts, Optional<String> domainRefusal) {
        this.domain = Objects.requireNonNull(domain);
        this.mxStatus = Objects.requireNonNull(mxStatus);
        this.hosts = List.copyOf(hosts);
        this.domainRefusal = Objects.requireNonNull(domainRefusal);
    }

    public String domain() {
        return domain;
    }

    /** The status of the MX lookup (SECURE for a route, whose host comes from the table, not the DNS). */
    public DnssecStatus mxStatus() {
        return mxStatus;
    }

    /** Every candidate host, most preferred first, tried or not. */
    public List<DaneHostPlan> hosts() {
        return hosts;
    }

    /** The hosts to connect to, in order. */
    public List<DaneHostPlan> triedHosts() {
        return hosts.stream().filter(h -> h.mode().isTried()).collect(Collectors.toList());
    }

    /** Whether some host is held to its TLSA records (authenticated or mandatory TLS): the policy came from DANE. */
    public boolean daneApplies() {
        return hosts.stream().anyMatch(h -> h.mode() == DaneHostPlan.Mode.AUTHENTICATED || h.mode() == DaneHostPlan.Mode.ENCRYPT);
    }

    /**
     * RFC 7505: the domain's only MX is the null MX ({@code 0 .}): it accepts no mail, so nothing is tried and the
     * sender learns at once (5.1.10), not after the retries.
     */
    public boolean isNullMx() {
        return hosts.size() == 1 && hosts.get(0).host().equals(DaneHostPlan.NULL_MX_HOST);
    }

    /** Empty when some host can be tried; else the 4.7.5 (or, for hosts without address, 4.4.1) diagnostic. */
    public Optional<String> deferral() {
        if (domainRefusal.isPresent()) {
            return domainRefusal;
        }
        if (!triedHosts().isEmpty()) {
            return Optional.empty();
        }
        // the reason that decides the result type comes first: DNSSEC failures, then dane-only refusals
        return Optional.of(hosts.stream()
            .sorted(java.util.Comparator.comparingInt(h -> h.mode() == DaneHostPlan.Mode.DNSSEC_FAILED ? 0
                : h.mode() == DaneHostPlan.Mode.REFUSED ? 1 : 2))
            .map(DaneHostPlan::reason).collect(Collectors.joining("; ")));
    }

    /** The RFC 8460 result type of the deferral: {@code dnssec-invalid} over {@code dane-required}; empty for none. */
    public Optional<String> deferralResultType() {
        if (deferral().isEmpty()) {
            return Optional.empty();
        }
        if (mxStatus.isFailure() || hosts.stream().anyMatch(h -> h.mode() == DaneHostPlan.Mode.DNSSEC_FAILED)) {
            return Optional.of(DNSSEC_INVALID);
        }
        if (domainRefusal.isPresent() || hosts.stream().anyMatch(h -> h.mode() == DaneHostPlan.Mode.REFUSED)) {
            return Optional.of(DANE_REQUIRED);
        }
        return Optional.empty();
    }

    /** Whether the deferral is cryptographic (4.7.5: DNSSEC or DANE) rather than a missing address (4.4.1). */
    public boolean deferralIsCryptographic() {
        return deferralResultType().isPresent();
    }

    /** The weakest status met on the way to the whole decision: of the MX lookup and of every host. */
    public DnssecStatus weakestStatus() {
        DnssecStatus weakest = mxStatus;
        for (DaneHostPlan host : hosts) {
            weakest = DanePlanner.weaker(weakest, host.dnssec());
        }
        return weakest;
    }

    @Override
    public String toString() {
        return domain + " mx=" + mxStatus + " " + hosts + domainRefusal.map(r -> " refused: " + r).orElse("");
    }
}
