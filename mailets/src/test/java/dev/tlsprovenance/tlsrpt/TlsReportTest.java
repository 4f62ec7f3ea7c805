package dev.tlsprovenance.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tlsprovenance.metrics.TlsMetricNames;

class TlsReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TlsReport.Settings SETTINGS = new TlsReport.Settings("Example Org", "mailto:tlsrpt@example.org",
        "mx.example.org", Optional.of("192.0.2.1"));
    private static final LocalDate DAY = LocalDate.parse("2026-12-01");

    @TempDir
    Path dir;

    @Test
    void everyFailureWordOfTheLedgerHasAGeneratedKind() {
        assertThat(GeneratedAttempts.WORD_OF_KIND.values()).containsAll(TlsMetricNames.TLS_FAILURE_REASONS);
    }

    @Test
    void reportsOfGeneratedLedgerLinesAreWhatTheModelSays() throws IOException {
        for (long seed = 1; seed <= 5; seed++) {
            GeneratedAttempts attempts = new GeneratedAttempts(seed, List.of("partner.test", "hosted.test", "b.example.net"));
            Random random = new Random(seed);
            List<String> lines = new ArrayList<>();
            Instant from = Instant.parse("2026-11-30T00:00:00Z");
            for (int i = 0; i < 3000; i++) {
                lines.add(attempts.line(from.plusMillis((long) (random.nextDouble() * 3 * 86_400_000L))).toString());
            }
            // the edges of the day, in and out
            for (String edge : List.of("2026-11-30T23:59:59.999Z", "2026-12-01T00:00:00Z", "2026-12-01T23:59:59.999Z",
                    "2026-12-02T00:00:00Z")) {
                for (int i = 0; i < 20; i++) {
                    lines.add(attempts.line(Instant.parse(edge)).toString());
                }
            }
            Path ledger = dir.resolve("outbound-" + seed + ".jsonl");
            // rotated: the older half in .1, the rest live, plus an unreadable line
            Files.write(ledger.resolveSibling(ledger.getFileName() + ".1"), lines.subList(0, lines.size() / 2), StandardCharsets.UTF_8);
            List<String> live = new ArrayList<>(lines.subList(lines.size() / 2, lines.size()));
            live.add(3, "{\"dir\":\"outbound\",\"transport\":");
            Files.write(ledger, live, StandardCharsets.UTF_8);

            for (LocalDate day : List.of(DAY.minusDays(1), DAY, DAY.plusDays(1))) {
                Map<String, TlsReport> reports = LedgerDay.reports(List.of(ledger), day, SETTINGS,
                    Optional.of(GeneratedAttempts.REPORT_SENDER));
                assertThat(reports.keySet()).containsExactlyElementsOf(attempts.domainsOn(day));
                for (String domain : attempts.domainsOn(day)) {
                    ObjectNode actual = reports.get(domain).toJson();
                    ObjectNode expected = attempts.expected(day, domain, SETTINGS);
                    assertThat(firstDifference(actual, expected, "")).as("seed %d day %s domain %s", seed, day, domain)
                        .isEmpty();
                    assertThat(actual).isEqualTo(expected);
                    assertSameFieldOrder(actual, expected);
                }
            }
        }
    }

    @Test
    void oneReportFieldByFieldInTheOrderOfTheRfcExample() throws Exception {
        GeneratedAttempts.Kind expired = kind("certificate-expired");
        GeneratedAttempts.Kind verified = kind("starttls-verified");
        TlsReport.Builder builder = new TlsReport.Builder(DAY, SETTINGS);
        for (int i = 0; i < 3; i++) {
            builder.add(session(verified, "mx1.partner.test", "198.51.100.7", "{}"));
        }
        builder.add(session(expired, "mx2.partner.test", "198.51.100.8", "{}"));
        builder.add(session(verified, "mx1.partner.test", "198.51.100.7",
            "{\"policy-source\":\"dane\",\"tlsa\":[\"3 1 1 " + "ab".repeat(32) + "\"]}"));
        builder.add(session(verified, "mx1.partner.test", "198.51.100.7",
            "{\"policy-source\":\"dane\",\"tlsa\":[\"3 1 1 " + "ab".repeat(32) + "\"],\"result-type\":\"dnssec-invalid\"}"));
        TlsReport report = builder.build().get("partner.test");
        assertThat(report.toJson().toString()).isEqualTo("{\"organization-name\":\"Example Org\","
            + "\"date-range\":{\"start-datetime\":\"2026-12-01T00:00:00Z\",\"end-datetime\":\"2026-12-01T23:59:59Z\"},"
            + "\"contact-info\":\"mailto:tlsrpt@example.org\",\"report-id\":\"20261201.partner.test@mx.example.org\","
            + "\"policies\":[{\"policy\":{\"policy-type\":\"no-policy-found\",\"policy-domain\":\"partner.test\","
            + "\"mx-host\":[\"mx1.partner.test\",\"mx2.partner.test\"]},"
            + "\"summary\":{\"total-successful-session-count\":3,\"total-failure-session-count\":1},"
            + "\"failure-details\":[{\"result-type\":\"certificate-expired\",\"sending-mta-ip\":\"192.0.2.1\","
            + "\"receiving-mx-hostname\":\"mx2.partner.test\",\"receiving-ip\":\"198.51.100.8\",\"failed-session-count\":1}]},"
            + "{\"policy\":{\"policy-type\":\"tlsa\",\"policy-string\":[\"3 1 1 " + "ab".repeat(32) + "\"],"
            + "\"policy-domain\":\"partner.test\",\"mx-host\":[\"mx1.partner.test\"]},"
            + "\"summary\":{\"total-successful-session-count\":1,\"total-failure-session-count\":1},"
            + "\"failure-details\":[{\"result-type\":\"dnssec-invalid\",\"sending-mta-ip\":\"192.0.2.1\","
            + "\"receiving-mx-hostname\":\"mx1.partner.test\",\"receiving-ip\":\"198.51.100.7\",\"failed-session-count\":1}]}]}");
        assertThat(report.successfulSessions()).isEqualTo(4);
        assertThat(report.failedSessions()).isEqualTo(2);
        assertThat(report.uniqueId()).matches("[0-9a-f]{16}");
        assertThat(report.start()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(report.end()).isEqualTo(Instant.parse("2026-12-01T23:59:59Z"));
    }

    @Test
    void withoutAConfiguredAddressThereIsNoSendingMtaIp() throws Exception {
        TlsReport.Settings settings = new TlsReport.Settings("Example Org", "tlsrpt@example.org", "mx.example.org", Optional.empty());
        TlsReport.Builder builder = new TlsReport.Builder(DAY, settings);
        builder.add(session(kind("starttls-not-supported"), "mx1.partner.test", "", "{}"));
        JsonNode detail = builder.build().get("partner.test").toJson().path("policies").path(0).path("failure-details").path(0);
        assertThat(fieldNames(detail)).containsExactly("result-type", "receiving-mx-hostname", "failed-session-count");
    }

    private static GeneratedAttempts.Kind kind(String name) {
        return GeneratedAttempts.KINDS.stream().filter(k -> k.name.equals(name)).findFirst().orElseThrow();
    }

    private static ReportedSession session(GeneratedAttempts.Kind kind, String host, String address, String extra) throws Exception {
        dev.tlsprovenance.provenance.TlsProvenance.Builder attempt = dev.tlsprovenance.provenance.TlsProvenance
            .builder(dev.tlsprovenance.provenance.Direction.OUTBOUND).localHost("mx.example.org").remoteAddress(address)
            .recipientDomain("partner.test").nextHop(host + ":25").attempt(1).time(Instant.parse("2026-12-01T10:00:00Z"));
        if (!address.isEmpty()) {
            attempt.remoteHost(host);
        }
        kind.line.accept(attempt);
        dev.tlsprovenance.ledger.OutboundLedgerLine line = new dev.tlsprovenance.ledger.OutboundLedgerLine(attempt.build(),
            kind.nothingSent, new dev.tlsprovenance.ledger.MailIdentity("Mail1", Optional.empty(), "alice@example.org"),
            "tls-policy.conf:3", List.of());
        ObjectNode raw = line.toJson();
        raw.setAll((ObjectNode) JSON.readTree(extra));
        return ReportedSession.of(dev.tlsprovenance.ledger.OutboundLedgerLine.parse(raw), raw).orElseThrow();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Where two reports first differ (a JSON path and both values), empty when they are equal. */
    static Optional<String> firstDifference(JsonNode actual, JsonNode expected, String path) {
        if (actual == null || expected == null || actual.getNodeType() != expected.getNodeType()) {
            return Optional.of(path + ": " + actual + " vs expected " + expected);
        }
        if (expected.isObject()) {
            List<String> names = fieldNames(expected);
            for (String name : fieldNames(actual)) {
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
            for (String name : names) {
                Optional<String> difference = firstDifference(actual.get(name), expected.get(name), path + "." + name);
                if (difference.isPresent()) {
                    return difference;
                }
            }
            return Optional.empty();
        }
        if (expected.isArray()) {
            for (int i = 0; i < Math.max(actual.size(), expected.size()); i++) {
                Optional<String> difference = firstDifference(actual.get(i), expected.get(i), path + "[" + i + "]");
                if (difference.isPresent()) {
                    return difference;
                }
            }
            return Optional.empty();
        }
        return actual.equals(expected) ? Optional.empty() : Optional.of(path + ": " + actual + " vs expected " + expected);
    }

    /** ObjectNode equality ignores order; the RFC's example order is part of what we promise. */
    private static void assertSameFieldOrder(JsonNode actual, JsonNode expected) {
        if (expected.isObject()) {
            assertThat(fieldNames(actual)).containsExactlyElementsOf(fieldNames(expected));
            Iterator<String> names = expected.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                assertSameFieldOrder(actual.get(name), expected.get(name));
            }
        } else if (expected.isArray()) {
            for (int i = 0; i < expected.size(); i++) {
                assertSameFieldOrder(actual.get(i), expected.get(i));
            }
        }
    }
}
