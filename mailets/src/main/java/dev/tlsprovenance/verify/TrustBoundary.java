package dev.tlsprovenance.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where the trusted part of a message's path begins. A Received line is only as honest as the host that
 * wrote it; lines below the first one written by a host outside our control may be forged. So trust runs
 * from the newest hop downwards, and stops at the first hop whose recorder we cannot vouch for.
 *
 * <p>A hop's recorder (its by-host) is vouched for when
 * <ul>
 *   <li>its name matches one of {@link Builder#trustHost trusted host names}, or its address one of the
 *       {@link Builder#trustNetwork trusted networks}; or</li>
 *   <li>the next newer trusted hop received the message from it: that hop's from-address lies in a trusted
 *       network or its from-host matches a trusted name (the SpamAssassin {@code trusted_networks} rule); or</li>
 *   <li>it lies at or after the oldest hop written by one of {@link Builder#ownHost our own hosts}
 *       ("from our own hop inward"); or</li>
 *   <li>the hop is a local hand-over (not applicable), which only ever happens inside one host.</li>
 * </ul>
 * {@link #everything()} trusts every hop: the claims are all evaluated, as a quick look would.
 */
public final class TrustBoundary {
    private static final TrustBoundary EVERYTHING = new TrustBoundary(List.of(), List.of(), List.of(), true);

    private final List<HostPattern> hosts;
    private final List<CidrRange> networks;
    private final List<HostPattern> ownHosts;
    private final boolean everything;

    private TrustBoundary(List<HostPattern> hosts, List<CidrRange> networks, List<HostPattern> ownHosts, boolean everything) {
        this.hosts = Collections.unmodifiableList(new ArrayList<>(hosts));
        this.networks = Collections.unmodifiableList(new ArrayList<>(networks));
        this.ownHosts = Collections.unmodifiableList(new ArrayList<>(ownHosts));
        this.everything = everything;
    }

    public static TrustBoundary everything() {
        return EVERYTHING;
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean trustsEverything() {
        return everything;
    }

    /** @return the same hops, oldest first, each marked trusted or not. */
    public List<Hop> apply(List<Hop> oldestFirst) {
        int n = oldestFirst.size();
        boolean[] trusted = new boolean[n];
        if (everything) {
            java.util.Arrays.fill(trusted, true);
        } else {
            int ownFrom = n;
            for (int i = 0; i < n; i++) {
                if (matchesAny(ownHosts, oldestFirst.get(i).byHost().orElse(null))) {
                    ownFrom = i;
                    break;
                }
            }
            boolean chain = true;
            for (int i = n - 1; i >= 0 && chain; i--) {
                Hop hop = oldestFirst.get(i);
                boolean vouched = i >= ownFrom || recorderNamed(hop) || !hop.applicable()
                    || (i + 1 < n && trusted[i + 1] && handedOverByTrusted(oldestFirst.get(i + 1)));
                trusted[i] = vouched;
                chain = vouched;
            }
        }
        List<Hop> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Hop hop = oldestFirst.get(i);
            result.add(hop.trusted() == trusted[i] ? hop : hop.withTrusted(trusted[i]));
        }
        return result;
    }

    private boolean recorderNamed(Hop hop) {
        return matchesAny(hosts, hop.byHost().orElse(null)) || inAny(hop.byAddress().orElse(null));
    }

    private boolean handedOverByTrusted(Hop newer) {
        return inAny(newer.fromAddress().orElse(null)) || matchesAny(hosts, newer.fromHost().orElse(null));
    }

    private boolean inAny(String address) {
        if (address == null) {
            return false;
        }
        for (CidrRange range : networks) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAny(List<HostPattern> patterns, String host) {
        for (HostPattern pattern : patterns) {
            if (pattern.matches(host)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        if (everything) {
            return "all hops";
        }
        return "hosts=" + hosts + " networks=" + networks + " own=" + ownHosts;
    }

    public static final class Builder {
        private final List<HostPattern> hosts = new ArrayList<>();
        private final List<CidrRange> networks = new ArrayList<>();
        private final List<HostPattern> ownHosts = new ArrayList<>();

        private Builder() {
        }

        public Builder trustHost(String hostOrSuffix) {
            hosts.add(HostPattern.parse(hostOrSuffix));
            return this;
        }

        public Builder trustNetwork(String cidr) {
            networks.add(CidrRange.parse(cidr));
            return this;
        }

        /** Our own border host: its oldest hop and every newer one are trusted. */
        public Builder ownHost(String host) {
            ownHosts.add(HostPattern.parse(host));
            return this;
        }

        /** With no rule at all, the boundary is {@link #everything()}. */
        public TrustBoundary build() {
            if (hosts.isEmpty() && networks.isEmpty() && ownHosts.isEmpty()) {
                return EVERYTHING;
            }
            return new TrustBoundary(hosts, networks, ownHosts, false);
        }
    }
}
