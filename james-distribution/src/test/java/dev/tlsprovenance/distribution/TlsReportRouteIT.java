package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code GET /tls/reports/{domain}} of the packaged server: the shipped {@code conf/webadmin.properties} registers the
 * route, the shipped {@code conf/tls-rpt.properties} is read, and the report of today is built from the outbound
 * ledger the running {@code TlsPolicyRemoteDelivery} writes (here: lines put there before the start).
 */
class TlsReportRouteIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path directory;
    static DistributionProcess server;
    static MailClients clients;
    static LocalDate today;

    private static String line(Instant time, String transport, String extra) {
        return "{\"dir\":\"outbound\",\"transport\":\"" + transport + "\"" + extra + ",\"by\":\"mx.routes.test\","
            + "\"addr\":\"198.51.100.7\",\"host\":\"mx1.partner.test\",\"verify\":\"" + (transport.equals("starttls") ? "verified" : "not-presented")
            + "\",\"domain\":\"partner.test\",\"next-hop\":\"mx1.partner.test:25\",\"level\":\"verify\",\"attempt\":\"1\","
            + "\"time\":\"" + time + "\",\"fallback\":\"no\",\"requiretls\":\"no\",\"mail\":\"Mail1\",\"sender\":\"a@routes.test\","
            + "\"row\":\"tls-policy.conf:1\",\"recipients\":[]}";
    }

    @BeforeAll
    static void start() throws Exception {
        server = DistributionProcess.installInto(directory).withJavaOption("-Djames.hostname=mx.routes.test");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant startOfDay = today.atStartOfDay(ZoneOffset.UTC).toInstant();
        Path ledger = server.home().resolve("var/tls-ledger/outbound.jsonl");
        Files.createDirectories(ledger.getParent());
        Files.write(ledger, List.of(
            line(startOfDay, "starttls", ",\"protocol\":\"TLSv1.3\",\"cipher\":\"TLS_AES_256_GCM_SHA384\",\"bits\":\"256\",\"trust\":\"pkix\""),
            line(startOfDay, "none", ",\"transport-reason\":\"server did not offer STARTTLS\"")));
        assertThat(server.home().resolve("conf/tls-rpt.properties")).exists();
        server.start().awaitStarted();
        clients = new MailClients(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void todaysReportOfADomainIsServed() throws Exception {
        JsonNode report = JSON.readTree(clients.webAdminGet("/tls/reports/partner.test"));
        assertThat(report.path("date-range").path("start-datetime").asText()).isEqualTo(today + "T00:00:00Z");
        assertThat(report.path("report-id").asText()).startsWith(today.toString().replace("-", "") + ".partner.test@");
        JsonNode policy = report.path("policies").path(0);
        assertThat(policy.path("policy").path("policy-type").asText()).isEqualTo("no-policy-found");
        assertThat(policy.path("policy").path("mx-host").get(0).asText()).isEqualTo("mx1.partner.test");
        assertThat(policy.path("summary").path("total-successful-session-count").asLong()).isEqualTo(1);
        assertThat(policy.path("summary").path("total-failure-session-count").asLong()).isEqualTo(1);
        assertThat(policy.path("failure-details").path(0).path("result-type").asText()).isEqualTo("starttls-not-supported");
    }

    @Test
    void withoutATokenIt401sAndABadDayIs400() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.port("webadmin") + "/tls/reports/partner.test?day=someday");
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        clients.webAdminGet("/tls/reports/partner.test?day=" + today);
        try {
            clients.webAdminGet("/tls/reports/partner.test?day=someday");
            throw new IllegalStateException("expected a 400");
        } catch (AssertionError expected) {
            assertThat(expected.getMessage()).contains("answered 400").contains("Invalid parameter day: 'someday'");
        }
    }
}
