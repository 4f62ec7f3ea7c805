package dev.tlsprovenance.tlsrpt;

import java.util.List;
import java.util.Optional;

import dev.tlsprovenance.metrics.TlsMetricNames;

/**
 * The RFC 8460 §4.3 result types, and how the failure words of our ledger and metrics
 * ({@link TlsMetricNames#TLS_FAILURE_REASONS}) map to them. Our words that are RFC result types stay as they are; the
 * others become the RFC's general {@code validation-failure} (or {@code starttls-not-supported}), with our word kept
 * as the report's {@code failure-reason-code}, so the receiving domain still learns what we saw.
 */
public final class ResultTypes {
    /** §4.3.1 negotiation failures, §4.3.2.1 DANE, §4.3.2.2 MTA-STS. */
    public static final List<String> RFC_8460 = List.of("starttls-not-supported", "certificate-host-mismatch",
        "certificate-expired", "certificate-not-trusted", "validation-failure", "tlsa-invalid", "dnssec-invalid",
        "dane-required", "sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid");

    /** Our own failure, not the receiving domain's: never reported to it. */
    static final String OUR_OWN_MATERIAL = "tls-material-unusable";

    private ResultTypes() {
    }

    /**
     * The result type and reason code of a failure word (ours or the RFC's); empty for a word that is about our own
     * configuration ({@value #OUR_OWN_MATERIAL}).
     */
    public static Optional<Failure> of(String word) {
        if (word.equals(OUR_OWN_MATERIAL)) {
            return Optional.empty();
        }
        if (RFC_8460.contains(word)) {
            return Optional.of(new Failure(word, Optional.empty()));
        }
        if (word.equals("starttls-refused")) {
            return Optional.of(new Failure("starttls-not-supported", Optional.of(word)));
        }
        return Optional.of(new Failure("validation-failure", Optional.of(word)));
    }

    /** A session's failure as the report names it. */
    public static final class Failure {
        private final String resultType;
        private final Optional<String> reasonCode;

        Failure(String resultType, Optional<String> reasonCode) {
            this.resultType = resultType;
            this.reasonCode = reasonCode;
        }

        public String resultType() {
            return resultType;
        }

        /** Our word when it is not the result type itself (RFC 8460 {@code failure-reason-code}). */
        public Optional<String> reasonCode() {
            return reasonCode;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Failure && resultType.equals(((Failure) other).resultType)
                && reasonCode.equals(((Failure) other).reasonCode);
        }

        @Override
        public int hashCode() {
            return resultType.hashCode() * 31 + reasonCode.hashCode();
        }

        @Override
        public String toString() {
            return resultType + reasonCode.map(code -> " (" + code + ")").orElse("");
        }
    }
}
