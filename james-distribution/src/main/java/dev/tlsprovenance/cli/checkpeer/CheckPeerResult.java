package dev.tlsprovenance.cli.checkpeer;

import java.util.List;
import java.util.Optional;

import dev.tlsprovenance.policy.OutboundLevel;

/**
 * Everything check-peer found for one destination: the row that applies and the level judged at (with where each
 * came from), how the next hops were found, each hop's check, and the overall outcome: delivery succeeds when one
 * hop would take the mail (the delivery tries the hops in order).
 *
 * @param levelSource {@code row}, {@code default} (the table's default row or the built-in one) or
 *                    {@code command-line} ({@code --level})
 * @param hopsFrom    how the next hops were found: {@code route}, {@code mx}, {@code mx-fallback} (no MX: the
 *                    domain itself), {@code command-line} ({@code [host]:port}) or {@code none} (DNS failed)
 * @param dnsResultType with {@code none}: {@code dnssec-invalid} when a DNSSEC MX lookup was BOGUS or indeterminate
 * @param policySource  the ledger's {@code policy-source} of the destination: {@code row}, {@code dane},
 *                      {@code sts} or {@code default} (the delivery's precedence, {@code DaneRouting})
 * @param sts           what MTA-STS said, when the precedence asked it
 */
public record CheckPeerResult(String target, Optional<String> domain, String row, OutboundLevel level, String levelSource,
                              String hopsFrom, Optional<String> dnsNote, Optional<String> dnsResultType, List<HopCheck> hops,
                              String policySource, Optional<StsSummary> sts) {

    public CheckPeerResult {
        hops = List.copyOf(hops);
    }

    public Outcome outcome() {
        if (hops.stream().anyMatch(hop -> hop.outcome() == Outcome.DELIVER)) {
            return Outcome.DELIVER;
        }
        if (hops.isEmpty() || hops.stream().anyMatch(hop -> hop.outcome() == Outcome.DEFER)) {
            return Outcome.DEFER;
        }
        return Outcome.REFUSE;
    }

    /** The failure word of the first hop that has one. */
    public Optional<String> resultType() {
        if (outcome() == Outcome.DELIVER) {
            return Optional.empty();
        }
        if (hops.isEmpty()) {
            return dnsResultType;
        }
        return hops.stream().map(HopCheck::resultType).flatMap(Optional::stream).findFirst();
    }
}
