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
 * that applied, as RFC 8460 policy-strings {@code "3 1 1 <HEX>"}; absent when none). When the destination's
 * MTA-STS policy was consulted (RFC 8461): {@code sts-mode} ({@code enforce}, {@code testing}, {@code none}) and
 * {@code sts-id} (the policy's TXT id) when a policy applied, {@code sts-policy} (the lines of an {@code enforce} or
 * {@code testing} policy that decided: the RFC 8460 {@code policy-string} a TLS report names; ledger only, the log
 * line stays one short line), and the RFC 8460 result type of a policy that could not
 * be had ({@code sts-policy-fetch-error}, {@code sts-policy-invalid}, {@code sts-webpki-invalid}), which the ledger
 * and the log line write as {@code result-type} when the attempt itself did not fail for a TLS reason. Immutable.
 */
public final class PolicyFacts {
    public static final String POLICY_SOURCE = "policy-source";
    public static final String DNSSEC = "dnssec";
    public static final String TLSA = "tlsa";
    public static final String RESULT_TYPE = "result-type";
    public static final String STS_MODE = "sts-mode";
    public static final String STS_ID = "sts-id";
    public static final String STS_POLICY = "sts-policy";
    /** What {@code row} says in a line of a built-in default (no row of the file applied). */
    static final String BUILT_IN_DEFAULT_ROW = "built-in default";

    private static final List<String> DNSSEC_WORDS = List.of("secure", "insecure", "bogus", "indeterminate");

    private final PolicySource source;
    private final Optional<String> dnssec;
    private final List<String> tlsa;
    private final Optional<String> stsMode;
    private final Optional<String> stsId;
    private final List<String> stsPolicy;
    private final Optional<String> stsResultType;

    private PolicyFacts(PolicySource source, Optional<String> dnssec, List<String> tlsa) {
        this(source, dnssec, tlsa, Optional.empty(), Optional.empty(), List.of(), Optional.empty());
    }

    private PolicyFacts(PolicySource source, Optional<String> dnssec, List<String> tlsa, Optional<String> stsMode,
                        Optional<String> stsId, List<String> stsPolicy, Optional<String> stsResultType) {
        this.source = Objects.requireNonNull(source);
        this.dnssec = Objects.requireNonNull(dnssec);
        this.tlsa = List.copyOf(tlsa);
        this.stsMode = Objects.requireNonNull(stsMode);
        this.stsId = Objects.requireNonNull(stsId);
        this.stsPolicy = List.copyOf(stsPolicy);
        this.stsResultType = Objects.requireNonNull(stsResultType);
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

    /**
     * These facts with what the destination's MTA-STS policy said: its mode and id when one applied, its lines when it
     * decided ({@code enforce}, {@code testing}; empty otherwise), the RFC 8460 result type when a published policy
     * could not be had (or refreshed).
     */
    public PolicyFacts withSts(PolicySource source, Optional<String> mode, Optional<String> id, List<String> policyLines,
                               Optional<String> resultType) {
        return new PolicyFacts(source, dnssec, tlsa, mode, id, policyLines, resultType);
    }

    public Optional<String> stsMode() {
        return stsMode;
    }

    public Optional<String> stsId() {
        return stsId;
    }

    /** The lines of the MTA-STS policy that decided, as fetched; empty when none did. */
    public List<String> stsPolicy() {
        return stsPolicy;
    }

    /** The RFC 8460 result type of the MTA-STS policy itself (not of the attempt), e.g. {@code sts-policy-fetch-error}. */
    public Optional<String> stsResultType() {
        return stsResultType;
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
        stsMode.ifPresent(mode -> line.put(STS_MODE, mode));
        stsId.ifPresent(id -> line.put(STS_ID, id));
        if (!stsPolicy.isEmpty()) {
            ArrayNode list = line.putArray(STS_POLICY);
            stsPolicy.forEach(list::add);
        }
    }

    /** A line written before these fields existed came from a row, or from the built-in default. */
    static PolicyFacts readFrom(JsonNode line, String row) {
        PolicySource source = line.has(POLICY_SOURCE) ? PolicySource.parse(line.path(POLICY_SOURCE).asText())
            : BUILT_IN_DEFAULT_ROW.equals(row) ? PolicySource.DEFAULT : PolicySource.ROW;
        List<String> tlsa = new ArrayList<>();
        line.path(TLSA).forEach(record -> tlsa.add(record.asText()));
        List<String> stsPolicy = new ArrayList<>();
        line.path(STS_POLICY).forEach(policyLine -> stsPolicy.add(policyLine.asText()));
        Optional<String> resultType = Optional.ofNullable(line.get(RESULT_TYPE)).map(JsonNode::asText)
            .filter(type -> type.startsWith("sts-"));
        return new PolicyFacts(source, Optional.ofNullable(line.get(DNSSEC)).map(JsonNode::asText), tlsa,
            Optional.ofNullable(line.get(STS_MODE)).map(JsonNode::asText), Optional.ofNullable(line.get(STS_ID)).map(JsonNode::asText),
            stsPolicy, resultType);
    }

    /** The log line's fields: {@code policy-source=dane dnssec=secure tlsa="3 1 1 AB..,3 1 1 CD.."}. */
    public String logFields() {
        StringBuilder fields = new StringBuilder(POLICY_SOURCE).append('=').append(source.token());
        dnssec.ifPresent(status -> fields.append(' ').append(DNSSEC).append('=').append(status));
        if (!tlsa.isEmpty()) {
            fields.append(' ').append(TLSA).append("=\"").append(String.join(",", tlsa)).append('"');
        }
        stsMode.ifPresent(mode -> fields.append(' ').append(STS_MODE).append('=').append(mode));
        stsId.ifPresent(id -> fields.append(' ').append(STS_ID).append('=').append(id));
        return fields.toString();
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof PolicyFacts)) {
            return false;
        }
        PolicyFacts that = (PolicyFacts) other;
        return source == that.source && dnssec.equals(that.dnssec) && tlsa.equals(that.tlsa) && stsMode.equals(that.stsMode)
            && stsId.equals(that.stsId) && stsPolicy.equals(that.stsPolicy) && stsResultType.equals(that.stsResultType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, dnssec, tlsa, stsMode, stsId, stsPolicy, stsResultType);
    }

    @Override
    public String toString() {
        return logFields();
    }
}
