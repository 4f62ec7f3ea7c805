package dev.tlsprovenance.dane;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The TLSA RRset of one hop ({@code _25._tcp.<mx host>}), as DNSSEC returned it, plus how many of its answers could
 * not even be read as a TLSA record (those count as unusable records, RFC 7672 section 2.2). Whether the RRset was
 * SECURE is decided before this value is made: a set here is always one the caller trusts.
 */
public final class TlsaRecordSet {
    private final List<TlsaRecord> records;
    private final int malformedCount;

    private TlsaRecordSet(List<TlsaRecord> records, int malformedCount) {
        this.records = List.copyOf(records);
        this.malformedCount = malformedCount;
    }

    public static TlsaRecordSet of(Collection<TlsaRecord> records) {
        return new TlsaRecordSet(new ArrayList<>(records), 0);
    }

    public static TlsaRecordSet of(TlsaRecord... records) {
        return new TlsaRecordSet(List.of(records), 0);
    }

    /** From presentation forms ({@code "3 1 1 <hex>"}); a text that is no TLSA record counts as malformed. */
    public static TlsaRecordSet fromPresentation(Collection<String> texts) {
        return parse(texts, TlsaRecord::fromPresentation);
    }

    /** From wire RDATA; an RDATA shorter than three octets counts as malformed. */
    public static TlsaRecordSet fromWire(Collection<byte[]> rdatas) {
        return parse(rdatas, TlsaRecord::fromWire);
    }

    private static <T> TlsaRecordSet parse(Collection<T> inputs, Function<T, Optional<TlsaRecord>> reader) {
        List<TlsaRecord> records = new ArrayList<>();
        int malformed = 0;
        for (T input : inputs) {
            Optional<TlsaRecord> record = reader.apply(input);
            if (record.isPresent()) {
                records.add(record.get());
            } else {
                malformed++;
            }
        }
        return new TlsaRecordSet(records, malformed);
    }

    /** Every readable record, usable or not, in answer order. */
    public List<TlsaRecord> records() {
        return records;
    }

    public int malformedCount() {
        return malformedCount;
    }

    public List<TlsaRecord> usableRecords() {
        List<TlsaRecord> usable = new ArrayList<>();
        for (TlsaRecord record : records) {
            if (record.isUsable()) {
                usable.add(record);
            }
        }
        return List.copyOf(usable);
    }

    /**
     * True when no record is usable (including an empty set): RFC 7672 section 2.2 then asks for TLS without
     * authentication, never cleartext.
     */
    public boolean allUnusable() {
        return usableRecords().isEmpty();
    }

    /** The records in presentation form, as RFC 8460's {@code policy-string} lists them. */
    public List<String> policyStrings() {
        List<String> strings = new ArrayList<>();
        records.forEach(record -> strings.add(record.presentation()));
        return List.copyOf(strings);
    }

    @Override
    public String toString() {
        return policyStrings() + (malformedCount == 0 ? "" : " + " + malformedCount + " malformed");
    }
}
