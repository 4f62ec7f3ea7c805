package dev.tlsprovenance.tlsrpt;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tlsprovenance.ledger.MailIdentity;
import dev.tlsprovenance.ledger.OutboundLedgerLine;
import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

/**
 * Random outbound ledger lines, as {@code TlsPolicyRemoteDelivery} writes them (and with the DANE/MTA-STS fields
 * {@code policy-source}, {@code tlsa}, {@code sts-policy}, {@code result-type} on some), and the report each policy
 * domain must get, kept by the generator from what it chose (never by reading the lines back). {@link #expected}
 * renders that model as RFC 8460 JSON, built here field by field.
 */
final class GeneratedAttempts {
    static final String REPORT_SENDER = "tlsrpt-noreply@mx.example.org";
    static final CertificateSummary CERTIFICATE = new CertificateSummary("CN=mx.partner.test", "CN=Test Root",
        List.of("DNS:mx.partner.test"), "1f", "ab:cd", Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));

    /**
     * One kind of attempt: how the line is made, and what the report makes of it: {@code null} not a session,
     * {@code {}} a success, {@code {result-type}} or {@code {result-type, failure-reason-code}} a failure.
     */
    static final class Kind {
        final String name;
        final Consumer<TlsProvenance.Builder> line;
        final Optional<String> nothingSent;
        final String[] expected;

        Kind(String name, Consumer<TlsProvenance.Builder> line, Optional<String> nothingSent, String... expected) {
            this.name = name;
            this.line = line;
            this.nothingSent = nothingSent;
            this.expected = expected;
        }
    }

    static final List<Kind> KINDS = new ArrayList<>();
    /** The word of {@code TlsMetricNames.TLS_FAILURE_REASONS} each failing kind is made to produce. */
    static final Map<String, String> WORD_OF_KIND = new TreeMap<>();

    private static void certificateFailure(String word, String reason, String... expected) {
        KINDS.add(new Kind(word, b -> b.transport(Transport.NONE).protocol("TLSv1.3").cipherSuite("TLS_AES_256_GCM_SHA384")
            .peerCertificate(CERTIFICATE).peerVerification(CertificateVerification.failed("private-ca:conf/ca.pem", reason))
            .policyLevel("secure"), Optional.of(reason), expected));
        WORD_OF_KIND.put(word, word);
    }

    private static void nothingSent(String name, String word, String reason, String... expected) {
        KINDS.add(new Kind(name, b -> b.transport(Transport.NONE).policyLevel("encrypt"), Optional.of(reason), expected));
        if (word != null) {
            WORD_OF_KIND.put(name, word);
        }
    }

    static {
        KINDS.add(new Kind("starttls-verified", b -> b.transport(Transport.STARTTLS).protocol("TLSv1.3")
            .cipherSuite("TLS_AES_256_GCM_SHA384").peerCertificate(CERTIFICATE)
            .peerVerification(CertificateVerification.verified("private-ca:conf/ca.pem")).policyLevel("verify"), Optional.empty()));
        KINDS.add(new Kind("implicit-tls-not-checked", b -> b.transport(Transport.IMPLICIT_TLS).protocol("TLSv1.2")
            .cipherSuite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").peerCertificate(CERTIFICATE)
            .peerVerification(CertificateVerification.notChecked()).policyLevel("may"), Optional.empty()));
        KINDS.add(new Kind("cleartext-may", b -> b.transport(Transport.CLEARTEXT).policyLevel("may"), Optional.empty(),
            "starttls-not-supported"));
        KINDS.add(new Kind("cleartext-fallback", b -> b.transport(Transport.CLEARTEXT).policyLevel("may").fellBackToCleartext(true),
            Optional.empty(), "validation-failure"));
        KINDS.add(new Kind("cleartext-none", b -> b.transport(Transport.CLEARTEXT).policyLevel("none"), Optional.empty(),
            (String[]) null));
        certificateFailure("certificate-host-mismatch", "name mismatch: got [DNS:mx.other.test], expected mx.partner.test",
            "certificate-host-mismatch");
        certificateFailure("certificate-expired", "certificate expired 2026-01-01T00:00:00Z", "certificate-expired");
        certificateFailure("certificate-not-trusted", "certificate not trusted: issuer CN=Other is not a trust anchor",
            "certificate-not-trusted");
        certificateFailure("certificate-revoked", "certificate revoked (CRL of CN=Test Root)", "validation-failure",
            "certificate-revoked");
        certificateFailure("pin-mismatch", "fingerprint mismatch: ab:cd is none of the pins", "validation-failure", "pin-mismatch");
        certificateFailure("validation-failure", "revocation status unknown: no CRL", "validation-failure");
        nothingSent("starttls-not-supported", "starttls-not-supported", "server did not offer STARTTLS",
            "starttls-not-supported");
        nothingSent("starttls-refused", "starttls-refused", "STARTTLS refused: 454 4.7.0 TLS not available",
            "starttls-not-supported", "starttls-refused");
        nothingSent("handshake-failed", "handshake-failed", "TLS handshake failed: Received fatal alert: handshake_failure",
            "validation-failure", "handshake-failed");
        nothingSent("tls-material-unusable", "tls-material-unusable",
            "TLS material of the policy unusable: conf/client.pem cannot be read", (String[]) null);
        nothingSent("dane-required", "dane-required",
            "DANE required: level dane-only but mx.partner.test publishes no DNSSEC-signed TLSA records", "dane-required");
        nothingSent("dnssec-invalid", "dnssec-invalid", "DNSSEC bogus answer for the MX of partner.test", "dnssec-invalid");
        nothingSent("tlsa-invalid", "tlsa-invalid", "DANE tlsa-invalid: no usable TLSA record matched the chain",
            "tlsa-invalid");
        nothingSent("connection-refused", null, "cannot connect to mx.partner.test:25: Connection refused", (String[]) null);
        nothingSent("dns-failure", null, "temporary DNS failure looking up MX of partner.test", (String[]) null);
    }

    static final List<String> RESULT_TYPES_WRITTEN = List.of("dane-required", "dnssec-invalid", "tlsa-invalid",
        "sts-policy-fetch-error", "sts-webpki-invalid", "certificate-expired", "pin-mismatch", "tls-material-unusable");

    /** Sorts before every character of a name, so the model's keys sort as the report's fields do. */
    private static final String SEPARATOR = "\u0001";
    private final Random random;
    private final List<String> domains;
    private final ObjectMapper json = new ObjectMapper();
    /** day -> domain -> policy JSON key -> model. */
    private final Map<LocalDate, Map<String, Map<String, PolicyModel>>> model = new TreeMap<>();
    private int serial;

    GeneratedAttempts(long seed, List<String> domains) {
        this.random = new Random(seed);
        this.domains = domains;
    }

    static final class PolicyModel {
        final String type;
        final List<String> strings;
        final TreeSet<String> mxHosts = new TreeSet<>();
        long successes;
        /** result-type, code, mx, ip -> count. */
        final Map<String, Long> failures = new TreeMap<>();

        PolicyModel(String type, List<String> strings) {
            this.type = type;
            this.strings = strings;
        }
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** One attempt at {@code time}; the model learns what the report must say of it. */
    ObjectNode line(Instant time) {
        String domain = pick(domains);
        int mx = random.nextInt(3);
        String mxHost = "mx" + mx + "." + domain.toLowerCase(java.util.Locale.ROOT);
        Kind kind = pick(KINDS);
        // an attempt that sent nothing may have reached no address; one that sent something always did
        String address = mx == 2 && kind.nothingSent.isPresent() ? "" : "198.51.100." + (10 + mx);
        TlsProvenance.Builder attempt = TlsProvenance.builder(Direction.OUTBOUND).localHost("mx.example.org")
            .remoteAddress(address).recipientDomain(domain).nextHop(mxHost + ":25").attempt(1).time(time);
        if (!address.isEmpty()) {
            attempt.remoteHost(mxHost);
        }
        kind.line.accept(attempt);
        boolean ours = random.nextInt(20) == 0;
        serial++;
        OutboundLedgerLine line = new OutboundLedgerLine(attempt.build(), kind.nothingSent,
            new MailIdentity("Mail" + serial, Optional.of("<m" + serial + "@example.org>"), ours ? REPORT_SENDER : "alice@example.org"),
            "tls-policy.conf:3", List.of(new OutboundLedgerLine.Recipient("bob@" + domain,
                kind.nothingSent.isPresent() ? OutboundLedgerLine.Result.DEFERRED : OutboundLedgerLine.Result.DELIVERED,
                kind.nothingSent.isPresent() ? 0 : 250, kind.nothingSent.isPresent() ? "4.7.5" : "2.0.0",
                kind.nothingSent.isPresent() ? "" : "250 2.0.0 Ok", kind.nothingSent.orElse(""))));
        ObjectNode node = line.toJson();
        String type = "no-policy-found";
        List<String> strings = List.of();
        int source = random.nextInt(4);
        if (source == 1) {
            type = "tlsa";
            strings = List.of("3 1 1 " + "ab".repeat(32), "2 0 1 " + "cd".repeat(31) + domain.length());
            node.put(ReportedSession.POLICY_SOURCE, "dane");
            ArrayNode tlsa = node.putArray(ReportedSession.TLSA);
            strings.forEach(tlsa::add);
        } else if (source == 2) {
            type = "sts";
            strings = List.of("version: STSv1", "mode: enforce", "mx: *." + domain.toLowerCase(java.util.Locale.ROOT), "max_age: 86400");
            node.put(ReportedSession.POLICY_SOURCE, "sts");
            ArrayNode sts = node.putArray(ReportedSession.STS_POLICY);
            strings.forEach(sts::add);
        } else if (source == 3) {
            node.put(ReportedSession.POLICY_SOURCE, random.nextBoolean() ? "row" : "default");
        }
        String[] expected = kind.expected;
        if (random.nextInt(6) == 0) {
            String written = pick(RESULT_TYPES_WRITTEN);
            node.put(ReportedSession.RESULT_TYPE, written);
            expected = written.equals("tls-material-unusable") ? null
                : ResultTypes.RFC_8460.contains(written) ? new String[] {written} : new String[] {"validation-failure", written};
        }
        if (ours || expected == null) {
            return node;
        }
        String policyType = type;
        List<String> policyStrings = strings;
        PolicyModel policy = model.computeIfAbsent(LocalDate.ofInstant(time, ZoneOffset.UTC), d -> new TreeMap<>())
            .computeIfAbsent(domain.toLowerCase(java.util.Locale.ROOT), d -> new TreeMap<>())
            .computeIfAbsent(type + strings, k -> new PolicyModel(policyType, policyStrings));
        policy.mxHosts.add(mxHost);
        if (expected.length == 0) {
            policy.successes++;
        } else {
            policy.failures.merge(String.join(SEPARATOR, expected[0], expected.length > 1 ? expected[1] : "", mxHost, address),
                1L, Long::sum);
        }
        return node;
    }

    /** The domains with sessions on {@code day}. */
    List<String> domainsOn(LocalDate day) {
        return new ArrayList<>(model.getOrDefault(day, Map.of()).keySet());
    }

    /** The report the model says {@code domain} must get for {@code day}, as RFC 8460 §4.4 writes it. */
    ObjectNode expected(LocalDate day, String domain, TlsReport.Settings settings) {
        ObjectNode report = json.createObjectNode();
        report.put("organization-name", settings.organizationName());
        ObjectNode range = report.putObject("date-range");
        range.put("start-datetime", day + "T00:00:00Z");
        range.put("end-datetime", day + "T23:59:59Z");
        report.put("contact-info", settings.contactInfo());
        report.put("report-id", day.toString().replace("-", "") + "." + domain + "@" + settings.submitter());
        ArrayNode policies = report.putArray("policies");
        List<PolicyModel> models = new ArrayList<>(model.get(day).get(domain).values());
        models.sort((a, b) -> a.type.equals(b.type) ? String.join("\n", a.strings).compareTo(String.join("\n", b.strings))
            : a.type.compareTo(b.type));
        for (PolicyModel m : models) {
            ObjectNode entry = policies.addObject();
            ObjectNode policy = entry.putObject("policy");
            policy.put("policy-type", m.type);
            if (!m.strings.isEmpty()) {
                ArrayNode strings = policy.putArray("policy-string");
                m.strings.forEach(strings::add);
            }
            policy.put("policy-domain", domain);
            ArrayNode hosts = policy.putArray("mx-host");
            m.mxHosts.forEach(hosts::add);
            ObjectNode summary = entry.putObject("summary");
            summary.put("total-successful-session-count", m.successes);
            summary.put("total-failure-session-count", m.failures.values().stream().mapToLong(Long::longValue).sum());
            if (!m.failures.isEmpty()) {
                ArrayNode details = entry.putArray("failure-details");
                m.failures.forEach((key, count) -> {
                    String[] k = key.split(SEPARATOR, -1);
                    ObjectNode detail = details.addObject();
                    detail.put("result-type", k[0]);
                    settings.sendingMtaIp().ifPresent(ip -> detail.put("sending-mta-ip", ip));
                    detail.put("receiving-mx-hostname", k[2]);
                    if (!k[3].isEmpty()) {
                        detail.put("receiving-ip", k[3]);
                    }
                    detail.put("failed-session-count", count);
                    if (!k[1].isEmpty()) {
                        detail.put("failure-reason-code", k[1]);
                    }
                });
            }
        }
        return report;
    }
}
