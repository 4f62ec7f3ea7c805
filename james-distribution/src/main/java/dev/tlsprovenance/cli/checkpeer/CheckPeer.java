package dev.tlsprovenance.cli.checkpeer;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import dev.tlsprovenance.dane.DaneHostPlan;
import dev.tlsprovenance.dane.DanePlan;
import dev.tlsprovenance.dane.DanePlanner;
import dev.tlsprovenance.dane.DnssecAnswer;
import dev.tlsprovenance.dane.DnssecLookups;
import dev.tlsprovenance.dane.DnssecStatus;
import dev.tlsprovenance.outbound.DaneRouting;
import dev.tlsprovenance.outbound.MtaStsWiring;
import dev.tlsprovenance.outbound.NextHop;
import dev.tlsprovenance.outbound.OutboundTls;
import dev.tlsprovenance.outbound.StsAuthentication;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.policy.PolicySource;
import dev.tlsprovenance.policy.Smarthost;
import dev.tlsprovenance.policy.TlsPolicyTable;
import dev.tlsprovenance.sts.StsDecision;

/**
 * check-peer's work, without picocli: find the row as the server would ({@link TlsPolicyTable#lookup}), the next
 * hops (the row's routes, else the MX hosts, through {@link DnssecLookups} when a DNSSEC resolver is configured,
 * else the system resolver), open a session to each ({@link PeerSession}), and judge it ({@link PeerJudge}). At
 * {@code dane}/{@code dane-only} the decision per MX or route host is the server's own {@link DanePlanner}'s
 * ({@link DanePlanner#plan} for the MX hosts, {@link DanePlanner#planRoutes} for routes, as
 * {@code TlsPolicyRemoteDelivery} asks it), and the hop is connected to at the address that plan validated.
 *
 * <p>For a domain the precedence is the delivery's own, {@link DaneRouting#outboundFor} and
 * {@link DaneRouting#forDestination}: its own row, then DANE, then MTA-STS, then the default (the built-in default
 * is {@code dane} once DANE is configured). With MTA-STS configured ({@link MtaStsWiring}) a destination that
 * precedence gives to MTA-STS is judged by its policy: {@code enforce} tries only the MX hosts an {@code mx} pattern
 * allows and holds each to TLS and a certificate naming a pattern; {@code testing} tries them all and records what
 * fails. The policy comes from the server's cache ({@code sts.cacheDirectory}, read with
 * {@link dev.tlsprovenance.sts.StsPolicyCache#readOnly}) or, when it is absent, stale or its id changed, from a fetch
 * as the server makes it. check-peer never writes that cache: the running server reads it only when it starts, so a
 * policy written by check-peer would be trusted after a restart without the server's own fetch, could be left in
 * files the server's user cannot replace, and a diagnostic run should leave the server's state as it found it.
 */
public final class CheckPeer {
    /**
     * posttls-finger's defaults for a {@code [host]:port} no row routes to: {@code dane} when DNSSEC lookups are
     * available, else {@code secure}.
     */
    static OutboundLevel defaultHostLevel(boolean dnssec) {
        return dnssec ? OutboundLevel.DANE : OutboundLevel.SECURE;
    }
    private static final int MAX_HOPS = 5;

    private final TlsPolicyTable table;
    private final Optional<DnssecLookups> lookups;
    private final PeerSession session;
    private final PeerJudge judge;
    private final Optional<DanePlanner> planner;
    private final Optional<MtaStsWiring> sts;
    private final int mxPort;
    private final Clock clock;

    public CheckPeer(TlsPolicyTable table, Optional<DnssecLookups> lookups, String heloName, Duration timeout, Clock clock) {
        this(table, lookups, Optional.empty(), NextHop.SMTP_PORT, heloName, timeout, clock);
    }

    /**
     * @param sts    MTA-STS as the server has it ({@code conf/mta-sts.properties}), only together with DNSSEC lookups
     * @param mxPort the port of MX hosts (the delivery's {@code smtpPort}, 25)
     */
    public CheckPeer(TlsPolicyTable table, Optional<DnssecLookups> lookups, Optional<MtaStsWiring> sts, int mxPort,
                     String heloName, Duration timeout, Clock clock) {
        this.table = table;
        this.lookups = lookups;
        this.session = new PeerSession(heloName, timeout);
        this.judge = new PeerJudge(clock);
        this.planner = lookups.map(dns -> new DanePlanner(DanePlanner.Dns.of(dns), mxPort));
        this.sts = lookups.isPresent() ? sts : Optional.empty();
        this.mxPort = mxPort;
        this.clock = clock;
    }

    /**
     * @param levelOverride {@code --level}
     * @param caOverride    a PEM bundle of CA certificates replacing the row's {@code ca=} (and the JVM's anchors)
     * @throws IOException when the row's TLS material (CA bundle, client key store) cannot be read: a configuration
     *                     error naming the file
     */
    public CheckPeerResult run(PeerTarget target, Optional<OutboundLevel> levelOverride, Optional<java.nio.file.Path> caOverride)
            throws IOException {
        NamespacePolicy row = target.domain().map(table::lookup).orElseGet(() -> rowRouting(target.host().get()));
        boolean hostTarget = target.domain().isEmpty();
        OutboundPolicy policy = withCa(hostTarget ? row.outbound() : DaneRouting.outboundFor(row, planner.isPresent()), caOverride);
        boolean rowFound = hostTarget ? !row.isDefault() : true;
        OutboundLevel level = levelOverride.orElse(hostTarget && !rowFound ? defaultHostLevel(lookups.isPresent()) : policy.level());
        String levelSource = levelOverride.isPresent() ? "command-line"
            : hostTarget && !rowFound ? "check-peer-default" : row.isDefault() ? "default" : "row";
        String rowName = hostTarget && !rowFound ? "(none: [host]:port)" : row.source();
        OutboundTls tls = OutboundTls.forPolicy(policy, clock);

        List<NextHop> hops = new ArrayList<>();
        String hopsFrom;
        Optional<String> dnsNote = Optional.empty();
        Optional<String> dnsResultType = Optional.empty();
        boolean mxSecure = true;
        if (hostTarget) {
            hops.add(NextHop.of(target.host().get()));
            hopsFrom = "command-line";
        } else if (!policy.routes().isEmpty()) {
            policy.routes().forEach(route -> hops.add(NextHop.of(route)));
            hopsFrom = "route";
        } else {
            Mx mx = mx(target.domain().get());
            hops.addAll(mx.hops);
            hopsFrom = mx.from;
            dnsNote = mx.note;
            dnsResultType = mx.resultType;
            mxSecure = mx.secure;
        }
        List<NextHop> tried = hops.subList(0, Math.min(hops.size(), MAX_HOPS));
        Optional<DanePlan> plan = Optional.empty();
        Optional<DaneRouting> routing = Optional.empty();
        if (level.isDane() && planner.isPresent() && !hostTarget) {
            // the delivery's own decision for the destination: DANE, then (no row of its own) MTA-STS
            OutboundPolicy atLevel = OutboundPolicy.builder().level(level).routes(policy.routes()).build();
            routing = Optional.of(DaneRouting.forDestination(target.domain().get(), atLevel, rowFound && !row.isDefault(),
                planner, mxPort, sts.map(MtaStsWiring::resolver), sts.map(MtaStsWiring::trust).orElse(null)));
            plan = routing.get().plan();
        } else if (level.isDane() && planner.isPresent() && !tried.isEmpty()) {
            plan = Optional.of(planner.get().planRoutes(target.host().get().host(), routes(tried), level == OutboundLevel.DANE_ONLY));
        }
        Optional<DaneRouting> decided = routing;
        Optional<StsSummary> stsSummary = routing.flatMap(DaneRouting::sts)
            .map(decision -> StsSummary.of(decision, tried.stream().map(NextHop::host).toList()));
        List<HopCheck> checks = new ArrayList<>();
        for (NextHop hop : tried) {
            boolean excluded = stsSummary.filter(StsSummary::applies).isPresent() && decided.get().stsSkipped().contains(hop.host());
            checks.add(check(hop, level, tls, mxSecure, plan, hostTarget && !rowFound, decided, excluded));
        }
        String policySource = decided.map(r -> r.factsFor(Optional.empty()).source().token())
            .orElse(rowFound && !row.isDefault() ? PolicySource.ROW.token() : PolicySource.DEFAULT.token());
        return new CheckPeerResult(target.text(), target.domain(), rowName, level, levelSource, hopsFrom, dnsNote,
            dnsResultType, checks, policySource, stsSummary);
    }

    /** The hop the delivery would try for {@code hop} under the MTA-STS policy (its first address), if any. */
    private static Optional<NextHop> stsHop(DaneRouting routing, NextHop hop) {
        return routing.hops().stream().filter(h -> h.host().equals(hop.host()) && h.port() == hop.port() && h.sts().isPresent())
            .findFirst();
    }

    /**
     * One static route of one row at the row's level, as doctor checks every {@code route=}: exactly that host,
     * no MX lookup.
     *
     * @throws IOException when the row's TLS material cannot be read
     */
    public CheckPeerResult checkRoute(NamespacePolicy row, Smarthost route) throws IOException {
        OutboundPolicy policy = row.outbound();
        OutboundLevel level = policy.level();
        OutboundTls tls = OutboundTls.forPolicy(policy, clock);
        Optional<String> domain = row.isDefault() || row.namespace().startsWith(".") ? Optional.empty() : Optional.of(row.namespace());
        NextHop next = NextHop.of(route);
        Optional<DanePlan> plan = level.isDane() ? planner.map(dane -> dane.planRoutes(domain.orElse(route.host()),
            routes(List.of(next)), level == OutboundLevel.DANE_ONLY)) : Optional.empty();
        HopCheck hop = check(next, level, tls, true, plan, false, Optional.empty(), false);
        return new CheckPeerResult(route.toString(), domain, row.source(), level, "row", "route", Optional.empty(),
            Optional.empty(), List.of(hop), row.isDefault() ? PolicySource.DEFAULT.token() : PolicySource.ROW.token(), Optional.empty());
    }

    /** A [host]:port is judged by the row that routes to it, when one does (doctor's case); else by no row. */
    private NamespacePolicy rowRouting(Smarthost host) {
        for (NamespacePolicy row : table.rows()) {
            if (row.outbound().routes().contains(host)) {
                return row;
            }
        }
        return NamespacePolicy.builtInDefault();
    }

    private static List<DanePlanner.Route> routes(List<NextHop> hops) {
        List<DanePlanner.Route> routes = new ArrayList<>();
        hops.forEach(hop -> routes.add(new DanePlanner.Route(hop.host(), hop.port())));
        return routes;
    }

    /** The plan's decision for this hop; for a destination refused as a whole, that refusal. */
    private static Optional<PeerJudge.DaneStep> step(DanePlan plan, NextHop hop) {
        String host = new DanePlanner.Route(hop.host(), hop.port()).host();
        for (DaneHostPlan candidate : plan.hosts()) {
            if (candidate.host().equals(host) && candidate.port() == hop.port()) {
                return Optional.of(PeerJudge.DaneStep.of(candidate));
            }
        }
        return plan.deferral().isPresent() ? Optional.of(PeerJudge.DaneStep.refused(plan)) : Optional.empty();
    }

    /**
     * @param unrouted a {@code [host]:port} of the command line that no row routes to: the delivery never goes there,
     *                 so a host the DNSSEC lookups find no address for is tried at the system resolver's address and
     *                 judged as having no secure TLSA records (posttls-finger's view), where a route would wait
     */
    private HopCheck check(NextHop hop, OutboundLevel level, OutboundTls tls, boolean mxSecure, Optional<DanePlan> plan,
                           boolean unrouted, Optional<DaneRouting> routing, boolean stsExcluded) {
        boolean literal = isAddressLiteral(hop.host());
        Optional<PeerJudge.DaneStep> step = plan.flatMap(p -> step(p, hop));
        Optional<NextHop> underSts = routing.filter(r -> r.sts().filter(StsDecision::applies).isPresent())
            .flatMap(r -> stsHop(r, hop));
        if (stsExcluded && underSts.isEmpty()) {
            StsAuthentication policy = new StsAuthentication(routing.get().sts().get().policy().get(), sts.get().trust());
            return judge.excludedBySts(hop.toString(), hop.host(), policy);
        }
        if (unrouted && step.isPresent() && step.get().mode() == DaneHostPlan.Mode.NO_ADDRESS) {
            step = Optional.of(PeerJudge.DaneStep.withoutTlsa(step.get(), level == OutboundLevel.DANE_ONLY));
        }
        Optional<InetAddress> address = plan.flatMap(p -> p.hosts().stream()
            .filter(h -> h.host().equals(new DanePlanner.Route(hop.host(), hop.port()).host()) && h.port() == hop.port())
            .flatMap(h -> h.addresses().stream()).findFirst());
        Optional<TlsaCheck> tlsa = Optional.empty();
        if (lookups.isPresent() && !literal) {
            if (address.isEmpty()) {
                DnssecAnswer<InetAddress> a = DanePlanner.Dns.of(lookups.get()).addresses(hop.host());
                if (a.outcome() == DnssecAnswer.Outcome.RECORDS) {
                    address = Optional.of(a.records().get(0));
                }
            }
            tlsa = Optional.of(mxSecure ? TlsaCheck.of(lookups.get().tlsaForHost(hop.host(), hop.port()))
                : new TlsaCheck("_" + hop.port() + "._tcp." + hop.host(), DnssecStatus.INSECURE, DnssecAnswer.Outcome.NODATA,
                    "the MX records are not DNSSEC-secure: TLSA not used (RFC 7672 section 2.2.1)", List.of()));
        }
        // the delivery does not connect to a host its DNSSEC lookups found no address for; neither does check-peer
        PeerObservation seen = step.isPresent() && step.get().mode() == DaneHostPlan.Mode.NO_ADDRESS
            ? PeerObservation.unreachable("", step.get().reason())
            : session.observe(hop.host(), address, hop.port(), hop.implicitTls(), level != OutboundLevel.NONE, tls);
        if (underSts.isPresent() && step.filter(s -> s.mode() == DaneHostPlan.Mode.NO_ADDRESS
                || s.mode() == DaneHostPlan.Mode.DNSSEC_FAILED).isEmpty()) {
            return judge.judgeSts(hop.toString(), hop.host(), seen, tlsa, underSts.get().sts().get());
        }
        return judge.judge(hop.toString(), hop.host(), level, tls, seen, tlsa, step);
    }

    private Mx mx(String domain) {
        if (lookups.isPresent()) {
            DnssecAnswer<MXRecord> answer = lookups.get().mx(domain);
            if (answer.status().isFailure()) {
                return new Mx(List.of(), "none", Optional.of("MX lookup of " + domain + " is " + answer.status().name()
                    + ": " + answer.reason() + " (the mail waits)"), false).type(DanePlan.DNSSEC_INVALID);
            }
            boolean secure = answer.isSecure();
            String status = "MX records " + (secure ? "DNSSEC-secure" : "not DNSSEC-secure (" + answer.status().name().toLowerCase(java.util.Locale.ROOT) + ")");
            if (answer.outcome() != DnssecAnswer.Outcome.RECORDS) {
                return new Mx(List.of(mxHop(domain)), "mx-fallback", Optional.of("no MX records: the domain itself (RFC 5321 section 5.1); " + status), secure);
            }
            List<NextHop> hops = new ArrayList<>();
            answer.records().forEach(record -> hops.add(mxHop(record.getTarget().toString(true))));
            return new Mx(hops, "mx", Optional.of(status), secure);
        }
        try {
            Lookup lookup = new Lookup(domain, Type.MX);
            Record[] records = lookup.run();
            if (lookup.getResult() == Lookup.TRY_AGAIN) {
                return new Mx(List.of(), "none", Optional.of("temporary DNS failure looking up MX of " + domain + ": " + lookup.getErrorString()), false);
            }
            if (records == null || records.length == 0) {
                return new Mx(List.of(mxHop(domain)), "mx-fallback", Optional.of("no MX records: the domain itself (RFC 5321 section 5.1); system resolver, no DNSSEC"), false);
            }
            List<MXRecord> sorted = new ArrayList<>();
            for (Record record : records) {
                sorted.add((MXRecord) record);
            }
            sorted.sort(java.util.Comparator.comparingInt(MXRecord::getPriority));
            List<NextHop> hops = new ArrayList<>();
            sorted.forEach(record -> hops.add(mxHop(record.getTarget().toString(true))));
            return new Mx(hops, "mx", Optional.of("system resolver, no DNSSEC: TLSA not looked up"), false);
        } catch (TextParseException e) {
            return new Mx(List.of(), "none", Optional.of("not a domain name: " + domain), false);
        }
    }

    /** An MX host at the delivery's MX port. */
    private NextHop mxHop(String host) {
        NextHop mx = NextHop.mx(host);
        return NextHop.of(mx.host(), mxPort, false);
    }

    private static boolean isAddressLiteral(String host) {
        return host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private static OutboundPolicy withCa(OutboundPolicy policy, Optional<java.nio.file.Path> ca) {
        if (ca.isEmpty()) {
            return policy;
        }
        OutboundPolicy.Builder copy = OutboundPolicy.builder().level(policy.level()).matchNames(policy.matchNames())
            .pinsSha256(policy.pinsSha256()).minProtocol(policy.minProtocol()).routes(policy.routes())
            .trustAnchors(ca.get());
        policy.revocationLists().ifPresent(copy::revocationLists);
        policy.clientIdentity().ifPresent(copy::clientIdentity);
        return copy.build();
    }

    private static final class Mx {
        final List<NextHop> hops;
        final String from;
        final Optional<String> note;
        final boolean secure;
        Optional<String> resultType = Optional.empty();

        Mx type(String word) {
            this.resultType = Optional.of(word);
            return this;
        }

        Mx(List<NextHop> hops, String from, Optional<String> note, boolean secure) {
            this.hops = hops;
            this.from = from;
            this.note = note;
            this.secure = secure;
        }
    }
}
