package dev.tlsprovenance.verify;

import java.util.List;
import java.util.Optional;

/**
 * Turns a {@link MessageTrace} into a {@link MessageReport}: marks the trust boundary, lets our provenance
 * stamps speak for the trusted hops they describe, and decides the verdict from the trusted, applicable hops
 * (of the required segment, when one is given): any cleartext hop gives {@code cleartext-hop}; otherwise any
 * hop with unknown TLS, or no hop to judge at all, gives {@code unknown-hop}; otherwise {@code tls-all-the-way}.
 */
public final class TraceAnalyzer {
    private final TrustBoundary boundary;
    private final HopSegment segment;

    public TraceAnalyzer(TrustBoundary boundary) {
        this(boundary, null);
    }

    public TraceAnalyzer(TrustBoundary boundary, HopSegment segment) {
        this.boundary = boundary;
        this.segment = segment;
    }

    public MessageReport analyze(HeaderBlock headers) {
        return analyze(MessageTrace.of(headers));
    }

    public MessageReport analyze(MessageTrace trace) {
        List<Hop> hops = boundary.apply(trace.hopsOldestFirst());
        if (!trace.stamps().isEmpty()) {
            hops = ProvenanceStamps.merge(hops, trace.stamps());
        }
        int from = 0;
        int to = hops.size() - 1;
        if (segment != null) {
            Optional<int[]> range = segment.locate(hops);
            if (range.isEmpty()) {
                return new MessageReport(trace.messageId().orElse(null), hops, Verdict.UNKNOWN_HOP,
                    "segment " + segment + " not found in the path");
            }
            from = range.get()[0];
            to = range.get()[1];
        }
        boolean judged = false;
        boolean unknown = false;
        int cleartextIndex = -1;
        int unknownIndex = -1;
        for (int i = from; i <= to; i++) {
            Hop hop = hops.get(i);
            if (!hop.trusted() || !hop.applicable()) {
                continue;
            }
            judged = true;
            if (hop.tls() == TlsStatus.NO && cleartextIndex < 0) {
                cleartextIndex = i;
            } else if (hop.tls() == TlsStatus.UNKNOWN && unknownIndex < 0) {
                unknownIndex = i;
                unknown = true;
            }
        }
        String id = trace.messageId().orElse(null);
        if (cleartextIndex >= 0) {
            return new MessageReport(id, hops, Verdict.CLEARTEXT_HOP, "hop " + cleartextIndex + " "
                + describe(hops.get(cleartextIndex)) + " was cleartext");
        }
        if (!judged) {
            return new MessageReport(id, hops, Verdict.UNKNOWN_HOP, "no trusted SMTP hop to judge");
        }
        if (unknown) {
            return new MessageReport(id, hops, Verdict.UNKNOWN_HOP, "hop " + unknownIndex + " "
                + describe(hops.get(unknownIndex)) + " does not say whether TLS was used");
        }
        return new MessageReport(id, hops, Verdict.TLS_ALL_THE_WAY, "");
    }

    private static String describe(Hop hop) {
        return "(" + hop.fromHost().orElse("?") + " -> " + hop.byHost().orElse("?") + ")";
    }
}
