package dev.tlsprovenance.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.ledger.MailIdentity;
import dev.tlsprovenance.ledger.OutboundLedgerLine;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.tlsrpt.HttpsReportPoster;
import dev.tlsprovenance.tlsrpt.SentReports;
import dev.tlsprovenance.tlsrpt.TlsReport;
import dev.tlsprovenance.tlsrpt.TlsRptSender;

class TlsReportRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static SparkRoutes server;

    private static String line(String domain, String time, Transport transport, String reason) {
        TlsProvenance.Builder attempt = TlsProvenance.builder(Direction.OUTBOUND).transport(transport).localHost("mx.example.org")
            .remoteAddress("198.51.100.7").remoteHost("mx1." + domain).recipientDomain(domain).nextHop("mx1." + domain + ":25")
            .policyLevel("verify").attempt(1).time(Instant.parse(time));
        if (transport == Transport.STARTTLS) {
            attempt.protocol("TLSv1.3").cipherSuite("TLS_AES_256_GCM_SHA384").peerVerification(CertificateVerification.verified("pkix"));
        }
        return new OutboundLedgerLine(attempt.build(), Optional.ofNullable(reason), new MailIdentity("Mail1", Optional.empty(),
            "alice@example.org"), "tls-policy.conf:3", List.of()).toString();
    }

    @BeforeAll
    static void start() throws Exception {
        Path ledger = dir.resolve("outbound.jsonl");
        Files.write(ledger, List.of(
            line("partner.test", "2026-12-01T10:00:00Z", Transport.STARTTLS, null),
            line("partner.test", "2026-12-01T11:00:00Z", Transport.NONE, "server did not offer STARTTLS"),
            line("partner.test", "2026-12-02T01:00:00Z", Transport.STARTTLS, null),
            line("xn--bcher-kva.example", "2026-12-02T02:00:00Z", Transport.STARTTLS, null)), StandardCharsets.UTF_8);
        TlsRptSender sender = new TlsRptSender(false, Duration.ZERO,
            () -> new TlsReport.Settings("Example Org", "postmaster@example.org", "mx.example.org", Optional.empty()),
            () -> "noreply-tlsrpt@mx.example.org", () -> List.of(ledger), name -> List.of(), (report, from, to) -> { },
            HttpsReportPoster.withDefaultTrust(), new SentReports(dir.resolve("sent.txt")),
            Clock.fixed(Instant.parse("2026-12-02T09:00:00Z"), ZoneOffset.UTC));
        server = new SparkRoutes(new TlsReportRoutes(sender));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode body(HttpResponse<byte[]> reply) throws Exception {
        return JSON.readTree(new String(reply.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aDayOfADomainIsItsReport() throws Exception {
        HttpResponse<byte[]> reply = server.get("/tls/reports/Partner.Test?day=2026-12-01");
        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode report = body(reply);
        assertThat(report.path("report-id").asText()).isEqualTo("20261201.partner.test@mx.example.org");
        assertThat(report.path("date-range").path("start-datetime").asText()).isEqualTo("2026-12-01T00:00:00Z");
        JsonNode policy = report.path("policies").path(0);
        assertThat(policy.path("policy").path("policy-type").asText()).isEqualTo("no-policy-found");
        assertThat(policy.path("summary").path("total-successful-session-count").asLong()).isEqualTo(1);
        assertThat(policy.path("summary").path("total-failure-session-count").asLong()).isEqualTo(1);
        assertThat(policy.path("failure-details").path(0).path("result-type").asText()).isEqualTo("starttls-not-supported");
    }

    @Test
    void withoutADayItIsTodaySoFarAndAnIdnIsItsALabel() throws Exception {
        JsonNode today = body(server.get("/tls/reports/partner.test"));
        assertThat(today.path("date-range").path("start-datetime").asText()).isEqualTo("2026-12-02T00:00:00Z");
        assertThat(today.path("policies").path(0).path("summary").path("total-successful-session-count").asLong()).isEqualTo(1);
        JsonNode idn = body(server.get("/tls/reports/b%C3%BCcher.example"));
        assertThat(idn.path("policies").path(0).path("policy").path("policy-domain").asText()).isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void badParametersAre400AndNoTrafficIs404() throws Exception {
        HttpResponse<byte[]> badDay = server.get("/tls/reports/partner.test?day=yesterday");
        assertThat(badDay.statusCode()).isEqualTo(400);
        assertThat(body(badDay).path("message").asText()).isEqualTo(
            "Invalid parameter day: 'yesterday' (expected a UTC day such as 2026-12-01)");
        assertThat(body(badDay).path("type").asText()).isEqualTo("InvalidArgument");
        HttpResponse<byte[]> badDomain = server.get("/tls/reports/a_b..test");
        assertThat(badDomain.statusCode()).isEqualTo(400);
        assertThat(body(badDomain).path("message").asText()).startsWith("Invalid domain: 'a_b..test'");
        HttpResponse<byte[]> none = server.get("/tls/reports/other.test?day=2026-12-01");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(body(none).path("type").asText()).isEqualTo("notFound");
        assertThat(body(none).path("message").asText()).isEqualTo("No outbound TLS session to other.test on 2026-12-01 (UTC): no report");
    }
}
