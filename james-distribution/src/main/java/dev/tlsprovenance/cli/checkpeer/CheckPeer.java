package dev.tlsprovenance.cli.checkpeer;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import dev.tlsprovenance.dane.DnssecAnswer;
import dev.tlsprovenance.dane.DnssecLookups;
import dev.tlsprovenance.dane.DnssecStatus;
import dev.tlsprovenance.outbound.NextHop;
import dev.tlsprovenance.outbound.OutboundTls;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.policy.Smarthost;
import dev.tlsprovenance.policy.TlsPolicyTable;

/**
 * check-peer's work, without picocli: find the row as the server would ({@link TlsPolicyTable#lookup}), the next
 * hops (the row's routes, else the MX hosts, through {@link DnssecLookups} when a DNSSEC resolver is configured,
 * else the system resolver), open a session to each ({@link PeerSession}), and judge it ({@link PeerJudge}).
 *
 * <p>The "resolve as the server would" steps (row, then DANE, then MTA-STS) are here until the delivery has a
 * per-destination decision class of its own; then {@link #run} should ask that class instead.
 */
public final class CheckPeer {
    /**
     * posttls-finger's defaults for a {@code [host]:port} no row routes to: {@code dane} when DNSSEC lookups are
     * available, else {@code secure}.
     */
    static PeerLevel defaultHostLevel(boolean dnssec) {
        return dnssec ? PeerLevel.DANE : PeerLevel.SECURE;
    }
    private static final int MAX_HOPS = 5;

    private final TlsPolicyTable table;
    private final Optional<DnssecLookups> lookups;
    private final PeerSession session;
    private final PeerJudge judge;
    private final Clock clock;

    public CheckPeer(TlsPolicyTable table, Optional<DnssecLookups> lookups, String heloName, Duration timeout, Clock clock) {
        this.table = table;
        this.lookups = lookups;
        this.session = new PeerSession(heloName, timeout);
        this.judge = new PeerJudge(clock);
        this.clock = clock;
    }

    /**
     * @param levelOverride {@code --level}
     * @param caOverride    a PEM bundle of CA certificates replacing the row's {@code ca=} (and the JVM's anchors)
     * @throws IOException when the row's TLS material (CA bundle, client key store) cannot be read: a configuration
     *                     error naming the file
     */
    public CheckPeerResult run(PeerTarget target, Optional<PeerLevel> levelOverride, Optional<java.nio.file.Path> caOverride)
            throws IOException {
        NamespacePolicy row = target.domain().map(table::lookup).orElseGet(() -> rowRouting(target.host().get()));
        OutboundPolicy policy = withCa(row.outbound(), caOverride);
        boolean hostTarget = target.domain().isEmpty();
        boolean rowFound = hostTarget ? !row.isDefault() : true;
        PeerLevel level = levelOverride.orElse(hostTarget && !rowFound ? defaultHostLevel(lookups.isPresent()) : PeerLevel.of(policy.level()));
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
        List<HopCheck> checks = new ArrayList<>();
        for (NextHop hop : hops.subList(0, Math.min(hops.size(), MAX_HOPS))) {
            checks.add(check(hop, target.domain(), level, tls, mxSecure));
        }
        return new CheckPeerResult(target.text(), target.domain(), rowName, level, levelSource, hopsFrom, dnsNote,
            dnsResultType, checks);
    }

    /**
     * One static route of one row at the row's level, as doctor checks every {@code route=}: exactly that host,
     * no MX lookup.
     *
     * @throws IOException when the row's TLS material cannot be read
     */
    public CheckPeerResult checkRoute(NamespacePolicy row, Smarthost route) throws IOException {
        OutboundPolicy policy = row.outbound();
        PeerLevel level = PeerLevel.of(policy.level());
        OutboundTls tls = OutboundTls.forPolicy(policy, clock);
        Optional<String> domain = row.isDefault() || row.namespace().startsWith(".") ? Optional.empty() : Optional.of(row.namespace());
        HopCheck hop = check(NextHop.of(route), domain, level, tls, true);
        return new CheckPeerResult(route.toString(), domain, row.source(), level, "row", "route", Optional.empty(),
            Optional.empty(), List.of(hop));
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

    private HopCheck check(NextHop hop, Optional<String> domain, PeerLevel level, OutboundTls tls, boolean mxSecure) {
        boolean literal = isAddressLiteral(hop.host());
        Optional<InetAddress> address = Optional.empty();
        Optional<TlsaCheck> tlsa = Optional.empty();
        if (lookups.isPresent() && !literal) {
            DnssecAnswer<InetAddress> a = lookups.get().a(hop.host());
            if (a.outcome() != DnssecAnswer.Outcome.RECORDS && !a.status().isFailure()) {
                DnssecAnswer<InetAddress> aaaa = lookups.get().aaaa(hop.host());
                if (aaaa.outcome() == DnssecAnswer.Outcome.RECORDS) {
                    a = aaaa;
                }
            }
            if (a.outcome() == DnssecAnswer.Outcome.RECORDS) {
                address = Optional.of(a.records().get(0));
            }
            tlsa = Optional.of(mxSecure ? TlsaCheck.of(lookups.get().tlsaForHost(hop.host(), hop.port()))
                : new TlsaCheck("_" + hop.port() + "._tcp." + hop.host(), DnssecStatus.INSECURE, DnssecAnswer.Outcome.NODATA,
                    "the MX records are not DNSSEC-secure: TLSA not used (RFC 7672 section 2.2.1)", List.of()));
        }
        PeerObservation seen = session.observe(hop.host(), address, hop.port(), hop.implicitTls(),
            level != PeerLevel.NONE, tls);
        List<String> referenceNames = new ArrayList<>(new LinkedHashSet<>(domain.isPresent()
            ? List.of(hop.host(), domain.get()) : List.of(hop.host())));
        return judge.judge(hop.toString(), hop.host(), referenceNames, level, tls, seen, tlsa);
    }

    private Mx mx(String domain) {
        if (lookups.isPresent()) {
            DnssecAnswer<MXRecord> answer = lookups.get().mx(domain);
            if (answer.status().isFailure()) {
                return new Mx(List.of(), "none", Optional.of("MX lookup of " + domain + " is " + answer.status().name()
                    + ": " + answer.reason() + " (the mail waits)"), false).type(PeerJudge.DNSSEC_INVALID);
            }
            boolean secure = answer.isSecure();
            String status = "MX records " + (secure ? "DNSSEC-secure" : "not DNSSEC-secure (" + answer.status().name().toLowerCase(java.util.Locale.ROOT) + ")");
            if (answer.outcome() != DnssecAnswer.Outcome.RECORDS) {
                return new Mx(List.of(NextHop.mx(domain)), "mx-fallback", Optional.of("no MX records: the domain itself (RFC 5321 section 5.1); " + status), secure);
            }
            List<NextHop> hops = new ArrayList<>();
            answer.records().forEach(record -> hops.add(NextHop.mx(record.getTarget().toString(true))));
            return new Mx(hops, "mx", Optional.of(status), secure);
        }
        try {
            Lookup lookup = new Lookup(domain, Type.MX);
            Record[] records = lookup.run();
            if (lookup.getResult() == Lookup.TRY_AGAIN) {
                return new Mx(List.of(), "none", Optional.of("temporary DNS failure looking up MX of " + domain + ": " + lookup.getErrorString()), false);
            }
            if (records == null || records.length == 0) {
                return new Mx(List.of(NextHop.mx(domain)), "mx-fallback", Optional.of("no MX records: the domain itself (RFC 5321 section 5.1); system resolver, no DNSSEC"), false);
            }
            List<MXRecord> sorted = new ArrayList<>();
            for (Record record : records) {
                sorted.add((MXRecord) record);
            }
            sorted.sort(java.util.Comparator.comparingInt(MXRecord::getPriority));
            List<NextHop> hops = new ArrayList<>();
            sorted.forEach(record -> hops.add(NextHop.mx(record.getTarget().toString(true))));
            return new Mx(hops, "mx", Optional.of("system resolver, no DNSSEC: TLSA not looked up"), false);
        } catch (TextParseException e) {
            return new Mx(List.of(), "none", Optional.of("not a domain name: " + domain), false);
        }
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
