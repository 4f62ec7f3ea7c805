package dev.tlsprovenance.dane;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.jar.Manifest;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * DNSSEC-validated MX, A, AAAA and TLSA lookups for DANE (RFC 7672), each answer with its RFC 4035 security status.
 *
 * <p>Pure: no James types. Built over dnsjava's {@link ValidatingResolver} wrapping a {@link SimpleResolver} that
 * sends every query to one configured recursive resolver. Why these choices:
 * <ul>
 *   <li><b>We validate ourselves; the upstream AD bit is never trusted.</b> The AD bit is one unauthenticated
 *       header bit: anybody on the path between us and the resolver (or a resolver that does not validate, or a
 *       container's forwarding stub) can set it. The validator sends every query with CD (checking disabled) and
 *       DO, gets the signatures, and checks them from our own trust anchor down; it clears any AD the upstream
 *       set. The resolver then only has to be recursive and pass DNSSEC records through.</li>
 *   <li><b>Trust anchors are configuration.</b> The default is the IANA root KSKs (KSK-2017, 20326, and
 *       KSK-2024, 38696, as DS records, both during the 2024-2026 rollover); tests and private namespaces give
 *       their own (a test root, or an internal zone's DS).</li>
 *   <li><b>SERVFAIL from the validator is BOGUS, SERVFAIL from the upstream is INDETERMINATE.</b> dnsjava reports a
 *       failed validation as SERVFAIL with a reason (EDE option and a TXT record of class
 *       {@value ValidatingResolver#VALIDATION_REASON_QCLASS}); an upstream SERVFAIL for our question also comes
 *       out as SERVFAIL. A thin wrapper around the upstream resolver notes which of our questions the upstream
 *       itself failed, so the two are told apart. Both make a delivery wait; the reason text differs.</li>
 *   <li><b>A small cache honouring TTLs</b>, bounded in entries and capped in time, so a queue of mail to one
 *       domain costs one validation per TTL. Only answers (records or denials) are cached: BOGUS and
 *       INDETERMINATE are not, so a repaired zone or a resolver that is back is seen at the next retry. The clock
 *       is injected, and the validator uses the same clock for signature validity.</li>
 *   <li><b>Bounded time.</b> A query timeout for each upstream exchange and a deadline for the whole lookup
 *       (the validator may need several exchanges for DS and DNSKEY); past it the answer is INDETERMINATE.</li>
 * </ul>
 *
 * <p>CNAMEs are followed as the recursive resolver returns them and validated link by link by the validator (the
 * answer is SECURE only when every link and the final records are). {@link #tlsaForHost(String, int)} applies
 * RFC 7672 section 2.2.2 for the TLSA base domain: no TLSA lookup unless the host's address records are secure;
 * after a secure CNAME expansion, the expanded name first, then the original name.
 *
 * <p>Thread-safe; one instance is meant to be shared by every delivery.
 */
public final class DnssecLookups {

    /** The IANA root trust anchors (DS of KSK-2017 and KSK-2024), in zone-file format as the validator reads it. */
    public static final String ROOT_TRUST_ANCHORS =
            ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
                    + ". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16\n";

    /** RFC 7672 section 3: an SMTP server's TLSA records live at {@code _25._tcp.<host>}. */
    public static final int SMTP_PORT = 25;

    private static final int MAX_CNAME_HOPS = 16;

    private final Settings settings;
    private final ValidatingResolver validator;
    private final UpstreamFailures upstreamFailures;
    private final AnswerCache cache;

    /**
     * @throws IllegalStateException when the dnsjava on the classpath is older than 3.6.0 (see
     *                               {@link #dnsjavaVersion()})
     * @throws IllegalArgumentException when the trust anchors cannot be read or hold no DS/DNSKEY record
     */
    public DnssecLookups(Settings settings) {
        this.settings = Objects.requireNonNull(settings);
        String dnsjava = dnsjavaVersion();
        if (!hasCve202425638Fix(dnsjava)) {
            throw new IllegalStateException("dnsjava " + dnsjava + " is on the classpath; DNSSEC validation needs"
                    + " dnsjava 3.6.0 or later (CVE-2024-25638): replace the dnsjava jar in James's lib/ by 3.6.3");
        }
        SimpleResolver upstream = new SimpleResolver(settings.resolver());
        upstream.setTimeout(settings.queryTimeout());
        this.upstreamFailures = new UpstreamFailures(upstream);
        this.validator = new ValidatingResolver(upstreamFailures, settings.clock());
        try {
            validator.loadTrustAnchors(new ByteArrayInputStream(settings.trustAnchors().getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("unreadable DNSSEC trust anchors: " + e.getMessage(), e);
        }
        if (validator.getTrustAnchors().items().isEmpty()) {
            throw new IllegalArgumentException("no DS or DNSKEY record in the DNSSEC trust anchors");
        }
        this.cache = new AnswerCache(settings.cacheSize());
    }

    public Settings settings() {
        return settings;
    }

    /** The MX records of a domain, sorted by preference (lowest first, DNS order among equals). */
    public DnssecAnswer<MXRecord> mx(String domain) {
        DnssecAnswer<MXRecord> answer = lookup(domain, Type.MX, r -> (MXRecord) r);
        if (answer.records().size() < 2) {
            return answer;
        }
        List<MXRecord> sorted = new ArrayList<>(answer.records());
        sorted.sort(Comparator.comparingInt(MXRecord::getPriority));
        return DnssecAnswer.answered(answer.queryName(), answer.type(), answer.outcome(), sorted, answer.status(),
                answer.reason(), answer.ttl(), answer.cnameChain());
    }

    public DnssecAnswer<InetAddress> a(String host) {
        return lookup(host, Type.A, r -> ((ARecord) r).getAddress());
    }

    public DnssecAnswer<InetAddress> aaaa(String host) {
        return lookup(host, Type.AAAA, r -> ((AAAARecord) r).getAddress());
    }

    /**
     * The TXT records at {@code name}, each as its character-strings in DNS order, decoded as UTF-8 (a caller
     * concatenates them when its record format says so, as MTA-STS and TLS-RPT do). The status is given as for the
     * other lookups; MTA-STS does not need a SECURE answer but uses the same resolver.
     */
    public DnssecAnswer<List<String>> txt(String name) {
        return lookup(name, Type.TXT, r -> {
            List<String> strings = new ArrayList<>();
            for (byte[] string : ((TXTRecord) r).getStringsAsByteArrays()) {
                strings.add(new String(string, StandardCharsets.UTF_8));
            }
            return List.copyOf(strings);
        });
    }

    /** The TLSA records at exactly {@code _25._tcp.<host>} (no base-domain logic; see {@link #tlsaForHost}). */
    public DnssecAnswer<TLSARecord> tlsa(String host) {
        return tlsa(host, SMTP_PORT);
    }

    /** The TLSA records at exactly {@code _<port>._tcp.<host>}. */
    public DnssecAnswer<TLSARecord> tlsa(String host, int port) {
        return lookup(tlsaName(host, port), Type.TLSA, r -> (TLSARecord) r);
    }

    /**
     * The TLSA records that apply to connections to {@code host}, per RFC 7672 section 2.2.2: the host's address
     * records are looked up first (A, or AAAA when there is no A); TLSA records are only looked up when those are
     * SECURE (otherwise the answer is INSECURE: DANE does not apply; or BOGUS/INDETERMINATE, the address failure);
     * after a secure CNAME expansion the expanded name is the TLSA base domain, and the original name is tried
     * when the expanded one has no usable TLSA records. The answer's query name says which base domain was used.
     */
    public DnssecAnswer<TLSARecord> tlsaForHost(String host, int port) {
        DnssecAnswer<InetAddress> addresses = a(host);
        if (addresses.outcome() != DnssecAnswer.Outcome.RECORDS && !addresses.status().isFailure()) {
            DnssecAnswer<InetAddress> v6 = aaaa(host);
            if (v6.outcome() == DnssecAnswer.Outcome.RECORDS || v6.status().isFailure()) {
                addresses = v6;
            }
        }
        String original = tlsaName(host, port);
        if (addresses.status().isFailure()) {
            return DnssecAnswer.failed(original, "TLSA", addresses.status(),
                    "address lookup of " + addresses.queryName() + " failed: " + addresses.reason());
        }
        if (!addresses.isSecure()) {
            return DnssecAnswer.answered(original, "TLSA", DnssecAnswer.Outcome.NODATA, List.of(),
                    DnssecStatus.INSECURE, "address records of " + addresses.queryName()
                            + " are not DNSSEC-secure: TLSA not looked up (RFC 7672 section 2.2.2)",
                    addresses.ttl(), addresses.cnameChain());
        }
        if (addresses.cnameChain().size() > 1) {
            DnssecAnswer<TLSARecord> expanded = tlsa(addresses.canonicalName(), port);
            if (expanded.status().isFailure()
                    || (expanded.isSecure() && expanded.outcome() == DnssecAnswer.Outcome.RECORDS)) {
                return expanded;
            }
        }
        return tlsa(host, port);
    }

    /**
     * The version of the dnsjava jar that holds the validator (its {@code Bundle-Version}), or {@code "unknown"}
     * when the classes do not come from dnsjava's own jar (repackaged, say). A stock James 3.8.1 ships 3.5.2.
     */
    public static String dnsjavaVersion() {
        URL classFile = ValidatingResolver.class.getResource("ValidatingResolver.class");
        String url = classFile == null ? "" : classFile.toString();
        int separator = url.indexOf("!/");
        if (!url.startsWith("jar:") || separator < 0) {
            return "unknown";
        }
        try (InputStream in = new URL(url.substring(0, separator + 2) + "META-INF/MANIFEST.MF")
                .openStream()) {
            String version = new Manifest(in).getMainAttributes().getValue("Bundle-Version");
            return version == null ? "unknown" : version.trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Whether a dnsjava version has the fixes of 3.6.0: CVE-2024-25638 (unsanitised answers) and the validator's
     * KeyTrap flaws CVE-2023-50387 and CVE-2023-50868. An unknown version is let through: it is not dnsjava's own jar, and refusing it would only
     * make a repackaged but current dnsjava unusable.
     */
    static boolean hasCve202425638Fix(String version) {
        if ("unknown".equals(version)) {
            return true;
        }
        String[] parts = version.split("[.-]");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > 3 || (major == 3 && minor >= 6);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String tlsaName(String host, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("not a TCP port: " + port);
        }
        return "_" + port + "._tcp." + host;
    }

    private <T> DnssecAnswer<T> lookup(String name, int type, Function<Record, T> value) {
        Name qname = absoluteName(name);
        String key = qname.toString(true).toLowerCase(Locale.ROOT);
        String typeName = Type.string(type);
        Instant now = settings.clock().instant();
        @SuppressWarnings("unchecked")
        DnssecAnswer<T> cached = (DnssecAnswer<T>) cache.get(key + "/" + typeName, now);
        if (cached != null) {
            return cached;
        }
        DnssecAnswer<T> answer = query(qname, key, type, typeName, value);
        if (!answer.status().isFailure() && !answer.ttl().isZero()) {
            Duration keep = answer.ttl().compareTo(settings.maxCacheTtl()) > 0 ? settings.maxCacheTtl() : answer.ttl();
            cache.put(key + "/" + typeName, answer, now.plus(keep));
        }
        return answer;
    }

    private <T> DnssecAnswer<T> query(Name qname, String key, int type, String typeName, Function<Record, T> value) {
        Message request = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
        Message response;
        try {
            response = validator.sendAsync(request).toCompletableFuture()
                    .get(settings.lookupDeadline().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            upstreamFailures.take(request);
            return DnssecAnswer.failed(key, typeName, DnssecStatus.INDETERMINATE,
                    "no answer within " + settings.lookupDeadline().toMillis() + " ms from " + settings.resolver());
        } catch (ExecutionException e) {
            upstreamFailures.take(request);
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return DnssecAnswer.failed(key, typeName, DnssecStatus.INDETERMINATE,
                    "no answer from " + settings.resolver() + ": " + cause);
        } catch (InterruptedException e) {
            upstreamFailures.take(request);
            Thread.currentThread().interrupt();
            return DnssecAnswer.failed(key, typeName, DnssecStatus.INDETERMINATE, "interrupted");
        }
        Integer upstreamRcode = upstreamFailures.take(request);
        int rcode = response.getRcode();
        String why = validationReason(response);
        if (upstreamRcode != null) {
            return DnssecAnswer.failed(key, typeName, DnssecStatus.INDETERMINATE,
                    "resolver " + settings.resolver() + " answered " + Rcode.string(upstreamRcode));
        }
        if (rcode == Rcode.SERVFAIL) {
            return DnssecAnswer.failed(key, typeName, DnssecStatus.BOGUS,
                    why.isEmpty() ? "validation failed" : why);
        }
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return DnssecAnswer.failed(key, typeName, DnssecStatus.INDETERMINATE,
                    "resolver " + settings.resolver() + " answered " + Rcode.string(rcode));
        }
        DnssecStatus status = response.getHeader().getFlag(Flags.AD) ? DnssecStatus.SECURE : DnssecStatus.INSECURE;
        return parse(response, qname, key, type, typeName, status, why, value);
    }

    private static <T> DnssecAnswer<T> parse(Message response, Name qname, String key, int type, String typeName,
                                             DnssecStatus status, String why, Function<Record, T> value) {
        List<RRset> answerSets = response.getSectionRRsets(Section.ANSWER);
        List<String> chain = new ArrayList<>();
        chain.add(key);
        Name current = qname;
        long ttl = Long.MAX_VALUE;
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            RRset records = find(answerSets, current, type);
            if (records != null) {
                List<T> values = new ArrayList<>();
                for (Record r : records.rrs(false)) {
                    values.add(value.apply(r));
                }
                ttl = Math.min(ttl, records.getTTL());
                return DnssecAnswer.answered(key, typeName, DnssecAnswer.Outcome.RECORDS, values, status, why,
                        Duration.ofSeconds(ttl), chain);
            }
            RRset alias = type == Type.CNAME ? null : find(answerSets, current, Type.CNAME);
            if (alias == null) {
                break;
            }
            ttl = Math.min(ttl, alias.getTTL());
            current = ((CNAMERecord) alias.first()).getTarget();
            chain.add(current.toString(true).toLowerCase(Locale.ROOT));
            if (hop == MAX_CNAME_HOPS) {
                return DnssecAnswer.failed(key, typeName, DnssecStatus.INDETERMINATE,
                        "CNAME chain longer than " + MAX_CNAME_HOPS);
            }
        }
        DnssecAnswer.Outcome outcome = response.getRcode() == Rcode.NXDOMAIN
                ? DnssecAnswer.Outcome.NXDOMAIN : DnssecAnswer.Outcome.NODATA;
        long negativeTtl = 0;
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord) {
                negativeTtl = Math.min(r.getTTL(), ((SOARecord) r).getMinimum());
            }
        }
        ttl = Math.min(ttl, negativeTtl);
        return DnssecAnswer.answered(key, typeName, outcome, List.of(), status, why, Duration.ofSeconds(ttl), chain);
    }

    private static RRset find(List<RRset> sets, Name name, int type) {
        for (RRset set : sets) {
            if (set.getType() == type && set.getName().equals(name)) {
                return set;
            }
        }
        return null;
    }

    /** The validator's reason: the TXT record it adds in its private class, else the EDE option's text. */
    private static String validationReason(Message response) {
        for (Record r : response.getSection(Section.ADDITIONAL)) {
            if (r instanceof TXTRecord && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
                return String.join("", ((TXTRecord) r).getStrings());
            }
        }
        OPTRecord opt = response.getOPT();
        if (opt != null) {
            for (EDNSOption option : opt.getOptions()) {
                if (option instanceof ExtendedErrorCodeOption) {
                    ExtendedErrorCodeOption ede = (ExtendedErrorCodeOption) option;
                    return ede.getText() == null ? "EDE " + ede.getErrorCode() : ede.getText();
                }
            }
        }
        return "";
    }

    private static Name absoluteName(String name) {
        Objects.requireNonNull(name, "name");
        try {
            return Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        }
    }

    /**
     * The upstream resolver, noting which questions it answered with an error code itself, so that an upstream
     * SERVFAIL (INDETERMINATE) is not mistaken for the validator's SERVFAIL (BOGUS). The validator sends our
     * question as a copy with the same message id, hence the key. Bounded: a question whose lookup gave up before
     * the upstream answered would otherwise stay here.
     */
    private static final class UpstreamFailures implements Resolver {
        private static final int MAX_NOTED = 4096;
        private final Resolver upstream;
        private final Map<String, Integer> failed = new ConcurrentHashMap<>();

        UpstreamFailures(Resolver upstream) {
            this.upstream = upstream;
        }

        Integer take(Message request) {
            return failed.remove(key(request));
        }

        private static String key(Message message) {
            Record question = message.getQuestion();
            return message.getHeader().getID() + " " + question.getName().toString().toLowerCase(Locale.ROOT)
                    + " " + question.getType();
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query, Executor executor) {
            return upstream.sendAsync(query, executor).thenApply(response -> {
                int rcode = response.getRcode();
                if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                    if (failed.size() >= MAX_NOTED) {
                        failed.clear();
                    }
                    failed.put(key(query), rcode);
                }
                return response;
            });
        }

        @Override
        public void setPort(int port) {
            upstream.setPort(port);
        }

        @Override
        public void setTCP(boolean flag) {
            upstream.setTCP(flag);
        }

        @Override
        public void setIgnoreTruncation(boolean flag) {
            upstream.setIgnoreTruncation(flag);
        }

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
            upstream.setEDNS(version, payloadSize, flags, options);
        }

        @Override
        public void setTSIGKey(TSIG key) {
            upstream.setTSIGKey(key);
        }

        @Override
        public void setTimeout(Duration timeout) {
            upstream.setTimeout(timeout);
        }

        @Override
        public Duration getTimeout() {
            return upstream.getTimeout();
        }
    }

    /** A bounded LRU map of answers with their expiry instants. */
    private static final class AnswerCache {
        private final Map<String, Object[]> entries;

        AnswerCache(int maxEntries) {
            this.entries = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Object[]> eldest) {
                    return size() > maxEntries;
                }
            };
        }

        synchronized Object get(String key, Instant now) {
            Object[] entry = entries.get(key);
            if (entry == null) {
                return null;
            }
            if (!now.isBefore((Instant) entry[1])) {
                entries.remove(key);
                return null;
            }
            return entry[0];
        }

        synchronized void put(String key, Object answer, Instant expires) {
            entries.put(key, new Object[] {answer, expires});
        }
    }

    /**
     * What a {@link DnssecLookups} needs: the recursive resolver to ask, the trust anchors, time limits and the
     * cache bounds. Immutable; {@link #builder(InetSocketAddress)} gives the defaults named on each method.
     */
    public static final class Settings {
        private final InetSocketAddress resolver;
        private final String trustAnchors;
        private final Duration queryTimeout;
        private final Duration lookupDeadline;
        private final int cacheSize;
        private final Duration maxCacheTtl;
        private final Clock clock;

        private Settings(Builder b) {
            this.resolver = b.resolver;
            this.trustAnchors = b.trustAnchors;
            this.queryTimeout = b.queryTimeout;
            this.lookupDeadline = b.lookupDeadline;
            this.cacheSize = b.cacheSize;
            this.maxCacheTtl = b.maxCacheTtl;
            this.clock = b.clock;
        }

        public static Builder builder(InetSocketAddress resolver) {
            return new Builder(resolver);
        }

        public InetSocketAddress resolver() {
            return resolver;
        }

        public String trustAnchors() {
            return trustAnchors;
        }

        public Duration queryTimeout() {
            return queryTimeout;
        }

        public Duration lookupDeadline() {
            return lookupDeadline;
        }

        public int cacheSize() {
            return cacheSize;
        }

        public Duration maxCacheTtl() {
            return maxCacheTtl;
        }

        public Clock clock() {
            return clock;
        }

        /** Builds {@link Settings}; every setter checks its value and names it when it is wrong. */
        public static final class Builder {
            private final InetSocketAddress resolver;
            private String trustAnchors = ROOT_TRUST_ANCHORS;
            private Duration queryTimeout = Duration.ofSeconds(5);
            private Duration lookupDeadline = Duration.ofSeconds(20);
            private int cacheSize = 10_000;
            private Duration maxCacheTtl = Duration.ofHours(1);
            private Clock clock = Clock.systemUTC();

            private Builder(InetSocketAddress resolver) {
                this.resolver = Objects.requireNonNull(resolver, "resolver");
            }

            /** DS or DNSKEY records in zone-file format; default {@link #ROOT_TRUST_ANCHORS}. */
            public Builder trustAnchors(String zoneFileText) {
                this.trustAnchors = Objects.requireNonNull(zoneFileText, "trustAnchors");
                return this;
            }

            /** Timeout of one exchange with the resolver; default 5 s. */
            public Builder queryTimeout(Duration timeout) {
                this.queryTimeout = positive("queryTimeout", timeout);
                return this;
            }

            /** Deadline of a whole lookup, DS/DNSKEY exchanges included; default 20 s. */
            public Builder lookupDeadline(Duration deadline) {
                this.lookupDeadline = positive("lookupDeadline", deadline);
                return this;
            }

            /** Most answers kept; default 10,000. 0 disables the cache. */
            public Builder cacheSize(int entries) {
                if (entries < 0) {
                    throw new IllegalArgumentException("cacheSize must be >= 0: " + entries);
                }
                this.cacheSize = entries;
                return this;
            }

            /** Longest time an answer is reused, whatever its TTL; default 1 h. */
            public Builder maxCacheTtl(Duration max) {
                this.maxCacheTtl = positive("maxCacheTtl", max);
                return this;
            }

            /** The clock for cache expiry and signature validity; default the system UTC clock. */
            public Builder clock(Clock clock) {
                this.clock = Objects.requireNonNull(clock, "clock");
                return this;
            }

            public Settings build() {
                return new Settings(this);
            }

            private static Duration positive(String name, Duration value) {
                if (value == null || value.isNegative() || value.isZero()) {
                    throw new IllegalArgumentException(name + " must be a positive duration: " + value);
                }
                return value;
            }
        }
    }
}
