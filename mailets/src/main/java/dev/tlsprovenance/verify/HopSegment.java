package dev.tlsprovenance.verify;

import java.util.List;
import java.util.Optional;

/**
 * The part of a path between two named hosts, for {@code --require-between A B}: from the first hop that
 * leaves A (its from-host is A, or the hop after one recorded by A) up to and including the first later
 * hop recorded by B.
 */
public final class HopSegment {
    private final HostPattern start;
    private final HostPattern end;

    private HopSegment(HostPattern start, HostPattern end) {
        this.start = start;
        this.end = end;
    }

    public static HopSegment between(String startHost, String endHost) {
        return new HopSegment(HostPattern.parse(startHost), HostPattern.parse(endHost));
    }

    /** @return {@code [fromIndex, toIndex]} inclusive, oldest-first indices; empty when the hosts are not both found in order. */
    public Optional<int[]> locate(List<Hop> oldestFirst) {
        int first = -1;
        for (int i = 0; i < oldestFirst.size() && first < 0; i++) {
            Hop hop = oldestFirst.get(i);
            if (start.matches(hop.fromHost().orElse(null))) {
                first = i;
            } else if (start.matches(hop.byHost().orElse(null)) && i + 1 < oldestFirst.size()) {
                first = i + 1;
            }
        }
        if (first < 0) {
            return Optional.empty();
        }
        for (int i = first; i < oldestFirst.size(); i++) {
            if (end.matches(oldestFirst.get(i).byHost().orElse(null))) {
                return Optional.of(new int[] {first, i});
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return start + " -> " + end;
    }
}
