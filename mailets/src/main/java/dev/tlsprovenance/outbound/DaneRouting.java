package dev.tlsprovenance.outbound;

import dev.tlsprovenance.dane.DaneHostPlan;
import dev.tlsprovenance.dane.DanePlan;
import dev.tlsprovenance.dane.DanePlanner;
import dev.tlsprovenance.ledger.PolicyFacts;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.policy.PolicySource;
import dev.tlsprovenance.policy.Smarthost;
import dev.tlsprovenance.sts.StsDecision;
import dev.tlsprovenance.sts.StsMode;
import dev.tlsprovenance.sts.StsPolicy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A {@link DanePlan} as delivery uses it: the next hops in order (one per DNSSEC-validated address, each with the
 * level enforced there and, for secure usable TLSA records, its {@link DaneAuthentication}), or the failure that
 * keeps the destination waiting; and the {@link PolicyFacts} of each hop's record. Pure: no James types.
 *
 * <p>The one place of the precedence own row &gt; DANE &gt; MTA-STS &gt; default ({@link #outboundFor},
 * {@link #forDestination}): {@code TlsPolicyRemoteDelivery} delivers by it and {@code tls-provenance check-peer}
 * shows it, so the two cannot disagree about which policy governs a destination.
 */
public final class DaneRouting {
    /** The outbound policy of a destination without a row once DANE is configured. */
    private static final OutboundPolicy DANE_DEFAULT = OutboundPolicy.builder().level(OutboundLevel.DANE).build();

    private final List<NextHop> hops;
    private final Optional<DeliveryFailure> deferral;
    private final Map<String, PolicyFacts> factsByHop;
    private final PolicyFacts domainFacts;
    private final Optional<StsDecision> sts;
    private final List<String> stsSkipped;
    private final Optional<DanePlan> plan;

    private DaneRouting(List<NextHop> hops, Optional<DeliveryFailure> deferral, Map<String, PolicyFacts> factsByHop,
                        PolicyFacts domainFacts) {
        this(hops, deferral, factsByHop, domainFacts, Optional.empty(), List.of());
    }

    private DaneRouting(List<NextHop> hops, Optional<DeliveryFailure> deferral, Map<String, PolicyFacts> factsByHop,
                        PolicyFacts domainFacts, Optional<StsDecision> sts, List<String> stsSkipped) {
        this(hops, deferral, factsByHop, domainFacts, sts, stsSkipped, Optional.empty());
    }

    private DaneRouting(List<NextHop> hops, Optional<DeliveryFailure> deferral, Map<String, PolicyFacts> factsByHop,
                        PolicyFacts domainFacts, Optional<StsDecision> sts, List<String> stsSkipped, Optional<DanePlan> plan) {
        this.plan = plan;
        this.hops = List.copyOf(hops);
        this.deferral = deferral;
        this.factsByHop = Map.copyOf(factsByHop);
        this.domainFacts = domainFacts;
        this.sts = sts;
        this.stsSkipped = List.copyOf(stsSkipped);
    }

    /**
     * The policy a destination is delivered by, from the row the table gives it: that row's, except the built-in
     * default (no row at all, not even the file's {@code *} row) becomes {@code dane} once DANE is configured.
     * The file's own default row is the default of the precedence: at {@code dane} it lets DANE and MTA-STS decide.
     */
    public static OutboundPolicy outboundFor(NamespacePolicy looked, boolean daneConfigured) {
        return looked.equals(NamespacePolicy.builtInDefault()) && daneConfigured ? DANE_DEFAULT : looked.outbound();
    }

    /**
     * The DANE decision for a destination at {@code dane}/{@code dane-only}, then MTA-STS where DANE neither applies
     * nor defers and no row of its own decided: over the row's routes (each judged by its own TLSA records) or the
     * DNSSEC-validated MX hosts at {@code mxPort}. Without a planner (DANE not configured) the destination waits.
     *
     * @param fromRow  whether the destination has a row of its own ({@code !looked.isDefault()})
     * @param sts      {@link MtaStsWiring#resolver()} when MTA-STS is on
     * @param stsTrust {@link MtaStsWiring#trust()}; unused without {@code sts}
     */
    public static DaneRouting forDestination(String domain, OutboundPolicy outbound, boolean fromRow,
                                             Optional<DanePlanner> planner, int mxPort,
                                             Optional<Function<String, StsDecision>> sts, TrustMaterial stsTrust) {
        if (planner.isEmpty()) {
            return unconfigured(outbound.level(), fromRow);
        }
        boolean daneOnly = outbound.level() == OutboundLevel.DANE_ONLY;
        List<Smarthost> routes = outbound.routes();
        DanePlan plan;
        List<NextHop> baseHops = new ArrayList<>();
        if (routes.isEmpty()) {
            plan = planner.get().plan(domain, daneOnly);
            plan.hosts().forEach(host -> baseHops.add(NextHop.of(host.host(), mxPort, false)));
        } else {
            List<DanePlanner.Route> targets = new ArrayList<>();
            for (Smarthost route : routes) {
                targets.add(new DanePlanner.Route(route.host(), route.port()));
                baseHops.add(NextHop.of(route));
            }
            plan = planner.get().planRoutes(domain, targets, daneOnly);
        }
        DaneRouting routed = of(plan, outbound.level(), fromRow, baseHops, sts, stsTrust);
        return new DaneRouting(routed.hops, routed.deferral, routed.factsByHop, routed.domainFacts, routed.sts,
            routed.stsSkipped, Optional.of(plan));
    }

    /**
     * As {@link #of(DanePlan, OutboundLevel, boolean, List)}, then the MTA-STS step for a destination without a row
     * where DANE neither applies nor defers: {@code sts} (the domain's {@link StsDecision}, asked only then) and the
     * trust its MX certificates are judged by.
     */
    static DaneRouting of(DanePlan plan, OutboundLevel rowLevel, boolean fromRow, List<NextHop> baseHops,
                          Optional<Function<String, StsDecision>> sts, TrustMaterial stsTrust) {
        DaneRouting dane = of(plan, rowLevel, fromRow, baseHops);
        if (fromRow || sts.isEmpty() || plan.daneApplies() || dane.deferral.isPresent()) {
            return dane;
        }
        StsDecision decision = sts.get().apply(plan.domain());
        Optional<String> mode = decision.mode().map(StsMode::word);
        Optional<String> resultType = decision.failure().or(decision::refreshFailure).map(Object::toString);
        if (!decision.applies()) {
            // none, mode none, or no policy to be had: the default, with what MTA-STS said recorded
            Map<String, PolicyFacts> facts = new LinkedHashMap<>();
            dane.factsByHop.forEach((hop, f) -> facts.put(hop, f.withSts(f.source(), mode, decision.id(), List.of(), resultType)));
            return new DaneRouting(dane.hops, dane.deferral, facts,
                dane.domainFacts.withSts(dane.domainFacts.source(), mode, decision.id(), List.of(), resultType), Optional.of(decision), List.of());
        }
        StsPolicy policy = decision.policy().get();
        List<String> policyLines = policy.lines();
        boolean enforce = policy.mode() == StsMode.ENFORCE;
        StsAuthentication check = new StsAuthentication(policy, stsTrust);
        List<NextHop> hops = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, PolicyFacts> facts = new LinkedHashMap<>();
        for (int i = 0; i < plan.hosts().size(); i++) {
            DaneHostPlan host = plan.hosts().get(i);
            NextHop base = baseHops.get(i);
            PolicyFacts hostFacts = dane.factsByHop.getOrDefault(base.toString(), dane.domainFacts)
                .withSts(PolicySource.STS, mode, decision.id(), policyLines, resultType);
            facts.putIfAbsent(base.toString(), hostFacts);
            if (!host.mode().isTried()) {
                continue;
            }
            if (enforce && !policy.allowsMx(host.host())) {
                skipped.add(host.host());
                continue;
            }
            for (InetAddress address : host.addresses()) {
                hops.add(base.underSts(address.getHostAddress(), enforce ? OutboundLevel.VERIFY : OutboundLevel.MAY, check));
            }
        }
        Optional<DeliveryFailure> deferral = Optional.empty();
        if (hops.isEmpty()) {
            deferral = Optional.of(DeliveryFailure.cryptographicFailure(dev.tlsprovenance.metrics.TlsMetricNames.STS_FAILURE_PREFIX
                + "validation-failure: no MX host of " + plan.domain() + " (" + String.join(", ", skipped)
                + ") matches the mx patterns of its policy " + decision.id().orElse("") + " " + policy.mx()
                + " (MTA-STS mode enforce)"));
        }
        return new DaneRouting(hops, deferral, facts,
            dane.domainFacts.withSts(PolicySource.STS, mode, decision.id(), policyLines, resultType), Optional.of(decision), skipped);
    }

    /**
     * @param rowLevel   {@code dane} or {@code dane-only}: the level of the row, or of the built-in default
     * @param fromRow    whether a row of the table set the level (else the built-in default did)
     * @param baseHops   one hop per {@code plan.hosts()} entry, in the same order: where and how (SMTPS) to connect
     */
    static DaneRouting of(DanePlan plan, OutboundLevel rowLevel, boolean fromRow, List<NextHop> baseHops) {
        List<NextHop> hops = new ArrayList<>();
        Map<String, PolicyFacts> facts = new LinkedHashMap<>();
        for (int i = 0; i < plan.hosts().size(); i++) {
            DaneHostPlan host = plan.hosts().get(i);
            NextHop base = baseHops.get(i);
            boolean daneApplies = host.mode() == DaneHostPlan.Mode.AUTHENTICATED || host.mode() == DaneHostPlan.Mode.ENCRYPT;
            PolicySource source = fromRow ? PolicySource.ROW : daneApplies ? PolicySource.DANE : PolicySource.DEFAULT;
            facts.putIfAbsent(base.toString(), PolicyFacts.of(source, host.dnssec().name(), host.tlsa().policyStrings()));
            if (!host.mode().isTried()) {
                continue;
            }
            OutboundLevel level = host.mode() == DaneHostPlan.Mode.AUTHENTICATED ? rowLevel
                : host.mode() == DaneHostPlan.Mode.ENCRYPT ? OutboundLevel.ENCRYPT : OutboundLevel.MAY;
            Optional<DaneAuthentication> dane = host.mode() == DaneHostPlan.Mode.AUTHENTICATED
                ? Optional.of(new DaneAuthentication(host.tlsa(), host.referenceNames())) : Optional.empty();
            for (InetAddress address : host.addresses()) {
                hops.add(base.underDane(address.getHostAddress(), level, dane));
            }
        }
        Optional<DeliveryFailure> deferral = plan.deferral().map(diagnostic -> plan.isNullMx() ? DeliveryFailure.nullMx(diagnostic)
            : plan.deferralIsCryptographic() ? DeliveryFailure.cryptographicFailure(diagnostic) : DeliveryFailure.network(diagnostic));
        PolicySource domainSource = fromRow ? PolicySource.ROW
            : plan.daneApplies() || plan.deferralResultType().isPresent() ? PolicySource.DANE : PolicySource.DEFAULT;
        return new DaneRouting(hops, deferral, facts, PolicyFacts.of(domainSource, plan.weakestStatus().name(), List.of()));
    }

    /** DANE is not configured but the level asks for it: the destination waits (4.7.5, {@code dane-required}). */
    static DaneRouting unconfigured(OutboundLevel level, boolean fromRow) {
        return new DaneRouting(List.of(), Optional.of(DeliveryFailure.cryptographicFailure("DANE required: level " + level.token()
            + " but DANE is not configured (parameter dane of TlsPolicyRemoteDelivery names conf/dane.properties)")),
            Map.of(), PolicyFacts.of(fromRow ? PolicySource.ROW : PolicySource.DEFAULT));
    }

    /** The DANE plan this routing was made from ({@link #forDestination}); empty when DANE is not configured. */
    public Optional<DanePlan> plan() {
        return plan;
    }

    /** The MTA-STS decision consulted for this destination; empty when a row or DANE decided, or STS is off. */
    public Optional<StsDecision> sts() {
        return sts;
    }

    /** MX hosts an {@code enforce} policy's {@code mx} patterns did not match: not tried. */
    public List<String> stsSkipped() {
        return stsSkipped;
    }

    public List<NextHop> hops() {
        return hops;
    }

    /**
     * The strongest guarantee any hop is held to, as a level {@code ledgerRequiredFrom} can be compared with: a
     * DANE-authenticated hop or one under an {@code enforce} MTA-STS policy counts as {@code verify} (its certificate is
     * authenticated), a secure TLSA RRset without usable records as {@code encrypt}, the rest as its level;
     * {@code rowLevel} when it is stronger (or no hop is tried).
     */
    OutboundLevel strongestGuarantee(OutboundLevel rowLevel) {
        OutboundLevel strongest = rowLevel;
        for (NextHop hop : hops) {
            OutboundLevel held = hop.dane().isPresent() ? OutboundLevel.VERIFY : hop.level().orElse(rowLevel);
            if (held.compareTo(strongest) > 0) {
                strongest = held;
            }
        }
        return strongest;
    }

    /**
     * Present when no hop can be tried: 4.7.5 for DNSSEC and {@code dane-only} reasons, 5.1.10 for a null MX, 4.4.1 for
     * no address.
     */
    public Optional<DeliveryFailure> deferral() {
        return deferral;
    }

    /** The facts of an attempt at {@code nextHop} ({@code host:port}); the destination's when no hop was tried. */
    public PolicyFacts factsFor(Optional<String> nextHop) {
        return nextHop.map(hop -> factsByHop.getOrDefault(hop, domainFacts)).orElse(domainFacts);
    }
}
