package dev.tlsprovenance.dane;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The outcome of DANE verification of one hop: authenticated by a named record (with the chain depth it matched at),
 * failed (with an RFC 8460 result type and a sentence for the log), or "no usable record", which RFC 7672 section 2.2
 * turns into mandatory but unauthenticated TLS. Immutable; made only by {@link DaneCertificateVerifier}.
 */
public final class DaneVerdict {
    /** The three outcomes RFC 7672 distinguishes for a hop whose TLSA RRset is secure. */
    public enum Status {
        /** A usable record matched: deliver. */
        AUTHENTICATED,
        /** Usable records exist and none authenticated the peer: do not deliver to this host. */
        FAILED,
        /** No usable record: deliver over TLS without authentication, never in cleartext (RFC 7672 2.2). */
        NO_USABLE_RECORDS
    }

    private final Status status;
    private final TlsaRecord matchedRecord;
    private final int matchedDepth;
    private final boolean trustAnchorFromRecord;
    private final DaneFailure failure;
    private final String detail;

    private DaneVerdict(Status status, TlsaRecord matchedRecord, int matchedDepth, boolean trustAnchorFromRecord,
                        DaneFailure failure, String detail) {
        this.status = status;
        this.matchedRecord = matchedRecord;
        this.matchedDepth = matchedDepth;
        this.trustAnchorFromRecord = trustAnchorFromRecord;
        this.failure = failure;
        this.detail = Objects.requireNonNull(detail);
    }

    static DaneVerdict authenticated(TlsaRecord record, int depth, boolean trustAnchorFromRecord, String detail) {
        return new DaneVerdict(Status.AUTHENTICATED, record, depth, trustAnchorFromRecord, null, detail);
    }

    static DaneVerdict failed(DaneFailure failure, String detail) {
        return new DaneVerdict(Status.FAILED, null, -1, false, failure, detail);
    }

    static DaneVerdict noUsableRecords(String detail) {
        return new DaneVerdict(Status.NO_USABLE_RECORDS, null, -1, false, DaneFailure.TLSA_INVALID, detail);
    }

    public Status status() {
        return status;
    }

    public boolean isAuthenticated() {
        return status == Status.AUTHENTICATED;
    }

    /** True when the hop must still use TLS but cannot be authenticated (RFC 7672 section 2.2). */
    public boolean isMandatoryTlsUnauthenticated() {
        return status == Status.NO_USABLE_RECORDS;
    }

    /** The record that authenticated the peer. */
    public Optional<TlsaRecord> matchedRecord() {
        return Optional.ofNullable(matchedRecord);
    }

    /** Usage of the matched record: 3 (DANE-EE) or 2 (DANE-TA). */
    public OptionalInt matchedUsage() {
        return matchedRecord == null ? OptionalInt.empty() : OptionalInt.of(matchedRecord.usage());
    }

    /**
     * Where the match was in the chain as sent: 0 for the leaf (DANE-EE), the index of the trust anchor for DANE-TA,
     * or one past the last certificate of the path when the trust anchor came from the record itself.
     */
    public OptionalInt matchedDepth() {
        return matchedDepth < 0 ? OptionalInt.empty() : OptionalInt.of(matchedDepth);
    }

    /** True when a DANE-TA(2) trust anchor was not in the chain but carried whole by a {@code 2 0 0}/{@code 2 1 0}. */
    public boolean trustAnchorFromRecord() {
        return trustAnchorFromRecord;
    }

    /** Why the peer is not authenticated; {@code tlsa-invalid} for {@link Status#NO_USABLE_RECORDS}. */
    public Optional<DaneFailure> failure() {
        return Optional.ofNullable(failure);
    }

    /** The RFC 8460 result type of the failure, if any. */
    public Optional<String> resultType() {
        return failure().map(DaneFailure::resultType);
    }

    /** One sentence for the log line and the ledger. */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return "DaneVerdict{" + status + (matchedRecord == null ? "" : ", " + matchedRecord.usage() + " "
            + matchedRecord.selector() + " " + matchedRecord.matchingType() + " at depth " + matchedDepth)
            + (failure == null ? "" : ", " + failure.resultType()) + ", " + detail + "}";
    }
}
