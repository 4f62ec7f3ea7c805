package dev.tlsprovenance.tlsrpt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tlsprovenance.ledger.OutboundLedgerLine;
import dev.tlsprovenance.ledger.PolicyFacts;
import dev.tlsprovenance.metrics.TlsMetricNames;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.provenance.VerificationStatus;

/**
 * One TLS-RPT session read from one outbound ledger line. A session is one attempt at one MX host (one ledger line,
 * as the posture counts attempts): it is a success when TLS was negotiated and not found wanting, a failure when the
 * TLS that was wanted did not happen. Lines that say nothing about TLS are not sessions: an attempt that never reached
 * a TLS decision (cannot connect, DNS failure, routing loop, ledger wait), a level-{@code none} cleartext delivery,
 * and a failure of our own TLS material. A peer's 4xx/5xx after a good handshake is a TLS success.
 * <p>
 * Ledger fields written by the DANE and MTA-STS work are used when a line has them: {@code policy-source}
 * ({@code dane} gives policy type {@code tlsa} with the {@code tlsa} list as policy strings; {@code sts} gives
 * {@code sts}, with the {@code sts-policy} list when there is one), and {@code result-type} (the RFC 8460 result type
 * of the line's failure; a line that has it is a failure even if mail went through, e.g. MTA-STS {@code testing}).
 * Without them (older lines) the policy type is {@code no-policy-found} and the result type is derived from the line's
 * failure word ({@link TlsMetricNames#tlsFailureReason}).
 */
public final class ReportedSession {
    public static final String POLICY_SOURCE = "policy-source";
    public static final String TLSA = "tlsa";
    public static final String STS_POLICY = PolicyFacts.STS_POLICY;
    public static final String RESULT_TYPE = "result-type";

    private final String policyDomain;
    private final PolicyKey policy;
    private final String mxHost;
    private final String receivingIp;
    private final Optional<ResultTypes.Failure> failure;

    ReportedSession(String policyDomain, PolicyKey policy, String mxHost, String receivingIp,
                    Optional<ResultTypes.Failure> failure) {
        this.policyDomain = policyDomain;
        this.policy = policy;
        this.mxHost = mxHost;
        this.receivingIp = receivingIp;
        this.failure = failure;
    }

    /** The session of a line, or empty when the line is no TLS session (see the class comment). */
    public static Optional<ReportedSession> of(OutboundLedgerLine line, JsonNode raw) {
        Optional<String> domain = line.record().recipientDomain().map(d -> d.toLowerCase(Locale.ROOT)).filter(d -> !d.isEmpty());
        if (domain.isEmpty()) {
            return Optional.empty();
        }
        Optional<ResultTypes.Failure> failure;
        String written = raw.path(RESULT_TYPE).asText("");
        if (!written.isEmpty()) {
            failure = ResultTypes.of(written);
            if (failure.isEmpty()) {
                return Optional.empty();
            }
        } else {
            Optional<Optional<ResultTypes.Failure>> derived = derived(line);
            if (derived.isEmpty()) {
                return Optional.empty();
            }
            failure = derived.get();
        }
        String host = line.record().remoteHost().filter(h -> !h.isEmpty())
            .orElseGet(() -> line.record().nextHop().map(ReportedSession::hostOf).orElse(""));
        return Optional.of(new ReportedSession(domain.get(), PolicyKey.of(raw), host.toLowerCase(Locale.ROOT),
            line.record().remoteAddress(), failure));
    }

    /** Empty: not a session; a present empty: a success; else the failure. */
    private static Optional<Optional<ResultTypes.Failure>> derived(OutboundLedgerLine line) {
        Transport transport = line.record().transport();
        Optional<String> word = TlsMetricNames.tlsFailureReason(line.record(), line.nothingSentBecause());
        if (word.isPresent()) {
            Optional<ResultTypes.Failure> failure = ResultTypes.of(word.get());
            return failure.isEmpty() ? Optional.empty() : Optional.of(failure);
        }
        if (transport == Transport.STARTTLS || transport == Transport.IMPLICIT_TLS) {
            return line.record().peerVerification().status() == VerificationStatus.FAILED
                ? Optional.of(ResultTypes.of("validation-failure")) : Optional.of(Optional.empty());
        }
        if (transport == Transport.CLEARTEXT) {
            if (line.record().fellBackToCleartext()) {
                return Optional.of(ResultTypes.of("validation-failure"));
            }
            boolean triedTls = line.record().policyLevel().map(ReportedSession::wantsTls).orElse(false);
            return triedTls ? Optional.of(ResultTypes.of("starttls-not-supported")) : Optional.empty();
        }
        return Optional.empty();
    }

    /** Every level but {@code none} uses STARTTLS when the server offers it. */
    private static boolean wantsTls(String level) {
        try {
            return OutboundLevel.parse(level) != OutboundLevel.NONE;
        } catch (IllegalArgumentException e) {
            return true; // a level of the DANE/STS work (dane, dane-only...): all of them want TLS
        }
    }

    private static String hostOf(String nextHop) {
        String hop = nextHop.trim();
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close > 0 ? hop.substring(1, close) : hop;
        }
        int colon = hop.lastIndexOf(':');
        return colon > 0 && hop.indexOf(':') == colon ? hop.substring(0, colon) : hop;
    }

    public String policyDomain() {
        return policyDomain;
    }

    public PolicyKey policy() {
        return policy;
    }

    public String mxHost() {
        return mxHost;
    }

    /** The peer's address, "" when no hop was reached. */
    public String receivingIp() {
        return receivingIp;
    }

    public Optional<ResultTypes.Failure> failure() {
        return failure;
    }

    /** The {@code policy} object of a report minus its MX hosts: type and strings. */
    public static final class PolicyKey implements Comparable<PolicyKey> {
        public static final String TLSA_TYPE = "tlsa";
        public static final String STS_TYPE = "sts";
        public static final String NO_POLICY_FOUND = "no-policy-found";

        private final String type;
        private final List<String> strings;

        PolicyKey(String type, List<String> strings) {
            this.type = type;
            this.strings = List.copyOf(strings);
        }

        static PolicyKey of(JsonNode raw) {
            String source = raw.path(POLICY_SOURCE).asText("");
            if (source.equals("dane")) {
                return new PolicyKey(TLSA_TYPE, strings(raw.path(TLSA)));
            }
            if (source.equals("sts")) {
                return new PolicyKey(STS_TYPE, strings(raw.path(STS_POLICY)));
            }
            return new PolicyKey(NO_POLICY_FOUND, List.of());
        }

        /** A JSON array of strings, or one string (read as a one-element list). */
        private static List<String> strings(JsonNode node) {
            List<String> strings = new ArrayList<>();
            if (node.isArray()) {
                node.forEach(element -> {
                    if (element.isTextual() && !element.asText().isEmpty()) {
                        strings.add(element.asText());
                    }
                });
            } else if (node.isTextual() && !node.asText().isEmpty()) {
                strings.add(node.asText());
            }
            return strings;
        }

        public String type() {
            return type;
        }

        public List<String> strings() {
            return strings;
        }

        @Override
        public int compareTo(PolicyKey other) {
            int byType = type.compareTo(other.type);
            return byType != 0 ? byType : String.join("\n", strings).compareTo(String.join("\n", other.strings));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof PolicyKey && type.equals(((PolicyKey) other).type) && strings.equals(((PolicyKey) other).strings);
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, strings);
        }

        @Override
        public String toString() {
            return type + strings;
        }
    }
}
