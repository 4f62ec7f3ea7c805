package dev.tlsprovenance.testing.dns;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A DNS namespace made and signed at test time: a test root (with its own trust anchor), the zones a test adds
 * below it, the delegations between them, and names that answer SERVFAIL.
 *
 * <p>It answers as a <em>recursive resolver</em> would after resolving: every zone it holds answers
 * authoritatively, CNAME chains are followed across zones into one answer, and DNSSEC records (RRSIG, NSEC, DS,
 * DNSKEY) are always included. That is what a validating stub such as dnsjava's {@code ValidatingResolver}
 * needs from its upstream, and it is the honest minimum: there is no iteration to fake, since the namespace holds
 * every zone. A DS question for a zone apex is answered from the parent zone, as in the real DNS.
 *
 * <p>Signing: per zone an ECDSA P-256 (algorithm 13) KSK signs the DNSKEY RRset and a ZSK signs the rest; the
 * parent holds NS and the SHA-256 DS of the child's KSK; denial is NSEC (an NSEC chain over every owner name,
 * delegation points included); delegation NS RRsets are not signed, as RFC 4035 says. A wildcard owner
 * ({@code *.name}) answers for names that do not exist below its closest encloser, with the wildcard's signatures
 * and the NSEC proving that no closer name exists (wildcard NODATA is answered as plain NODATA, without the
 * wildcard proof). The root trust anchor ({@link #trustAnchor()}) is the DS of the test root's KSK.
 */
public final class TestDnsNamespace {

    private static final long KEY_TTL = 3600;

    private final Map<Name, Zone> zones;
    private final List<Name> servfail;
    private final String trustAnchor;

    private TestDnsNamespace(Map<Name, Zone> zones, List<Name> servfail, String trustAnchor) {
        this.zones = zones;
        this.servfail = servfail;
        this.trustAnchor = trustAnchor;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The DS of the test root's KSK in zone-file form, for {@code DnssecLookups.Settings.trustAnchors}. */
    public String trustAnchor() {
        return trustAnchor;
    }

    /**
     * The response a recursive resolver would give to {@code query}; {@code claimAuthenticData} sets the AD bit on
     * every answer, as a lying or non-validating upstream might.
     */
    public Message answer(Message query, boolean claimAuthenticData) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        if (query.getHeader().getFlag(Flags.CD)) {
            response.getHeader().setFlag(Flags.CD);
        }
        Record question = query.getQuestion();
        if (question == null || query.getHeader().getOpcode() != Opcode.QUERY) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response;
        }
        response.addRecord(question, Section.QUESTION);
        if (query.getOPT() != null) {
            response.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        }
        if (underServfail(question.getName())) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        resolve(response, question.getName(), question.getType());
        if (claimAuthenticData && response.getRcode() != Rcode.SERVFAIL) {
            response.getHeader().setFlag(Flags.AD);
        }
        return response;
    }

    private void resolve(Message response, Name qname, int qtype) {
        Name current = qname;
        for (int hop = 0; hop < 16; hop++) {
            if (underServfail(current)) {
                response.getHeader().setRcode(Rcode.SERVFAIL);
                return;
            }
            Zone zone = zoneFor(current, qtype);
            if (zone == null) {
                if (hop == 0) {
                    response.getHeader().setRcode(Rcode.REFUSED);
                }
                return;
            }
            RRset answer = zone.rrset(current, qtype);
            if (answer != null) {
                add(response, answer, Section.ANSWER);
                return;
            }
            RRset alias = qtype == Type.CNAME ? null : zone.rrset(current, Type.CNAME);
            if (alias != null) {
                add(response, alias, Section.ANSWER);
                current = ((CNAMERecord) alias.first()).getTarget();
                continue;
            }
            Name wildcard = zone.wildcardFor(current);
            if (wildcard != null) {
                // RFC 4035 section 3.1.3.3: the expanded RRset keeps the wildcard's RRSIG (its label count tells
                // the validator it was expanded), and the NSEC covering the query name proves no closer match.
                RRset expanded = zone.rrset(wildcard, qtype);
                RRset expandedAlias = qtype == Type.CNAME ? null : zone.rrset(wildcard, Type.CNAME);
                if (expanded != null || expandedAlias != null) {
                    add(response, expand(expanded != null ? expanded : expandedAlias, current), Section.ANSWER);
                    zone.proveNoCloserMatch(response, current);
                    if (expanded != null) {
                        return;
                    }
                    current = ((CNAMERecord) expandedAlias.first()).getTarget();
                    continue;
                }
            }
            zone.deny(response, current);
            return;
        }
    }

    private boolean underServfail(Name name) {
        return servfail.stream().anyMatch(name::subdomain);
    }

    /** The held zone answering for {@code name}: the closest enclosing one, or its parent for a DS at an apex. */
    private Zone zoneFor(Name name, int qtype) {
        Zone best = null;
        for (Zone zone : zones.values()) {
            boolean encloses = name.subdomain(zone.origin);
            boolean skipApexForDs = qtype == Type.DS && name.equals(zone.origin) && !zone.origin.equals(Name.root);
            if (encloses && !skipApexForDs && (best == null || zone.origin.labels() > best.origin.labels())) {
                best = zone;
            }
        }
        return best;
    }

    /** The wildcard RRset {@code set} as an answer for {@code name}: the same data and signatures, renamed. */
    private static RRset expand(RRset set, Name name) {
        RRset expanded = new RRset();
        for (Record r : set.rrs(false)) {
            expanded.addRR(r.withName(name));
        }
        for (RRSIGRecord sig : set.sigs()) {
            expanded.addRR((RRSIGRecord) sig.withName(name));
        }
        return expanded;
    }

    private static void add(Message response, RRset set, int section) {
        for (Record r : set.rrs(false)) {
            response.addRecord(r, section);
        }
        for (RRSIGRecord sig : set.sigs()) {
            response.addRecord(sig, section);
        }
    }

    /** Collects the zones of a {@link TestDnsNamespace}; the test root is added unless a test gives its own. */
    public static final class Builder {
        private final List<TestZone> definitions = new ArrayList<>();
        private final List<Name> servfail = new ArrayList<>();

        private Builder() {
        }

        public Builder zone(TestZone zone) {
            definitions.add(zone);
            return this;
        }

        public Builder zone(TestZone.Builder zone) {
            return zone(zone.build());
        }

        /** Every question at or below {@code name} gets SERVFAIL (a broken authoritative server, say). */
        public Builder servfail(String name) {
            servfail.add(TestZone.absolute(name));
            return this;
        }

        public TestDnsNamespace build() {
            Map<Name, Zone> zones = new LinkedHashMap<>();
            if (definitions.stream().noneMatch(z -> z.origin().equals(Name.root))) {
                zones.put(Name.root, new Zone(TestZone.signed(".").build()));
            }
            for (TestZone definition : definitions) {
                if (zones.put(definition.origin(), new Zone(definition)) != null) {
                    throw new IllegalStateException("zone " + definition.origin() + " added twice");
                }
            }
            // Children first-to-last by depth, so that every parent has its delegations before it is signed.
            List<Zone> byDepth = new ArrayList<>(zones.values());
            byDepth.sort(Comparator.comparingInt((Zone z) -> z.origin.labels()).reversed());
            for (Zone child : byDepth) {
                if (child.origin.equals(Name.root)) {
                    continue;
                }
                Zone parent = parentOf(zones, child.origin);
                parent.delegate(child);
            }
            for (Zone zone : byDepth) {
                zone.sign();
            }
            Zone root = zones.get(Name.root);
            if (!root.definition.isSigned()) {
                throw new IllegalStateException("the test root must be signed");
            }
            String anchor = new DSRecord(Name.root, DClass.IN, KEY_TTL, DNSSEC.Digest.SHA256, root.ksk).toString();
            return new TestDnsNamespace(Map.copyOf(zones), List.copyOf(servfail), anchor + "\n");
        }

        private static Zone parentOf(Map<Name, Zone> zones, Name child) {
            for (int strip = 1; strip < child.labels(); strip++) {
                Zone parent = zones.get(new Name(child, strip));
                if (parent != null) {
                    return parent;
                }
            }
            throw new IllegalStateException("no parent zone for " + child);
        }
    }

    /** One zone being built and then answering: nodes in DNSSEC canonical order, each with its RRsets. */
    private static final class Zone {
        private final TestZone definition;
        private final Name origin;
        private final TreeMap<Name, Map<Integer, RRset>> nodes = new TreeMap<>();
        private final DNSKEYRecord ksk;
        private final DNSKEYRecord zsk;
        private final KeyPair kskPair;
        private final KeyPair zskPair;
        private long negativeTtl;

        Zone(TestZone definition) {
            this.definition = definition;
            this.origin = definition.origin();
            for (Record r : definition.records()) {
                put(r);
            }
            if (rrset(origin, Type.SOA) == null) {
                put(new SOARecord(origin, DClass.IN, 3600, name("ns", origin), name("hostmaster", origin),
                        1, 3600, 600, 86400, 300));
            }
            if (rrset(origin, Type.NS) == null) {
                put(new NSRecord(origin, DClass.IN, 3600, name("ns", origin)));
            }
            this.negativeTtl = ((SOARecord) rrset(origin, Type.SOA).first()).getMinimum();
            if (definition.isSigned()) {
                this.kskPair = newKeyPair();
                this.zskPair = newKeyPair();
                this.ksk = dnskey(DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY, kskPair);
                this.zsk = dnskey(DNSKEYRecord.Flags.ZONE_KEY, zskPair);
                put(ksk);
                put(zsk);
            } else {
                this.kskPair = null;
                this.zskPair = null;
                this.ksk = null;
                this.zsk = null;
            }
        }

        void delegate(Zone child) {
            for (Record ns : rrsetOf(child, Type.NS).rrs(false)) {
                put(new NSRecord(child.origin, DClass.IN, ns.getTTL(), ((NSRecord) ns).getTarget()));
            }
            if (child.definition.isSigned()) {
                DNSKEYRecord key = child.definition.dsMatchingNoKey()
                        ? dnskey(DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY, newKeyPair())
                        : child.ksk;
                put(new DSRecord(child.origin, DClass.IN, KEY_TTL, DNSSEC.Digest.SHA256, key));
            }
        }

        private static RRset rrsetOf(Zone zone, int type) {
            return zone.rrset(zone.origin, type);
        }

        void sign() {
            if (!definition.isSigned()) {
                return;
            }
            List<Name> owners = new ArrayList<>(nodes.keySet());
            for (int i = 0; i < owners.size(); i++) {
                Name owner = owners.get(i);
                Name next = i + 1 < owners.size() ? owners.get(i + 1) : origin;
                TreeSet<Integer> types = new TreeSet<>(nodes.get(owner).keySet());
                // The NSEC itself is signed at every owner, delegation points included.
                types.add(Type.NSEC);
                types.add(Type.RRSIG);
                int[] bitmap = types.stream().mapToInt(Integer::intValue).toArray();
                put(new NSECRecord(owner, DClass.IN, negativeTtl, next, bitmap));
            }
            for (Map<Integer, RRset> node : nodes.values()) {
                for (RRset set : node.values()) {
                    if (set.getType() == Type.NS && !set.getName().equals(origin)) {
                        continue;
                    }
                    boolean keySet = set.getType() == Type.DNSKEY;
                    try {
                        RRSIGRecord sig = DNSSEC.sign(set, keySet ? ksk : zsk,
                                (keySet ? kskPair : zskPair).getPrivate(), definition.inception(),
                                definition.expiration());
                        set.addRR(definition.brokenSignatures() && !keySet ? corrupted(sig) : sig);
                    } catch (DNSSEC.DNSSECException e) {
                        throw new IllegalStateException("cannot sign " + set.getName() + " " + set.getType(), e);
                    }
                }
            }
        }

        private static RRSIGRecord corrupted(RRSIGRecord sig) {
            byte[] value = Arrays.copyOf(sig.getSignature(), sig.getSignature().length);
            value[value.length / 2] ^= 0x5a;
            return new RRSIGRecord(sig.getName(), sig.getDClass(), sig.getTTL(), sig.getTypeCovered(),
                    sig.getAlgorithm(), sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(), sig.getFootprint(),
                    sig.getSigner(), value);
        }

        RRset rrset(Name name, int type) {
            Map<Integer, RRset> node = nodes.get(name);
            return node == null ? null : node.get(type);
        }

        /** NXDOMAIN or NODATA for {@code name}, with the SOA and, when signed, the NSEC proofs. */
        void deny(Message response, Name name) {
            add(response, rrset(origin, Type.SOA), Section.AUTHORITY);
            boolean exists = nodes.containsKey(name) || isEmptyNonTerminal(name);
            if (!exists) {
                response.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            if (!definition.isSigned()) {
                return;
            }
            List<RRset> proofs = new ArrayList<>();
            proofs.add(nsecCovering(name));
            if (!exists) {
                Name encloser = closestEncloser(name);
                proofs.add(nsecCovering(name("*", encloser)));
            }
            proofs.stream().distinct().forEach(p -> add(response, p, Section.AUTHORITY));
        }

        /** The wildcard {@code *.<closest encloser>} that synthesises {@code name}, when it does not exist. */
        Name wildcardFor(Name name) {
            if (nodes.containsKey(name) || isEmptyNonTerminal(name)) {
                return null;
            }
            Name wildcard = name("*", closestEncloser(name));
            return nodes.containsKey(wildcard) ? wildcard : null;
        }

        void proveNoCloserMatch(Message response, Name name) {
            if (definition.isSigned()) {
                add(response, nsecCovering(name), Section.AUTHORITY);
            }
        }

        private boolean isEmptyNonTerminal(Name name) {
            Name higher = nodes.higherKey(name);
            return higher != null && higher.subdomain(name);
        }

        private Name closestEncloser(Name name) {
            for (int strip = 1; strip < name.labels(); strip++) {
                Name ancestor = new Name(name, strip);
                if (nodes.containsKey(ancestor) || isEmptyNonTerminal(ancestor)) {
                    return ancestor;
                }
            }
            return origin;
        }

        /** The NSEC at {@code name}, or the one whose span covers it. */
        private RRset nsecCovering(Name name) {
            Name owner = nodes.floorKey(name);
            return rrset(owner == null ? nodes.lastKey() : owner, Type.NSEC);
        }

        private void put(Record r) {
            nodes.computeIfAbsent(r.getName(), n -> new LinkedHashMap<>())
                    .computeIfAbsent(r.getType(), t -> new RRset())
                    .addRR(r);
        }

        private DNSKEYRecord dnskey(int flags, KeyPair pair) {
            try {
                return new DNSKEYRecord(origin, DClass.IN, KEY_TTL, flags, DNSKEYRecord.Protocol.DNSSEC,
                        DNSSEC.Algorithm.ECDSAP256SHA256, pair.getPublic());
            } catch (DNSSEC.DNSSECException e) {
                throw new IllegalStateException(e);
            }
        }

        private static KeyPair newKeyPair() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                return generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static Name name(String label, Name origin) {
            try {
                return Name.concatenate(Name.fromString(label), origin);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
