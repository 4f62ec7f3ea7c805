package dev.tlsprovenance.dane;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One DNSSEC-validated answer: the records of the queried type at the end of any CNAME chain, with the security
 * status the validator gave the whole answer and its reason text.
 *
 * <p>Immutable. A denial (NXDOMAIN or NODATA) is an answer too: with status {@link DnssecStatus#SECURE} it is a
 * proof that the records do not exist (a secure denial of TLSA means "no TLSA", so DANE does not apply), whereas
 * a BOGUS or INDETERMINATE answer proves nothing and carries no records.
 *
 * @param <T> the record value: {@code org.xbill.DNS.MXRecord}, {@code java.net.InetAddress} or
 *            {@code org.xbill.DNS.TLSARecord}
 */
public final class DnssecAnswer<T> {

    /** What the DNS said, independently of whether it was validated. */
    public enum Outcome {
        /** At least one record of the queried type. */
        RECORDS,
        /** The name (at the end of the CNAME chain) does not exist. */
        NXDOMAIN,
        /** The name exists but has no record of the queried type. */
        NODATA,
        /** No answer to use: see {@link DnssecAnswer#reason()}. Always with BOGUS or INDETERMINATE. */
        FAILED
    }

    private final String queryName;
    private final String type;
    private final Outcome outcome;
    private final List<T> records;
    private final DnssecStatus status;
    private final String reason;
    private final Duration ttl;
    private final List<String> cnameChain;

    private DnssecAnswer(String queryName, String type, Outcome outcome, List<T> records, DnssecStatus status,
                         String reason, Duration ttl, List<String> cnameChain) {
        this.queryName = Objects.requireNonNull(queryName);
        this.type = Objects.requireNonNull(type);
        this.outcome = Objects.requireNonNull(outcome);
        this.records = List.copyOf(records);
        this.status = Objects.requireNonNull(status);
        this.reason = reason == null ? "" : reason;
        this.ttl = Objects.requireNonNull(ttl);
        this.cnameChain = List.copyOf(cnameChain);
        if (outcome == Outcome.FAILED && !status.isFailure()) {
            throw new IllegalArgumentException("a failed answer is BOGUS or INDETERMINATE, not " + status);
        }
        if (status.isFailure() && outcome != Outcome.FAILED) {
            throw new IllegalArgumentException("a " + status + " answer has no usable records");
        }
    }

    /** An answer from the DNS (records, NXDOMAIN or NODATA) with the status the validator gave it. */
    public static <T> DnssecAnswer<T> answered(String queryName, String type, Outcome outcome, List<T> records,
                                               DnssecStatus status, String reason, Duration ttl,
                                               List<String> cnameChain) {
        return new DnssecAnswer<>(queryName, type, outcome, records, status, reason, ttl, cnameChain);
    }

    /** A BOGUS or INDETERMINATE answer: nothing to use, only a reason. */
    public static <T> DnssecAnswer<T> failed(String queryName, String type, DnssecStatus status, String reason) {
        return new DnssecAnswer<>(queryName, type, Outcome.FAILED, List.of(), status, reason, Duration.ZERO,
                List.of());
    }

    /** The name asked for, lower case, without the trailing dot. */
    public String queryName() {
        return queryName;
    }

    /** The record type asked for, as DNS spells it ({@code MX}, {@code A}, {@code AAAA}, {@code TLSA}). */
    public String type() {
        return type;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The records of the queried type, in the order the DNS gave them; empty unless {@link Outcome#RECORDS}. */
    public List<T> records() {
        return records;
    }

    public DnssecStatus status() {
        return status;
    }

    /** The validator's reason text (its EDE text), or ours for a failure before validation; may be empty. */
    public String reason() {
        return reason;
    }

    /** How long this answer may be reused: the smallest TTL of the answer (or of the SOA for a denial). */
    public Duration ttl() {
        return ttl;
    }

    /**
     * The names the answer went through, starting with the query name, each one the CNAME target of the one
     * before; the last is the owner of the records (or of the denial). One element when there was no CNAME.
     */
    public List<String> cnameChain() {
        return cnameChain.isEmpty() ? List.of(queryName) : cnameChain;
    }

    /** The fully CNAME-expanded name: the owner of the records or of the denial. */
    public String canonicalName() {
        List<String> chain = cnameChain();
        return chain.get(chain.size() - 1);
    }

    public boolean isSecure() {
        return status == DnssecStatus.SECURE;
    }

    /** A validated proof that no record of this type exists (NXDOMAIN or NODATA, SECURE). */
    public boolean isSecureDenial() {
        return status == DnssecStatus.SECURE && (outcome == Outcome.NXDOMAIN || outcome == Outcome.NODATA);
    }

    @Override
    public String toString() {
        return queryName + " " + type + " " + status + " " + outcome + " " + records
                + (cnameChain().size() > 1 ? " via " + cnameChain() : "")
                + (reason.isEmpty() ? "" : " (" + reason + ")") + " ttl=" + ttl.getSeconds() + "s";
    }
}
