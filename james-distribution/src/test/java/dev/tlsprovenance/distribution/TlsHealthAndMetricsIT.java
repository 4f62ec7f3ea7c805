package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.MessagingException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;

/**
 * The health checks and counters of the packaged server, in a set-up where each check has something to say: a
 * certificate minted with 10 days left (certificate check degraded, {@code /tls/certificates} says so), the outbound
 * ledger unwritable (ledgers check unhealthy) so that mail for a {@code secure} row waits in the queue longer than the
 * tiny retry schedule of the test conf allows (the opt-in queue check, turned on here, degraded, naming the mail); then {@code GET /metrics}
 * after known traffic, and everything healthy again once the ledger can be written.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsHealthAndMetricsIT {
    private static final TestPki PKI = TestPki.shared();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "mx.health.test";

    @TempDir
    static Path directory;
    static DistributionProcess server;
    static MailClients clients;
    static TestSmtpPeer partner;
    static TestSmtpPeer open;

    @BeforeAll
    static void start() throws Exception {
        partner = TestSmtpPeer.builder().serverName("mx.partner.test").identity(PKI.peer("mx.partner.test")).start();
        open = TestSmtpPeer.builder().serverName("mx.open.test").start();
        server = DistributionProcess.installInto(directory).withJavaOption("-Djames.hostname=" + HOST);
        Path conf = server.home().resolve("conf");
        Instant now = Instant.now();
        TestCertificate tenDays = TestCertificate.builder().commonName(HOST).addSubjectAlternativeName(HOST)
            .addSubjectAlternativeName("localhost").serverAuth()
            .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)).plus(Duration.ofHours(1)))
            .signedBy(PKI.intermediate()).build();
        TestTls.builder().identity(tenDays).build().writeKeyStorePkcs12(conf.resolve("keystore.p12"), "changeit");
        Files.writeString(conf.resolve("partner-ca.pem"), PKI.root().certificatePem());
        Files.writeString(conf.resolve("tls-policy.conf"), Files.readString(conf.resolve("tls-policy.conf"))
            + "\npartner.test   outbound=secure   match=mx.partner.test  ca=partner-ca.pem  route=[127.0.0.1]:" + partner.port()
            + "\nopen.test      outbound=may      route=[127.0.0.1]:" + open.port()
            + "\ncoexist.test   inbound=require   outbound=may\n");
        // A tiny retry schedule: a mail may stay 1 s + 1 s at most before it must have been delivered or bounced.
        Path mailets = conf.resolve("mailetcontainer.xml");
        String container = Files.readString(mailets);
        assertThat(container).contains("<delays>5s, 1m, 5m, 30m, 2h</delays>", "<maxRetries>8</maxRetries>");
        Files.writeString(mailets, container.replace("<delays>5s, 1m, 5m, 30m, 2h</delays>", "<delays>1s</delays>")
            .replace("<maxRetries>8</maxRetries>", "<maxRetries>1</maxRetries>"));
        // The shipped configuration registers every check, the queue check included.
        assertThat(Files.readString(conf.resolve("healthcheck.properties")))
            .contains("dev.tlsprovenance.health.LedgerHealthCheck,dev.tlsprovenance.health.OutgoingQueueHealthCheck\n");
        Files.createDirectories(outboundLedger());
        server.start().awaitStarted();
        clients = new MailClients(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (partner != null) {
            partner.close();
        }
        if (open != null) {
            open.close();
        }
    }

    static Path outboundLedger() {
        return server.home().resolve("var/tls-ledger/outbound.jsonl");
    }

    @Test
    @Order(1)
    void countersCountTheTrafficByTransportProtocolLevelAndOutcome() throws Exception {
        clients.send(true, "alice@example.test", "carol@open.test", "over-starttls", "one");
        clients.send(false, "alice@example.test", "dave@open.test", "in-cleartext", "two");
        assertThatThrownBy(() -> clients.send(false, "alice@example.test", "bob@coexist.test", "refused", "three"))
            .isInstanceOf(MessagingException.class);
        open.awaitTransactions(2);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Double> metrics = tlsMetrics();
            assertThat(metrics).containsEntry("tlsprovenance_inbound_mails_starttls_TLSv1_3_total", 1.0)
                .containsEntry("tlsprovenance_inbound_mails_cleartext_none_total", 1.0)
                .containsEntry("tlsprovenance_inbound_policy_refusals_recipient_total", 1.0)
                .containsEntry("tlsprovenance_outbound_attempts_may_delivered_total", 2.0);
        });
    }

    @Test
    @Order(2)
    void aCertificateWithTenDaysLeftIsDegradedAndShownSo() throws Exception {
        JsonNode certificates = JSON.readTree(clients.webAdminGet("/tls/certificates"));
        assertThat(certificates).hasSize(5);
        for (JsonNode certificate : certificates) {
            assertThat(certificate.get("days-left").asLong()).isEqualTo(10);
            assertThat(certificate.get("chain").asText()).startsWith("untrusted: issuer CN=").endsWith(" is not in the trust store");
            assertThat(certificate.get("host-name-matches").asBoolean()).isTrue();
        }

        JsonNode check = healthCheck("TLS server certificate", 200);
        assertThat(check.get("status").asText()).isEqualTo("degraded");
        assertThat(check.get("cause").asText())
            .contains("smtp listener on port " + server.port("smtp") + ": certificate CN=" + HOST + " expires in 10 days")
            .contains("imap listener on port " + server.port("imaps"))
            .contains("renew it");
    }

    @Test
    @Order(3)
    void anUnwritableLedgerIsUnhealthyAndTheMailItHoldsMakesTheQueueDegraded() throws Exception {
        clients.send(false, "alice@example.test", "bob@partner.test", "waits-for-the-ledger", "four");

        JsonNode ledgers = healthCheck("TLS ledgers", 503);
        assertThat(ledgers.get("status").asText()).isEqualTo("unhealthy");
        assertThat(ledgers.get("cause").asText()).startsWith("cannot be written: outbound ledger " + outboundLedger());

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode queue = healthCheck("TLS outgoing queue", 200);
            assertThat(queue.get("status").asText()).isEqualTo("degraded");
            assertThat(queue.get("cause").asText())
                .startsWith("queue 'outgoing-tls': mail ")
                .contains(" (recipients at partner.test) has waited since ")
                .contains("longer than its retry schedule allows (2 s: delays [PT1S], maxRetries 1)")
                .contains("last error: 4.3.0 the outbound ledger");
        });
        assertThat(partner.connectionCount()).isZero();
    }

    @Test
    @Order(4)
    void onceTheLedgerCanBeWrittenTheMailGoesAndBothChecksAreHealthy() throws Exception {
        Files.delete(outboundLedger());
        assertThat(partner.awaitTransactions(1).get(0).recipients()).containsExactly("bob@partner.test");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(healthCheck("TLS ledgers", 200).get("status").asText()).isEqualTo("healthy");
            assertThat(healthCheck("TLS outgoing queue", 200).get("status").asText()).isEqualTo("healthy");
        });
        assertThat(healthCheck("TLS policy", 200).get("status").asText()).isEqualTo("healthy");
        assertThat(tlsMetrics()).containsEntry("tlsprovenance_outbound_attempts_secure_delivered_total", 1.0);
    }

    @Test
    @Order(5)
    void theHealthCheckListNamesEveryTlsCheck() throws Exception {
        HttpResponse<String> reply = get("/healthcheck", clients.adminToken());
        JsonNode all = JSON.readTree(reply.body());
        assertThat(all.get("checks").findValuesAsText("componentName"))
            .contains("TLS server certificate", "TLS policy", "TLS ledgers", "TLS outgoing queue");
    }

    /** Our counters from {@code GET /metrics} (Prometheus text): name -> value. */
    static Map<String, Double> tlsMetrics() throws Exception {
        HttpResponse<String> reply = get("/metrics", null);
        assertThat(reply.statusCode()).isEqualTo(200);
        Map<String, Double> values = new LinkedHashMap<>();
        Matcher line = Pattern.compile("(?m)^(tlsprovenance_\\S+) (\\S+)$").matcher(reply.body());
        while (line.find()) {
            values.put(line.group(1), Double.parseDouble(line.group(2)));
        }
        return values;
    }

    static JsonNode healthCheck(String component, int expectedStatus) throws Exception {
        HttpResponse<String> reply = get("/healthcheck/checks/" + URLEncoder.encode(component, StandardCharsets.UTF_8)
            .replace("+", "%20"), clients.adminToken());
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(expectedStatus);
        return JSON.readTree(reply.body());
    }

    static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("webadmin") + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
