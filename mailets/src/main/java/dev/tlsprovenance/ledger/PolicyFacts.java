package dev.tlsprovenance.ledger;

import dev.tlsprovenance.policy.PolicySource;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where an attempt's policy came from and the DNS facts behind it, written with the same names in the outbound
 * ledger and the attempt log line: {@code policy-source} ({@code row}, {@code dane}, {@code sts}, {@code default}),
 * {@code dnssec} (the weakest DNSSEC status met on the way to the decision: {@code secure}, {@code insecure},
 * {@code bogus}, {@code indeterminate}; absent when no DNSSEC lookup was made) and {@code tlsa} (the TLSA records
 * that applied, as RFC 8460 policy-strings {@code "3 1 1 <HEX>"}; absent when none). Immutable.
 */
public final class PolicyFacts {
    public static final String POLICY_SOURCE = "policy-source";
    public static final String DNSSEC = "dnssec";
    public static final String TLSA = "tlsa";
    public static final String RESULT_TYPE = "result-type";
    /** What {@code row} says in a line of a built-in default (no row of the file applied). */
    static final String BUILT_IN_DEFAULT_ROW = "built-in default";

    private static final List<String> DNSSEC_WORDS = List.of("secure", "insecure", "bogus", "indeterminate");

    private final PolicySource source;
    private final Optional<String> dnssec;
    private final List<String> tlsa;

    private PolicyFacts(PolicySource source, Optional<String> dnssec, List<String> tlsa) {
        this.source = Objects.requireNonNull(source);
        this.dnssec = Objects.requireNonNull(dnssec);
        this.tlsa = List.copyOf(tlsa);
        dnssec.ifPresent(word -> {
            if (!DNSSEC_WORDS.contains(word)) {
                throw new IllegalArgumentException("unknown dnssec status '" + word + "' (expected one of " + DNSSEC_WORDS + ")");
            }
        });
    }

    /** No DNS lookup behind the policy: a row or the built-in default without DANE. */
    public static PolicyFacts of(PolicySource source) {
        return new PolicyFacts(source, Optional.empty(), List.of());
    }

    /** @param dnssec a DNSSEC status name in any case ({@code SECURE} or {@code secure}) */
    public static PolicyFacts of(PolicySource source, String dnssec, List<String> tlsa) {
        return new PolicyFacts(source, Optional.of(dnssec.toLowerCase(Locale.ROOT)), tlsa);
    }

    public PolicySource source() {
        return source;
    }

    public Optional<String> dnssec() {
        return dnssec;
    }

    public List<String> tlsa() {
        return tlsa;
    }

    void writeTo(ObjectNode line) {
        line.put(POLICY_SOURCE, source.token());
        dnssec.ifPresent(status -> line.put(DNSSEC, status));
        if (!tlsa.isEmpty()) {
            ArrayNode list = line.putArray(TLSA);
            tlsa.forEach(list::add);
        }
    }

    /** A line written before these fields existed came from a row, or from the built-in default. */
    static PolicyFacts readFrom(JsonNode line, String row) {
        PolicySource source = line.has(POLICY_SOURCE) ? PolicySource.parse(line.path(POLICY_SOURCE).asText())
            : BUILT_IN_DEFAULT_ROW.equals(row) ? PolicySource.DEFAULT : PolicySource.ROW;
        List<String> tlsa = new ArrayList<>();
        line.path(TLSA).forEach(record -> tlsa.add(record.asText()));
        return new PolicyFacts(source, Optional.ofNullable(line.get(DNSSEC)).map(JsonNode::asText), tlsa);
    }

    /** The log line's fields: {@code policy-source=dane dnssec=secure tlsa="3 1 1 AB..,3 1 1 CD.."}. */
    public String logFields() {
        StringBuilder fields = new StringBuilder(POLICY_SOURCE).append('=').append(source.token());
        dnssec.ifPresent(status -> fields.append(' ').append(DNSSEC).append('=').append(status));
        if (!tlsa.isEmpty()) {
            fields.append(' ').append(TLSA).append("=\"").append(String.join(",", tlsa)).append('"');
        }
        return fields.toString();
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof PolicyFacts)) {
            return false;
        }
        PolicyFacts that = (PolicyFacts) other;
        return source == that.source && dnssec.equals(that.dnssec) && tlsa.equals(that.tlsa);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, dnssec, tlsa);
    }

    @Override
    public String toString() {
        return logFields();
    }
}
