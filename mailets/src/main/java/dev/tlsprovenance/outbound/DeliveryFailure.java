package dev.tlsprovenance.outbound;

import java.util.Objects;

/**
 * Why a recipient was not delivered in one attempt, in the terms a DSN needs: the enhanced status seen now, the
 * one to report when we give up, and a diagnostic that names the TLS reason when TLS was the problem.
 */
public final class DeliveryFailure {
    /** RFC 3463: routing loop detected. */
    public static final String ROUTING_LOOP = "5.4.6";
    /** Whether to try again later (subject to the retry limit). */
    private final boolean temporary;
    private final String enhancedStatus;
    private final String finalStatus;
    private final String diagnostic;
    private final int remoteCode;
    private final String remoteReply;

    private DeliveryFailure(boolean temporary, String enhancedStatus, String finalStatus, String diagnostic, int remoteCode) {
        this(temporary, enhancedStatus, finalStatus, diagnostic, remoteCode, "");
    }

    private DeliveryFailure(boolean temporary, String enhancedStatus, String finalStatus, String diagnostic, int remoteCode,
                            String remoteReply) {
        this.temporary = temporary;
        this.enhancedStatus = enhancedStatus;
        this.finalStatus = finalStatus;
        this.diagnostic = Objects.requireNonNull(diagnostic);
        this.remoteCode = remoteCode;
        this.remoteReply = Objects.requireNonNull(remoteReply);
    }

    /** The next hop cannot give us the TLS the row demands (no STARTTLS, 454): 4.7.10 now, 5.7.10 at the end. */
    public static DeliveryFailure encryptionNeeded(String diagnostic) {
        return new DeliveryFailure(true, "4.7.10", "5.7.10", diagnostic, 0);
    }

    /** Handshake or certificate check failed: 4.7.5 now, 5.7.5 at the end. */
    public static DeliveryFailure cryptographicFailure(String diagnostic) {
        return new DeliveryFailure(true, "4.7.5", "5.7.5", diagnostic, 0);
    }

    /** RFC 8689: the mail demands REQUIRETLS and the next hop cannot honour it. */
    public static DeliveryFailure requireTlsUnsupported(String diagnostic) {
        return new DeliveryFailure(false, "5.7.30", "5.7.30", diagnostic, 0);
    }

    /** Network trouble (refused, timeout, closed): 4.4.1, reported as 4.4.1 when we give up (persistent transient). */
    public static DeliveryFailure network(String diagnostic) {
        return new DeliveryFailure(true, "4.4.1", "4.4.1", diagnostic, 0);
    }

    /**
     * The outbound ledger cannot be written and the row requires a record of every attempt: nothing is sent, the
     * recipients wait in the queue (4.3.0, mail system full or unusable) until the ledger can be written again.
     */
    public static DeliveryFailure ledgerUnavailable(String diagnostic) {
        return new DeliveryFailure(true, "4.3.0", "4.3.0", diagnostic, 0);
    }

    /** The next hop is this server itself: 5.4.6 (RFC 3463 routing loop detected), permanent, never retried. */
    public static DeliveryFailure routingLoop(String diagnostic) {
        return new DeliveryFailure(false, ROUTING_LOOP, ROUTING_LOOP, diagnostic, 0);
    }

    /**
     * The destination publishes a null MX (RFC 7505 section 4.1): it accepts no mail. 5.1.10 (RFC 7505 section 4.2),
     * permanent, never retried.
     */
    public static DeliveryFailure nullMx(String diagnostic) {
        return new DeliveryFailure(false, "5.1.10", "5.1.10", diagnostic, 0);
    }

    /** The peer's own answer; its class decides whether we retry. */
    public static DeliveryFailure remote(SmtpReply reply, String during) {
        String enhanced = reply.enhancedCode();
        if (enhanced.isEmpty()) {
            enhanced = reply.isPermanentFailure() ? "5.0.0" : "4.0.0";
        }
        return new DeliveryFailure(!reply.isPermanentFailure(), enhanced, enhanced,
            "remote server answered " + during + ": " + reply, reply.code(), reply.toString());
    }

    /**
     * For a mail that demands REQUIRETLS (RFC 8689): a TLS failure is reported as 5.7.30 when we give up, so the
     * sender learns that it was the REQUIRETLS demand that could not be met.
     */
    public DeliveryFailure underRequireTls() {
        if (!enhancedStatus.substring(1).startsWith(".7.") || enhancedStatus.equals("5.7.30")) {
            return this;
        }
        return new DeliveryFailure(temporary, enhancedStatus, "5.7.30", "REQUIRETLS: " + diagnostic, remoteCode, remoteReply);
    }

    /** The same failure once the retries are exhausted: permanent. */
    public DeliveryFailure finalised() {
        return new DeliveryFailure(false, finalStatus, finalStatus, diagnostic, remoteCode, remoteReply);
    }

    public boolean isTemporary() {
        return temporary;
    }

    public String enhancedStatus() {
        return enhancedStatus;
    }

    public String finalStatus() {
        return finalStatus;
    }

    public String diagnostic() {
        return diagnostic;
    }

    /** The SMTP code the peer gave, 0 when the failure is ours (TLS, network). */
    public int remoteCode() {
        return remoteCode;
    }

    /** The peer's reply on one line ("550 5.1.1 no such user"), "" when the failure is ours. */
    public String remoteReply() {
        return remoteReply;
    }

    @Override
    public String toString() {
        return enhancedStatus + " " + diagnostic;
    }
}
