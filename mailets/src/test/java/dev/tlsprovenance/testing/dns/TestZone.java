package dev.tlsprovenance.testing.dns;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * What one test zone holds and how it is signed; {@link TestDnsNamespace} puts zones together, delegates them from
 * their parents (NS, and DS for a signed child) and signs them at test time.
 *
 * <p>One line reads like the zone shape it makes:
 * <pre>
 * TestZone.signed("secure.test").record("@", 300, "MX", "10 mx").record("mx", 300, "A", "192.0.2.10")
 * TestZone.unsigned("insecure.test")...                 // the parent publishes a signed proof of no DS
 * TestZone.signed("bogus.test").brokenSignatures()...    // every RRSIG except the DNSKEY's fails to verify
 * TestZone.signed("expired.test").signatureValidity(longAgo, yesterday)
 * TestZone.signed("wrong-ds.test").dsMatchingNoKey()     // the parent's DS is the digest of another key
 * </pre>
 * Owner names and names in the data are relative to the origin ({@code @} is the apex) unless they end in a dot.
 */
public final class TestZone {

    /** The default signature validity: from an hour ago to 30 days ahead of the real clock. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);

    private final Name origin;
    private final boolean signed;
    private final List<Record> records;
    private final Instant inception;
    private final Instant expiration;
    private final boolean brokenSignatures;
    private final boolean dsMatchingNoKey;

    private TestZone(Builder b) {
        this.origin = b.origin;
        this.signed = b.signed;
        this.records = List.copyOf(b.records);
        this.inception = b.inception;
        this.expiration = b.expiration;
        this.brokenSignatures = b.brokenSignatures;
        this.dsMatchingNoKey = b.dsMatchingNoKey;
    }

    /** A zone signed with a KSK and a ZSK (ECDSA P-256), NSEC denial, a DS in its parent. */
    public static Builder signed(String origin) {
        return new Builder(origin, true);
    }

    /** An unsigned zone: its parent delegates it without DS, which the parent's signed NSEC proves. */
    public static Builder unsigned(String origin) {
        return new Builder(origin, false);
    }

    public Name origin() {
        return origin;
    }

    public boolean isSigned() {
        return signed;
    }

    List<Record> records() {
        return records;
    }

    Instant inception() {
        return inception;
    }

    Instant expiration() {
        return expiration;
    }

    boolean brokenSignatures() {
        return brokenSignatures;
    }

    boolean dsMatchingNoKey() {
        return dsMatchingNoKey;
    }

    /** Collects the records and the signing options of a {@link TestZone}. */
    public static final class Builder {
        private final Name origin;
        private final boolean signed;
        private final List<Record> records = new ArrayList<>();
        private Instant inception = Instant.now().minus(Duration.ofHours(1));
        private Instant expiration = Instant.now().plus(DEFAULT_VALIDITY);
        private boolean brokenSignatures;
        private boolean dsMatchingNoKey;

        private Builder(String origin, boolean signed) {
            this.origin = absolute(origin);
            this.signed = signed;
        }

        /** One record: owner relative to the origin ({@code @} = apex), TTL, type name, data in zone-file form. */
        public Builder record(String owner, long ttl, String type, String data) {
            int typeCode = Type.value(type);
            if (typeCode < 0) {
                throw new IllegalArgumentException("unknown record type " + type);
            }
            try {
                Name name = "@".equals(owner) ? origin : Name.fromString(owner, origin);
                records.add(Record.fromString(name, typeCode, DClass.IN, ttl, data, origin));
            } catch (IOException e) {
                throw new IllegalArgumentException("bad record " + owner + " " + type + " " + data, e);
            }
            return this;
        }

        /** Signatures valid from {@code inception} to {@code expiration} (e.g. both in the past: expired). */
        public Builder signatureValidity(Instant inception, Instant expiration) {
            this.inception = Objects.requireNonNull(inception);
            this.expiration = Objects.requireNonNull(expiration);
            return this;
        }

        /** Every RRSIG except the one over the DNSKEY RRset gets a corrupted signature value. */
        public Builder brokenSignatures() {
            this.brokenSignatures = true;
            return this;
        }

        /** The parent publishes the DS of a key this zone does not have. */
        public Builder dsMatchingNoKey() {
            this.dsMatchingNoKey = true;
            return this;
        }

        public TestZone build() {
            if (!signed && (brokenSignatures || dsMatchingNoKey)) {
                throw new IllegalStateException("signature options on the unsigned zone " + origin);
            }
            return new TestZone(this);
        }
    }

    static Name absolute(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        }
    }
}
