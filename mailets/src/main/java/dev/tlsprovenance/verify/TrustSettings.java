package dev.tlsprovenance.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where trust starts and which segment to judge, as the {@code tls-provenance verify} options and the
 * {@code POST /tls/verify} parameters name them ({@code trust-host}, {@code trust-network}, {@code own-host},
 * {@code require-between HOST HOST}). No setting at all means every hop is evaluated as a claim
 * ({@link TrustBoundary#everything()}), as the CLI does without options.
 */
public final class TrustSettings {
    private static final TrustSettings NONE = new TrustSettings(List.of(), List.of(), List.of(), List.of());

    private final List<String> trustHosts;
    private final List<String> trustNetworks;
    private final List<String> ownHosts;
    private final List<String> requireBetween;

    private TrustSettings(List<String> trustHosts, List<String> trustNetworks, List<String> ownHosts, List<String> requireBetween) {
        this.trustHosts = Collections.unmodifiableList(new ArrayList<>(trustHosts));
        this.trustNetworks = Collections.unmodifiableList(new ArrayList<>(trustNetworks));
        this.ownHosts = Collections.unmodifiableList(new ArrayList<>(ownHosts));
        this.requireBetween = Collections.unmodifiableList(new ArrayList<>(requireBetween));
    }

    /** No trust option: every hop is trusted. */
    public static TrustSettings none() {
        return NONE;
    }

    /**
     * @param requireBetween empty, or exactly two host names (start and end of the segment to judge)
     * @throws IllegalArgumentException when {@code requireBetween} has another number of names
     */
    public static TrustSettings of(List<String> trustHosts, List<String> trustNetworks, List<String> ownHosts,
                                   List<String> requireBetween) {
        if (!requireBetween.isEmpty() && requireBetween.size() != 2) {
            throw new IllegalArgumentException("require-between takes exactly two hosts, got " + requireBetween.size());
        }
        return new TrustSettings(trustHosts, trustNetworks, ownHosts, requireBetween);
    }

    /**
     * The analyzer these settings describe.
     *
     * @throws IllegalArgumentException naming the value that is not a host pattern or an address range
     */
    public TraceAnalyzer analyzer() {
        TrustBoundary.Builder boundary = TrustBoundary.builder();
        trustHosts.forEach(boundary::trustHost);
        trustNetworks.forEach(boundary::trustNetwork);
        ownHosts.forEach(boundary::ownHost);
        HopSegment segment = requireBetween.isEmpty() ? null : HopSegment.between(requireBetween.get(0), requireBetween.get(1));
        return new TraceAnalyzer(boundary.build(), segment);
    }

    /** One line for a human: which hops are trusted. */
    public String describe() {
        if (trustHosts.isEmpty() && trustNetworks.isEmpty() && ownHosts.isEmpty()) {
            return "all hops (no --trust-host/--trust-network/--own-host given)";
        }
        List<String> parts = new ArrayList<>();
        trustHosts.forEach(h -> parts.add("host " + h));
        trustNetworks.forEach(n -> parts.add("network " + n));
        ownHosts.forEach(h -> parts.add("own host " + h + " inward"));
        return String.join(", ", parts);
    }
}
