package dev.tlsprovenance.mail;

import java.util.Optional;

import dev.tlsprovenance.provenance.TlsProvenance;

/**
 * A mail's inbound record as {@link InboundRecords#read} judged it: absent (a mail made inside James), trusted
 * (sealed by this deployment's SMTP hook), or rejected (something else set it), with the {@code transport=unknown}
 * hop that then stands in for it.
 */
public final class InboundRecord {
    static final InboundRecord ABSENT = new InboundRecord(null, null);

    private final TlsProvenance trusted;
    private final TlsProvenance unknownInstead;

    private InboundRecord(TlsProvenance trusted, TlsProvenance unknownInstead) {
        this.trusted = trusted;
        this.unknownInstead = unknownInstead;
    }

    static InboundRecord trusted(TlsProvenance hop) {
        return new InboundRecord(hop, null);
    }

    static InboundRecord rejected(TlsProvenance unknownHop) {
        return new InboundRecord(null, unknownHop);
    }

    /** The record, when this server sealed it. */
    public Optional<TlsProvenance> trusted() {
        return Optional.ofNullable(trusted);
    }

    public boolean isRejected() {
        return unknownInstead != null;
    }

    /**
     * The hop as this server can vouch for it: the trusted record, or for a rejected one a {@code transport=unknown}
     * hop whose verification reason says why; empty when the mail has no record at all.
     */
    public Optional<TlsProvenance> vouchedHop() {
        return Optional.ofNullable(trusted != null ? trusted : unknownInstead);
    }

    @Override
    public String toString() {
        return trusted != null ? "trusted " + trusted : unknownInstead != null ? "rejected " + unknownInstead : "absent";
    }
}
