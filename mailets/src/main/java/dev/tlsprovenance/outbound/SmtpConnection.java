package dev.tlsprovenance.outbound;

import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.provenance.TlsProvenance;

/**
 * An open SMTP session ready for MAIL FROM, under the TLS the policy demanded; what was negotiated is kept as a
 * provenance template that each transaction completes with its recipient domain, outcome and attempt number.
 */
public final class SmtpConnection {
    private final SmtpClient client;
    private final NextHop hop;
    private final OutboundLevel level;
    private final TlsProvenance negotiated;
    private final boolean offersRequireTls;
    private int transactions;

    SmtpConnection(SmtpClient client, NextHop hop, OutboundLevel level, TlsProvenance negotiated, boolean offersRequireTls) {
        this.client = client;
        this.hop = hop;
        this.level = level;
        this.negotiated = negotiated;
        this.offersRequireTls = offersRequireTls;
    }

    public SmtpClient client() {
        return client;
    }

    public NextHop hop() {
        return hop;
    }

    public OutboundLevel level() {
        return level;
    }

    /** Transport, protocol, cipher, peer certificate and verification as negotiated when the connection opened. */
    public TlsProvenance negotiated() {
        return negotiated;
    }

    /** REQUIRETLS seen in the EHLO reply given after TLS was established. */
    public boolean offersRequireTls() {
        return offersRequireTls;
    }

    public int transactions() {
        return transactions;
    }

    void countTransaction() {
        transactions++;
    }

    public void close() {
        client.quitQuietly();
    }
}
