package dev.tlsprovenance.cli.checkpeer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.tlsprovenance.sts.MxPattern;
import dev.tlsprovenance.sts.StsDecision;
import dev.tlsprovenance.sts.StsPolicy;

/**
 * What MTA-STS said about a destination when the delivery's precedence asked it (no row of its own, DANE neither
 * applied nor deferred), in the ledger's words: {@code kind} ({@code none}, {@code policy}, {@code failure}),
 * {@code sts-mode}, {@code sts-id}, the policy's {@code max_age} and {@code mx} patterns, where the policy came from
 * ({@code cached}: the server's cache; {@code fresh}: fetched by this run, never written to the server's cache),
 * the RFC 8460 {@code result-type} of the policy itself (a failed fetch or refresh), and which MX hosts the patterns
 * allow and exclude ({@code enforce} excludes; {@code testing} tries them all and only records it).
 */
public record StsSummary(String kind, Optional<String> mode, Optional<String> id, Optional<Long> maxAgeSeconds,
                         List<String> mxPatterns, Optional<String> source, Optional<String> resultType, String reason,
                         List<String> allowed, List<String> excluded) {

    public StsSummary {
        mxPatterns = List.copyOf(mxPatterns);
        allowed = List.copyOf(allowed);
        excluded = List.copyOf(excluded);
    }

    /** @param mxHosts the destination's MX hosts, in the order DNS gave them */
    static StsSummary of(StsDecision decision, List<String> mxHosts) {
        Optional<StsPolicy> policy = decision.policy();
        List<String> patterns = new ArrayList<>();
        policy.ifPresent(p -> p.mx().stream().map(MxPattern::toString).forEach(patterns::add));
        List<String> allowed = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        if (policy.isPresent() && decision.applies()) {
            for (String host : mxHosts) {
                (policy.get().allowsMx(host) ? allowed : excluded).add(host);
            }
        }
        return new StsSummary(decision.kind().word(), decision.mode().map(m -> m.word()), decision.id(),
            policy.map(StsPolicy::maxAgeSeconds), patterns, decision.source().map(StsDecision.Source::word),
            decision.failure().or(decision::refreshFailure).map(Object::toString), decision.reason(), allowed, excluded);
    }

    /** Whether the policy decides the destination (mode enforce or testing). */
    public boolean applies() {
        return kind.equals(StsDecision.Kind.POLICY.word()) && mode.filter(m -> !m.equals("none")).isPresent();
    }
}
