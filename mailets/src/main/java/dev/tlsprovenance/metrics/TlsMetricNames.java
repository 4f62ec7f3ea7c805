package dev.tlsprovenance.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.provenance.VerificationStatus;

/**
 * The names of our counters, one scheme: {@code tlsprovenance.<direction>.<what>.<word>[.<word>]}, every word from a
 * fixed vocabulary (never a host name, an address or free text), so the number of metrics stays bounded. Pure: the
 * James adapter {@link TlsMetrics} increments what these name. See {@code docs/posture.md}, "Metrics".
 * <ul>
 * <li>{@code tlsprovenance.inbound.mails.<transport>.<protocol>}: mails received, transport {@code starttls},
 *     {@code implicit-tls} or {@code cleartext}, protocol {@code TLSv1.2}, {@code TLSv1.3}, ... or {@code none};</li>
 * <li>{@code tlsprovenance.inbound.policy-refusals.<recipient|sender>}: MAIL/RCPT refused by a row's inbound rule;</li>
 * <li>{@code tlsprovenance.outbound.attempts.<level>.<outcome>}: delivery attempts per hop, outcome
 *     {@code delivered}, {@code deferred}, {@code failed} (a recipient bounced) or {@code not-sent};</li>
 * <li>{@code tlsprovenance.outbound.tls-failures.<reason>}: attempts that failed for a TLS reason;</li>
 * <li>{@code tlsprovenance.outbound.policy-refusals.<level>}: attempts where nothing was sent because the row's
 *     TLS requirement was not met.</li>
 * </ul>
 */
public final class TlsMetricNames {
    public static final String PREFIX = "tlsprovenance.";
    /** The words of {@code tls-failures}: the RFC 8460 result types where one fits, ours for the rest. */
    public static final List<String> TLS_FAILURE_REASONS = List.of("starttls-not-supported", "starttls-refused",
            "certificate-host-mismatch", "certificate-expired", "certificate-not-trusted", "certificate-revoked",
            "pin-mismatch", "validation-failure", "handshake-failed", "tls-material-unusable",
            "dane-required", "dnssec-invalid", "tlsa-invalid");
    /** How a DANE verification failure starts its reason: {@code DANE <result-type>: <detail>}. */
    public static final String DANE_FAILURE_PREFIX = "DANE ";
    /** How an MTA-STS check failure starts its reason: {@code MTA-STS <result-type>: <detail>}. */
    public static final String STS_FAILURE_PREFIX = "MTA-STS ";
    /** How a DNSSEC failure that deferred a destination or host starts its diagnostic. */
    public static final String DNSSEC_FAILURE_PREFIX = "DNSSEC ";
    /** How a {@code dane-only} refusal starts its diagnostic. */
    public static final String DANE_REQUIRED_PREFIX = "DANE required";
    private static final List<String> PROTOCOLS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private TlsMetricNames() {
    }

    public static String inboundMail(TlsProvenance record) {
        Transport transport = record.transport();
        String transportWord = transport == Transport.STARTTLS || transport == Transport.IMPLICIT_TLS
                || transport == Transport.CLEARTEXT ? transport.token() : "unknown";
        return PREFIX + "inbound.mails." + transportWord + "." + protocol(record);
    }

    /** @param recipient true for RCPT (recipient namespace), false for MAIL FROM (sender namespace) */
    public static String inboundPolicyRefusal(boolean recipient) {
        return PREFIX + "inbound.policy-refusals." + (recipient ? "recipient" : "sender");
    }

    /** @param outcome {@code delivered}, {@code deferred}, {@code failed} or {@code not-sent} */
    public static String outboundAttempt(String level, String outcome) {
        return PREFIX + "outbound.attempts." + level(level) + "." + outcome;
    }

    public static String outboundTlsFailure(String reason) {
        return PREFIX + "outbound.tls-failures." + reason;
    }

    public static String outboundPolicyRefusal(String level) {
        return PREFIX + "outbound.policy-refusals." + level(level);
    }

    /**
     * The TLS reason an attempt failed for, from the record and the reason nothing was sent; empty when the attempt
     * did not fail for a TLS reason (delivered, connection refused, DNS, the peer's own reply).
     */
    public static Optional<String> tlsFailureReason(TlsProvenance attempt, Optional<String> nothingSentBecause) {
        CertificateVerification verification = attempt.peerVerification();
        if (verification.status() == VerificationStatus.FAILED) {
            Optional<String> dane = daneWord(verification.reason());
            if (dane.isPresent()) {
                return dane;
            }
            Optional<String> sts = stsWord(verification.reason());
            if (sts.isPresent()) {
                return sts;
            }
            String why = verification.reason().toLowerCase(Locale.ROOT);
            if (why.startsWith("name mismatch")) {
                return Optional.of("certificate-host-mismatch");
            }
            if (why.contains("fingerprint mismatch")) {
                return Optional.of("pin-mismatch");
            }
            if (why.contains("expired")) {
                return Optional.of("certificate-expired");
            }
            if (why.contains("revoked")) {
                return Optional.of("certificate-revoked");
            }
            if (why.contains("not trusted") || why.contains("trust anchor")) {
                return Optional.of("certificate-not-trusted");
            }
            return Optional.of("validation-failure");
        }
        if (nothingSentBecause.isEmpty()) {
            return Optional.empty();
        }
        String why = nothingSentBecause.get();
        Optional<String> dane = daneWord(why);
        if (dane.isPresent()) {
            return dane;
        }
        Optional<String> sts = stsWord(why);
        if (sts.isPresent()) {
            return sts;
        }
        if (why.startsWith(DNSSEC_FAILURE_PREFIX)) {
            return Optional.of("dnssec-invalid");
        }
        if (why.startsWith(DANE_REQUIRED_PREFIX)) {
            return Optional.of("dane-required");
        }
        if (why.startsWith("server did not offer STARTTLS")) {
            return Optional.of("starttls-not-supported");
        }
        if (why.startsWith("STARTTLS refused")) {
            return Optional.of("starttls-refused");
        }
        if (why.startsWith("TLS material of the policy unusable")) {
            return Optional.of("tls-material-unusable");
        }
        if (why.startsWith("TLS ")) {
            return Optional.of("handshake-failed");
        }
        return Optional.empty();
    }

    /**
     * The {@code result-type} of the ledger and the log line: the word of {@link #tlsFailureReason} for an attempt that
     * sent nothing because of it (a refused or failed TLS, DANE or DNSSEC requirement). An attempt that went on (a
     * {@code may} hop whose certificate did not verify) has a {@code tls-failures} count but no result type: nothing
     * failed that the policy demanded.
     */
    public static Optional<String> resultType(TlsProvenance attempt, Optional<String> nothingSentBecause) {
        return nothingSentBecause.isPresent() ? tlsFailureReason(attempt, nothingSentBecause) : Optional.empty();
    }

    /**
     * As {@link #resultType(TlsProvenance, Optional)}, and for an attempt that was made: the failure of an MTA-STS
     * {@code testing} check (recorded, not enforced: RFC 8461 section 5), else the result type of the destination's
     * MTA-STS policy itself ({@code sts-policy-fetch-error} ...: delivered as without a policy).
     */
    public static Optional<String> resultType(TlsProvenance attempt, Optional<String> nothingSentBecause,
                                              Optional<String> policyResultType) {
        Optional<String> type = resultType(attempt, nothingSentBecause);
        if (type.isPresent()) {
            return type;
        }
        CertificateVerification verification = attempt.peerVerification();
        if (verification.status() == VerificationStatus.FAILED) {
            Optional<String> sts = stsWord(verification.reason());
            if (sts.isPresent()) {
                return sts;
            }
        }
        return policyResultType;
    }

    /** {@code DANE validation-failure: ...} -&gt; {@code validation-failure} (a word of the vocabulary only). */
    private static Optional<String> daneWord(String reason) {
        if (!reason.startsWith(DANE_FAILURE_PREFIX) || reason.startsWith(DANE_REQUIRED_PREFIX)) {
            return Optional.empty();
        }
        int colon = reason.indexOf(':');
        String word = colon < 0 ? "" : reason.substring(DANE_FAILURE_PREFIX.length(), colon);
        return Optional.of(TLS_FAILURE_REASONS.contains(word) ? word : "validation-failure");
    }

    /** {@code MTA-STS certificate-host-mismatch: ...} -&gt; {@code certificate-host-mismatch}. */
    private static Optional<String> stsWord(String reason) {
        if (!reason.startsWith(STS_FAILURE_PREFIX)) {
            return Optional.empty();
        }
        int colon = reason.indexOf(':');
        String word = colon < 0 ? "" : reason.substring(STS_FAILURE_PREFIX.length(), colon);
        return Optional.of(TLS_FAILURE_REASONS.contains(word) ? word : "validation-failure");
    }

    private static String protocol(TlsProvenance record) {
        if (!record.isEncrypted()) {
            return "none";
        }
        return record.protocol().filter(PROTOCOLS::contains).orElse("other");
    }

    private static String level(String level) {
        return level == null || level.isEmpty() || !level.chars().allMatch(c -> (c >= 'a' && c <= 'z') || c == '-')
            ? "unknown" : level;
    }
}
