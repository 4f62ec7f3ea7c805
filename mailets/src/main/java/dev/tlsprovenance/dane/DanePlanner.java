package dev.tlsprovenance.dane;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import org.xbill.DNS.MXRecord;
import org.xbill.DNS.TLSARecord;

/**
 * Decides, from DNSSEC-validated answers only, how a destination is delivered at level {@code dane} or
 * {@code dane-only} (RFC 7672 section 2.2, Postfix's meaning of the levels):
 * <ul>
 * <li>MX lookup: BOGUS or INDETERMINATE defers the destination ({@code dnssec-invalid}); INSECURE (records or
 *     denial) means DANE does not apply: every MX host as {@code may} for {@code dane}, the destination refused
 *     ({@code dane-required}) for {@code dane-only}; a SECURE denial makes the domain itself the host (2.2.1).</li>
 * <li>Per host (most preferred first): its addresses (A, else AAAA): failed -&gt; the host is skipped
 *     ({@code dnssec-invalid}); insecure -&gt; no TLSA lookup (2.2.2), {@code may} / refused. Then TLSA at the TLSA
 *     base domain: failed -&gt; skipped; SECURE with a usable record -&gt; authenticated TLS; SECURE without one -&gt;
 *     mandatory unauthenticated TLS; secure denial or insecure -&gt; {@code may} / refused.</li>
 * <li>Explicit routes (a row's {@code route=}): the route hosts stand for the MX hosts (no MX lookup), their TLSA
 *     records at {@code _port._tcp.host}, the route host the only reference identifier (as Postfix for a non-MX
 *     next hop).</li>
 * </ul>
 * Pure: the DNS is behind {@link Dns}, so the decision is a function of the answers.
 */
public final class DanePlanner {
    /** The DNSSEC lookups a plan needs; {@link #of(DnssecLookups)} in production, answers made up in tests. */
    public interface Dns {
        DnssecAnswer<MXRecord> mx(String domain);

        /** The host's A records, or its AAAA records when it has no A record. */
        DnssecAnswer<InetAddress> addresses(String host);

        /** TLSA records at the RFC 7672 section 2.2.2 base domain (asked only when the addresses are SECURE). */
        DnssecAnswer<TLSARecord> tlsaForHost(String host, int port);

        static Dns of(DnssecLookups lookups) {
            return new Dns() {
                @Override
                public DnssecAnswer<MXRecord> mx(String domain) {
                    return lookups.mx(domain);
                }

                @Override
                public DnssecAnswer<InetAddress> addresses(String host) {
                    DnssecAnswer<InetAddress> v4 = lookups.a(host);
                    if (v4.outcome() == DnssecAnswer.Outcome.RECORDS || v4.status().isFailure()) {
                        return v4;
                    }
                    DnssecAnswer<InetAddress> v6 = lookups.aaaa(host);
                    return v6.outcome() == DnssecAnswer.Outcome.RECORDS || v6.status().isFailure() ? v6 : v4;
                }

                @Override
                public DnssecAnswer<TLSARecord> tlsaForHost(String host, int port) {
                    return lookups.tlsaForHost(host, port);
                }
            };
        }
    }

    /** A host and port given by the table ({@code route=}) instead of the MX lookup. */
    public static final class Route {
        private final String host;
        private final int port;

        public Route(String host, int port) {
            this.host = normal(host);
            this.port = port;
        }

        public String host() {
            return host;
        }

        public int port() {
            return port;
        }
    }

    private final Dns dns;
    private final int mxPort;

    /** @param mxPort the port MX hosts are connected to and whose TLSA records apply: 25 except in tests */
    public DanePlanner(Dns dns, int mxPort) {
        this.dns = Objects.requireNonNull(dns);
        this.mxPort = mxPort;
    }

    public DanePlanner(Dns dns) {
        this(dns, DnssecLookups.SMTP_PORT);
    }

    /** The decision for mail to {@code domain} at {@code dane} ({@code daneOnly} false) or {@code dane-only}. */
    public DanePlan plan(String domain, boolean daneOnly) {
        String destination = normal(domain);
        DnssecAnswer<MXRecord> mx = dns.mx(destination);
        if (mx.status().isFailure()) {
            return new DanePlan(destination, mx.status(), List.of(), Optional.of("DNSSEC " + word(mx.status())
                + " answer for the MX records of " + destination + ": " + mx.reason()));
        }
        List<String> hosts = new ArrayList<>();
        if (mx.outcome() == DnssecAnswer.Outcome.RECORDS) {
            for (MXRecord record : mx.records()) {
                hosts.add(normal(record.getTarget().toString()));
            }
        } else {
            hosts.add(destination);
        }
        boolean secureMx = mx.isSecure();
        if (!secureMx && daneOnly) {
            return new DanePlan(destination, mx.status(), List.of(), Optional.of("DANE required: the MX "
                + (mx.outcome() == DnssecAnswer.Outcome.RECORDS ? "records" : "denial") + " of " + destination
                + " are not DNSSEC-signed (insecure), so DANE cannot apply (level dane-only)"));
        }
        List<DaneHostPlan> plans = new ArrayList<>();
        for (String host : hosts) {
            List<String> references = host.equals(destination) ? List.of(destination) : List.of(destination, host);
            plans.add(planHost(host, mxPort, mx.status(), secureMx, daneOnly, references));
        }
        return new DanePlan(destination, mx.status(), plans, Optional.empty());
    }

    /** The decision for mail to {@code domain} over the table's routes, each judged by its own TLSA records. */
    public DanePlan planRoutes(String domain, List<Route> routes, boolean daneOnly) {
        List<DaneHostPlan> plans = new ArrayList<>();
        for (Route route : routes) {
            plans.add(planHost(route.host(), route.port(), DnssecStatus.SECURE, true, daneOnly, List.of(route.host())));
        }
        return new DanePlan(normal(domain), DnssecStatus.SECURE, plans, Optional.empty());
    }

    private DaneHostPlan planHost(String host, int port, DnssecStatus mxStatus, boolean secureMx, boolean daneOnly,
                                  List<String> references) {
        if (host.isEmpty()) {
            return new DaneHostPlan(DaneHostPlan.NULL_MX_HOST, port, List.of(), DaneHostPlan.Mode.NO_ADDRESS, mxStatus, TlsaRecordSet.of(),
                references, "null MX (RFC 7505): the domain accepts no mail");
        }
        Optional<InetAddress> literal = addressLiteral(host);
        if (literal.isPresent()) {
            return withoutTlsa(host, port, List.of(literal.get()), DnssecStatus.INSECURE, references, daneOnly,
                "route " + host + " is an address, which has no TLSA records");
        }
        DnssecAnswer<InetAddress> addresses = dns.addresses(host);
        DnssecStatus status = weaker(mxStatus, addresses.status());
        if (addresses.status().isFailure()) {
            return new DaneHostPlan(host, port, List.of(), DaneHostPlan.Mode.DNSSEC_FAILED, status, TlsaRecordSet.of(),
                references, "DNSSEC " + word(addresses.status()) + " answer for the addresses of " + host + ": " + addresses.reason());
        }
        if (addresses.outcome() != DnssecAnswer.Outcome.RECORDS) {
            return new DaneHostPlan(host, port, List.of(), DaneHostPlan.Mode.NO_ADDRESS, status, TlsaRecordSet.of(),
                references, "no address record for " + host + " (" + addresses.outcome().name().toLowerCase(Locale.ROOT) + ")");
        }
        List<InetAddress> found = addresses.records();
        if (!secureMx || !addresses.isSecure()) {
            String why = !secureMx ? "the MX records are not DNSSEC-signed" : "the addresses of " + host + " are not DNSSEC-signed";
            return withoutTlsa(host, port, found, status, references, daneOnly, why + ": TLSA not looked up (RFC 7672 section 2.2)");
        }
        DnssecAnswer<TLSARecord> tlsa = dns.tlsaForHost(host, port);
        status = weaker(status, tlsa.status());
        if (tlsa.status().isFailure()) {
            return new DaneHostPlan(host, port, found, DaneHostPlan.Mode.DNSSEC_FAILED, status, TlsaRecordSet.of(),
                references, "DNSSEC " + word(tlsa.status()) + " answer for the TLSA records of " + host + ": " + tlsa.reason());
        }
        if (!tlsa.isSecure() || tlsa.outcome() != DnssecAnswer.Outcome.RECORDS) {
            String why = tlsa.isSecure() ? "no TLSA record at " + tlsa.queryName() + " (secure denial)"
                : "TLSA records of " + host + " are not DNSSEC-signed";
            return withoutTlsa(host, port, found, status, references, daneOnly, why);
        }
        TlsaRecordSet records = TlsaRecordSet.fromWire(tlsa.records().stream().map(TLSARecord::rdataToWireCanonical)
            .collect(Collectors.toList()));
        List<String> names = new ArrayList<>(references);
        String base = baseDomain(tlsa.queryName());
        if (!names.contains(base)) {
            names.add(base);
        }
        if (records.usableRecords().isEmpty()) {
            return new DaneHostPlan(host, port, found, DaneHostPlan.Mode.ENCRYPT, status, records, names,
                "secure TLSA RRset at " + tlsa.queryName() + " has no usable record: TLS without authentication (RFC 7672 section 2.2)");
        }
        return new DaneHostPlan(host, port, found, DaneHostPlan.Mode.AUTHENTICATED, status, records, names,
            "secure TLSA records at " + tlsa.queryName());
    }

    private static DaneHostPlan withoutTlsa(String host, int port, List<InetAddress> addresses, DnssecStatus status,
                                            List<String> references, boolean daneOnly, String why) {
        if (daneOnly) {
            return new DaneHostPlan(host, port, addresses, DaneHostPlan.Mode.REFUSED, status, TlsaRecordSet.of(), references,
                "DANE required: " + why + " (level dane-only)");
        }
        return new DaneHostPlan(host, port, addresses, DaneHostPlan.Mode.MAY, status, TlsaRecordSet.of(), references, why);
    }

    /** Of two statuses the weaker, in the order secure, insecure, bogus, indeterminate. */
    static DnssecStatus weaker(DnssecStatus a, DnssecStatus b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** An IPv4 or IPv6 literal (no DNS involved), else empty. */
    static Optional<InetAddress> addressLiteral(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!bare.matches("[0-9.]+") && !(bare.contains(":") && bare.matches("[0-9a-f:.]+"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(bare));
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static String word(DnssecStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** {@code _25._tcp.mx.example.com} -&gt; {@code mx.example.com}. */
    private static String baseDomain(String tlsaName) {
        String[] labels = tlsaName.split("\\.", 3);
        return labels.length == 3 && labels[0].startsWith("_") && labels[1].startsWith("_") ? labels[2] : tlsaName;
    }

    private static String normal(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
