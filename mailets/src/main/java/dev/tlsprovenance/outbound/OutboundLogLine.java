package dev.tlsprovenance.outbound;

import dev.tlsprovenance.ledger.PolicyFacts;
import dev.tlsprovenance.metrics.TlsMetricNames;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.VerificationStatus;

/**
 * One grep-able line per delivery attempt, in the spirit of Postfix's TLS logging:
 * {@code domain=partner.test next-hop=mx.partner.test:25 addr=192.0.2.1 tls=verify transport=starttls
 * protocol=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=verified trust=jvm-default peer="CN=mx.partner.test"
 * fallback=no requiretls=no attempt=1 outcome="250 2.0.0 Ok"}. {@code transport} and {@code verify} use the words of
 * the ledger and of {@code X-TLS-Provenance} ({@link dev.tlsprovenance.provenance.Transport},
 * {@link VerificationStatus}): one fact, one spelling, wherever an administrator greps for it. The fields of
 * {@link PolicyFacts} ({@code policy-source}, {@code dnssec}, {@code tlsa}) and {@code result-type} follow, as in
 * the ledger.
 */
public final class OutboundLogLine {
    private OutboundLogLine() {
    }

    /** The line with the policy facts and, for a failed attempt, its {@code result-type}. */
    public static String format(TlsProvenance attempt, PolicyFacts policy, java.util.Optional<String> nothingSentBecause) {
        StringBuilder line = new StringBuilder(format(attempt)).append(' ').append(policy.logFields());
        TlsMetricNames.resultType(attempt, nothingSentBecause, policy.stsResultType())
            .ifPresent(type -> line.append(' ').append(PolicyFacts.RESULT_TYPE).append('=').append(type));
        return line.toString();
    }

    public static String format(TlsProvenance attempt) {
        StringBuilder line = new StringBuilder(256);
        line.append("domain=").append(attempt.recipientDomain().orElse("-"))
            .append(" next-hop=").append(attempt.nextHop().orElse("-"))
            .append(" addr=").append(attempt.remoteAddress().isEmpty() ? "-" : attempt.remoteAddress())
            .append(" tls=").append(attempt.policyLevel().orElse("-"))
            .append(" transport=").append(attempt.transport().token())
            .append(" protocol=").append(attempt.protocol().orElse("-"))
            .append(" cipher=").append(attempt.cipherSuite().orElse("-"))
            .append(" bits=").append(attempt.cipherBits())
            .append(" verify=").append(attempt.peerVerification().status().token())
            .append(" trust=").append(attempt.peerVerification().trust().isEmpty() ? "-" : attempt.peerVerification().trust());
        if (!attempt.peerVerification().reason().isEmpty()) {
            line.append(" reason=").append(quoted(attempt.peerVerification().reason()));
        }
        line.append(" peer=").append(attempt.peerCertificate().map(c -> quoted(c.subject())).orElse("-"))
            .append(" fallback=").append(attempt.fellBackToCleartext() ? "yes" : "no")
            .append(" requiretls=").append(attempt.requireTls() ? "yes" : "no")
            .append(" attempt=").append(attempt.attempt())
            .append(" outcome=").append(quoted(attempt.outcome().orElse("")));
        return line.toString();
    }

    private static String quoted(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
