package dev.tlsprovenance.tlsrpt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One RFC 8460 §4 aggregate report: one policy domain, one UTC day. Built from that day's {@link ReportedSession}s by
 * {@link Builder}; written as the RFC's JSON, fields in the order of its example (§4.4):
 * <pre>{@code
 * {"organization-name":"Example Org","date-range":{"start-datetime":"2026-12-01T00:00:00Z",
 *   "end-datetime":"2026-12-01T23:59:59Z"},"contact-info":"tlsrpt@example.org",
 *  "report-id":"20261201.partner.test@mx.example.org",
 *  "policies":[{"policy":{"policy-type":"no-policy-found","policy-domain":"partner.test","mx-host":["mx1.partner.test"]},
 *    "summary":{"total-successful-session-count":12,"total-failure-session-count":1},
 *    "failure-details":[{"result-type":"certificate-expired","sending-mta-ip":"192.0.2.1",
 *      "receiving-mx-hostname":"mx1.partner.test","receiving-ip":"198.51.100.7","failed-session-count":1}]}]}
 * }</pre>
 * {@code policy-string} is present for {@code tlsa} and {@code sts} policies whose strings are known, absent for
 * {@code no-policy-found}; {@code sending-mta-ip} only when configured (the ledger does not record our own address);
 * {@code receiving-ip} only when a hop was reached; {@code failure-reason-code} when our failure word is not the
 * result type itself.
 */
public final class TlsReport {
    private static final DateTimeFormatter COMPACT_DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String policyDomain;
    private final LocalDate day;
    private final Settings settings;
    private final List<PolicyResult> policies;

    private TlsReport(String policyDomain, LocalDate day, Settings settings, List<PolicyResult> policies) {
        this.policyDomain = policyDomain;
        this.day = day;
        this.settings = settings;
        this.policies = List.copyOf(policies);
    }

    public String policyDomain() {
        return policyDomain;
    }

    public LocalDate day() {
        return day;
    }

    public Instant start() {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The last second of the day, as in the RFC's example ({@code 23:59:59Z}). */
    public Instant end() {
        return start().plusSeconds(86_399);
    }

    /** {@code <yyyymmdd>.<policy-domain>@<submitter>}: the same report of the same day keeps its id (§4.4: receivers de-duplicate by it). */
    public String reportId() {
        return day.format(COMPACT_DAY) + "." + policyDomain + "@" + settings.submitter();
    }

    /** §5.3 {@code unique-id} (1*(ALPHA / DIGIT)) of the file name: 16 hex digits of SHA-256 of the report id. */
    public String uniqueId() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(reportId().getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Settings settings() {
        return settings;
    }

    public List<PolicyResult> policies() {
        return policies;
    }

    public long successfulSessions() {
        return policies.stream().mapToLong(PolicyResult::successes).sum();
    }

    public long failedSessions() {
        return policies.stream().mapToLong(PolicyResult::failures).sum();
    }

    public ObjectNode toJson() {
        ObjectNode report = JSON.createObjectNode();
        report.put("organization-name", settings.organizationName());
        ObjectNode range = report.putObject("date-range");
        range.put("start-datetime", start().toString());
        range.put("end-datetime", end().toString());
        report.put("contact-info", settings.contactInfo());
        report.put("report-id", reportId());
        ArrayNode list = report.putArray("policies");
        for (PolicyResult result : policies) {
            ObjectNode entry = list.addObject();
            ObjectNode policy = entry.putObject("policy");
            policy.put("policy-type", result.policy().type());
            if (!result.policy().strings().isEmpty()) {
                ArrayNode strings = policy.putArray("policy-string");
                result.policy().strings().forEach(strings::add);
            }
            policy.put("policy-domain", policyDomain);
            ArrayNode hosts = policy.putArray("mx-host");
            result.mxHosts().forEach(hosts::add);
            ObjectNode summary = entry.putObject("summary");
            summary.put("total-successful-session-count", result.successes());
            summary.put("total-failure-session-count", result.failures());
            if (!result.failureDetails().isEmpty()) {
                ArrayNode details = entry.putArray("failure-details");
                for (FailureDetail detail : result.failureDetails()) {
                    ObjectNode node = details.addObject();
                    node.put("result-type", detail.failure().resultType());
                    settings.sendingMtaIp().ifPresent(ip -> node.put("sending-mta-ip", ip));
                    node.put("receiving-mx-hostname", detail.mxHost());
                    if (!detail.receivingIp().isEmpty()) {
                        node.put("receiving-ip", detail.receivingIp());
                    }
                    node.put("failed-session-count", detail.count());
                    detail.failure().reasonCode().ifPresent(code -> node.put("failure-reason-code", code));
                }
            }
        }
        return report;
    }

    public byte[] toJsonBytes() {
        try {
            return JSON.writeValueAsBytes(toJson());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the report says about us: organisation, contact, submitter host, our address when known. */
    public static final class Settings {
        private final String organizationName;
        private final String contactInfo;
        private final String submitter;
        private final Optional<String> sendingMtaIp;

        public Settings(String organizationName, String contactInfo, String submitter, Optional<String> sendingMtaIp) {
            this.organizationName = Objects.requireNonNull(organizationName);
            this.contactInfo = Objects.requireNonNull(contactInfo);
            this.submitter = Objects.requireNonNull(submitter);
            this.sendingMtaIp = Objects.requireNonNull(sendingMtaIp);
        }

        public String organizationName() {
            return organizationName;
        }

        public String contactInfo() {
            return contactInfo;
        }

        /** Our host name: the report id, the {@code TLS-Report-Submitter} header, the subject and the file name. */
        public String submitter() {
            return submitter;
        }

        public Optional<String> sendingMtaIp() {
            return sendingMtaIp;
        }
    }

    /** The sessions of one policy (type and strings) of the domain. */
    public static final class PolicyResult {
        private final ReportedSession.PolicyKey policy;
        private final SortedSet<String> mxHosts;
        private final long successes;
        private final List<FailureDetail> failureDetails;

        PolicyResult(ReportedSession.PolicyKey policy, SortedSet<String> mxHosts, long successes, List<FailureDetail> failureDetails) {
            this.policy = policy;
            this.mxHosts = new TreeSet<>(mxHosts);
            this.successes = successes;
            this.failureDetails = List.copyOf(failureDetails);
        }

        public ReportedSession.PolicyKey policy() {
            return policy;
        }

        public SortedSet<String> mxHosts() {
            return new TreeSet<>(mxHosts);
        }

        public long successes() {
            return successes;
        }

        public long failures() {
            return failureDetails.stream().mapToLong(FailureDetail::count).sum();
        }

        public List<FailureDetail> failureDetails() {
            return failureDetails;
        }
    }

    /** Failed sessions of one result type (and reason code) at one MX host and address. */
    public static final class FailureDetail {
        private final ResultTypes.Failure failure;
        private final String mxHost;
        private final String receivingIp;
        private final long count;

        FailureDetail(ResultTypes.Failure failure, String mxHost, String receivingIp, long count) {
            this.failure = failure;
            this.mxHost = mxHost;
            this.receivingIp = receivingIp;
            this.count = count;
        }

        public ResultTypes.Failure failure() {
            return failure;
        }

        public String mxHost() {
            return mxHost;
        }

        public String receivingIp() {
            return receivingIp;
        }

        public long count() {
            return count;
        }
    }

    /**
     * Collects the sessions of one UTC day, for every policy domain. Memory: one counter per (domain, policy, MX
     * host, address, failure), not per line.
     */
    public static final class Builder {
        private final LocalDate day;
        private final Settings settings;
        private final Map<String, Map<ReportedSession.PolicyKey, Tally>> domains = new TreeMap<>();

        public Builder(LocalDate day, Settings settings) {
            this.day = Objects.requireNonNull(day);
            this.settings = Objects.requireNonNull(settings);
        }

        public void add(ReportedSession session) {
            Tally tally = domains.computeIfAbsent(session.policyDomain(), d -> new TreeMap<>())
                .computeIfAbsent(session.policy(), p -> new Tally());
            tally.mxHosts.add(session.mxHost());
            if (session.failure().isEmpty()) {
                tally.successes++;
            } else {
                tally.failures.merge(new FailureKey(session.failure().get(), session.mxHost(), session.receivingIp()), 1L, Long::sum);
            }
        }

        /** One report per policy domain with at least one session, sorted by domain. */
        public Map<String, TlsReport> build() {
            Map<String, TlsReport> reports = new TreeMap<>();
            domains.forEach((domain, policies) -> {
                List<PolicyResult> results = new ArrayList<>();
                policies.forEach((policy, tally) -> {
                    List<FailureDetail> details = new ArrayList<>();
                    tally.failures.entrySet().stream()
                        .sorted(Map.Entry.comparingByKey(FailureKey.ORDER))
                        .forEach(e -> details.add(new FailureDetail(e.getKey().failure, e.getKey().mxHost,
                            e.getKey().receivingIp, e.getValue())));
                    tally.mxHosts.remove("");
                    results.add(new PolicyResult(policy, tally.mxHosts, tally.successes, details));
                });
                reports.put(domain, new TlsReport(domain, day, settings, results));
            });
            return reports;
        }
    }

    private static final class Tally {
        final SortedSet<String> mxHosts = new TreeSet<>();
        long successes;
        final Map<FailureKey, Long> failures = new HashMap<>();
    }

    private static final class FailureKey {
        static final Comparator<FailureKey> ORDER = Comparator.<FailureKey, String>comparing(k -> k.failure.resultType())
            .thenComparing(k -> k.failure.reasonCode().orElse(""))
            .thenComparing(k -> k.mxHost)
            .thenComparing(k -> k.receivingIp);
        final ResultTypes.Failure failure;
        final String mxHost;
        final String receivingIp;

        FailureKey(ResultTypes.Failure failure, String mxHost, String receivingIp) {
            this.failure = failure;
            this.mxHost = mxHost;
            this.receivingIp = receivingIp;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof FailureKey)) {
                return false;
            }
            FailureKey key = (FailureKey) other;
            return failure.equals(key.failure) && mxHost.equals(key.mxHost) && receivingIp.equals(key.receivingIp);
        }

        @Override
        public int hashCode() {
            return Objects.hash(failure, mxHost, receivingIp);
        }
    }
}
