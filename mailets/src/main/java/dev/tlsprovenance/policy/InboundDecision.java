package dev.tlsprovenance.policy;

import java.util.Optional;

import dev.tlsprovenance.provenance.CertificateVerification;

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
    private final Optional<CertificateVerification> clientCertificateVerification;

    private InboundDecision(boolean accepted, NamespacePolicy row, String replyCode, String enhancedCode,
                            String replyText, String reason, Optional<CertificateVerification> clientCertificateVerification) {
        this.accepted = accepted;
        this.row = row;
        this.replyCode = replyCode;
        this.enhancedCode = enhancedCode;
        this.replyText = replyText;
        this.reason = reason;
        this.clientCertificateVerification = clientCertificateVerification;
    }

    static InboundDecision accept(NamespacePolicy row, String reason) {
        return new InboundDecision(true, row, "", "", "", reason, Optional.empty());
    }

    /** Accepted because the row's client-certificate checks passed: {@code verification} says against what. */
    static InboundDecision acceptVerified(NamespacePolicy row, String reason, CertificateVerification verification) {
        return new InboundDecision(true, row, "", "", "", reason, Optional.of(verification));
    }

    static InboundDecision refuse(NamespacePolicy row, String replyCode, String enhancedCode, String replyText, String reason) {
        return new InboundDecision(false, row, replyCode, enhancedCode, replyText, reason, Optional.empty());
    }

    /** The same decision with another reason for the log line. */
    InboundDecision because(String otherReason) {
        return new InboundDecision(accepted, row, replyCode, enhancedCode, replyText, otherReason, clientCertificateVerification);
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

    /**
     * The client-certificate check this decision made and passed (trust anchors, matched name or pin), so that the
     * hop's record can say what was verified; empty when the row checked no certificate.
     */
    public Optional<CertificateVerification> clientCertificateVerification() {
        return clientCertificateVerification;
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
