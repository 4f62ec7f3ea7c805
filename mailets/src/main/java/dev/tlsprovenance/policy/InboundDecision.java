package dev.tlsprovenance.policy;

import java.util.Optional;

/**
 * What the inbound policy says about one address in one SMTP session: accept, or refuse with an SMTP
 * reply; always with the row that decided and a reason for the log line.
 */
public final class InboundDecision {
    private final boolean accepted;
    private final NamespacePolicy row;
    private final String replyCode;
    private final String enhancedCode;
    private final String replyText;
    private final String reason;

    private InboundDecision(boolean accepted, NamespacePolicy row, String replyCode, String enhancedCode,
                            String replyText, String reason) {
        this.accepted = accepted;
        this.row = row;
        this.replyCode = replyCode;
        this.enhancedCode = enhancedCode;
        this.replyText = replyText;
        this.reason = reason;
    }

    static InboundDecision accept(NamespacePolicy row, String reason) {
        return new InboundDecision(true, row, "", "", "", reason);
    }

    static InboundDecision refuse(NamespacePolicy row, String replyCode, String enhancedCode, String replyText, String reason) {
        return new InboundDecision(false, row, replyCode, enhancedCode, replyText, reason);
    }

    /** The same decision with another reason for the log line. */
    InboundDecision because(String otherReason) {
        return new InboundDecision(accepted, row, replyCode, enhancedCode, replyText, otherReason);
    }

    public boolean accepted() {
        return accepted;
    }

    public NamespacePolicy row() {
        return row;
    }

    /** The basic reply code, e.g. {@code 530}; empty when accepted. */
    public String replyCode() {
        return replyCode;
    }

    /** The enhanced status code, e.g. {@code 5.7.0}; empty when accepted. */
    public String enhancedCode() {
        return enhancedCode;
    }

    /** The reply text after the enhanced code, e.g. {@code Must issue a STARTTLS command first}. */
    public String replyText() {
        return replyText;
    }

    /** Why, in one sentence for the log. */
    public String reason() {
        return reason;
    }

    /** The reply line without the basic code: {@code 5.7.0 Must issue a STARTTLS command first}. */
    public Optional<String> smtpDescription() {
        return accepted ? Optional.empty() : Optional.of(enhancedCode + " " + replyText);
    }

    @Override
    public String toString() {
        return (accepted ? "accept" : "refuse " + replyCode + " " + enhancedCode) + " by " + row.namespace()
                + " (" + row.source() + "): " + reason;
    }
}
