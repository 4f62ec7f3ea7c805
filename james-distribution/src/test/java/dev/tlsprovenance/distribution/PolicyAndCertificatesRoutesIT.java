package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code GET /tls/policy}, {@code /tls/policy/check} and {@code /tls/certificates} of the packaged server with a test
 * policy table: the exact JSON field names and values, a refused edit (the file cut short), the generated self-signed
 * certificate as a client sees it on every TLS listener, and 401 without a token.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyAndCertificatesRoutesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String POLICY = "default              inbound=none  outbound=may\n"
        + "coexist.test         inbound=require  cleartext-reply=permanent  outbound=secure  match=mx.coexist.test\n"
        + ".partner.test        inbound=none  outbound=encrypt  min-protocol=TLSv1.3  route=[127.0.0.1]:2525\n";

    @TempDir
    static Path directory;
    static DistributionProcess server;
    static MailClients clients;

    @BeforeAll
    static void start() throws Exception {
        server = DistributionProcess.installInto(directory)
            .withJavaOption("-Djames.hostname=mx.routes.test")
            .withJavaOption("-Dtls.provenance.policy.checkIntervalMillis=0")
            .withJavaOption("-Dtls.provenance.policy.settleMillis=0");
        Files.writeString(policyFile(), POLICY);
        server.start().awaitStarted();
        clients = new MailClients(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static Path policyFile() {
        return server.home().resolve("conf/tls-policy.conf");
    }

    @Test
    @Order(1)
    void policyTableListsEveryRowWithItsKeys() throws Exception {
        JsonNode policy = JSON.readTree(clients.webAdminGet("/tls/policy"));

        assertThat(fieldNames(policy)).containsExactly("file", "loaded-at", "default-row", "rows", "last-refused-edit");
        assertThat(policy.get("file").asText()).endsWith("conf/tls-policy.conf");
        assertThat(Instant.parse(policy.get("loaded-at").asText())).isBefore(Instant.now());
        assertThat(policy.get("default-row").asText()).isEqualTo("tls-policy.conf:1");
        assertThat(policy.get("last-refused-edit").isNull()).isTrue();
        JsonNode rows = policy.get("rows");
        assertThat(rows).hasSize(3);
        assertThat(fieldNames(rows.get(1))).containsExactly("row", "namespace", "inbound", "require-tls-from-senders",
            "cleartext-reply", "client-ca", "client-crl", "client-names", "client-pins", "outbound", "match", "pins", "ca",
            "crl", "min-protocol", "client-cert", "route");
        assertThat(rows.get(1).toString()).isEqualTo("{\"row\":\"tls-policy.conf:2\",\"namespace\":\"coexist.test\","
            + "\"inbound\":\"require\",\"require-tls-from-senders\":true,\"cleartext-reply\":\"permanent\",\"client-ca\":null,"
            + "\"client-crl\":null,\"client-names\":[],\"client-pins\":[],\"outbound\":\"secure\",\"match\":[\"mx.coexist.test\"],"
            + "\"pins\":[],\"ca\":null,\"crl\":null,\"min-protocol\":\"TLSv1.2\",\"client-cert\":null,\"route\":[]}");
        assertThat(rows.get(2).get("namespace").asText()).isEqualTo(".partner.test");
        assertThat(rows.get(2).get("outbound").asText()).isEqualTo("encrypt");
        assertThat(rows.get(2).get("min-protocol").asText()).isEqualTo("TLSv1.3");
        assertThat(rows.get(2).get("route").toString()).isEqualTo("[\"127.0.0.1:2525\"]");
    }

    @Test
    @Order(2)
    void checkNamesTheRowAndSaysWhatHappensInBothDirections() throws Exception {
        JsonNode exact = JSON.readTree(clients.webAdminGet("/tls/policy/check?domain=COEXIST.test"));
        assertThat(fieldNames(exact)).containsExactly("domain", "row", "namespace", "inbound", "outbound");
        assertThat(exact.get("domain").asText()).isEqualTo("coexist.test");
        assertThat(exact.get("row").asText()).isEqualTo("tls-policy.conf:2");
        assertThat(exact.get("namespace").asText()).isEqualTo("coexist.test");
        assertThat(fieldNames(exact.get("inbound"))).containsExactly("rule", "cleartext-reply", "require-tls-from-senders", "says");
        assertThat(exact.get("inbound").get("rule").asText()).isEqualTo("require");
        assertThat(exact.get("inbound").get("says").asText())
            .startsWith("mail from outside to coexist.test must arrive over TLS")
            .contains("refused with 530 5.7.0");
        assertThat(fieldNames(exact.get("outbound"))).containsExactly("level", "says");
        assertThat(exact.get("outbound").get("level").asText()).isEqualTo("secure");
        assertThat(exact.get("outbound").get("says").asText())
            .startsWith("mail to someone@coexist.test must go over TLS")
            .contains("naming mx.coexist.test", "stays queued (4.7.10");

        JsonNode suffix = JSON.readTree(clients.webAdminGet("/tls/policy/check?domain=mx.eu.partner.test"));
        assertThat(suffix.get("row").asText()).isEqualTo("tls-policy.conf:3");
        assertThat(suffix.get("namespace").asText()).isEqualTo(".partner.test");
        assertThat(suffix.get("outbound").get("says").asText()).contains("at least TLSv1.3", "next hop: 127.0.0.1:2525");

        JsonNode other = JSON.readTree(clients.webAdminGet("/tls/policy/check?domain=elsewhere.test"));
        assertThat(other.get("row").asText()).isEqualTo("tls-policy.conf:1");
        assertThat(other.get("namespace").asText()).isEqualTo("*");
        assertThat(other.get("outbound").get("level").asText()).isEqualTo("may");
    }

    @Test
    @Order(3)
    void aMissingOrInvalidDomainIs400NamingTheParameter() throws Exception {
        for (String query : List.of("", "?domain=", "?domain=a%20b", "?domain=.partner.test", "?domain=bob@x.test")) {
            HttpResponse<String> reply = get("/tls/policy/check" + query, clients.adminToken());
            assertThat(reply.statusCode()).as(query).isEqualTo(400);
            JsonNode error = JSON.readTree(reply.body());
            assertThat(error.get("type").asText()).isEqualTo("InvalidArgument");
            assertThat(error.get("message").asText()).startsWith("query parameter 'domain' must be a domain name");
        }
    }

    @Test
    @Order(4)
    void everyTlsListenerShowsTheGeneratedSelfSignedCertificate() throws Exception {
        JsonNode certificates = JSON.readTree(clients.webAdminGet("/tls/certificates"));

        List<String> listeners = new ArrayList<>();
        for (JsonNode certificate : certificates) {
            listeners.add(certificate.get("listener").asText() + ":" + certificate.get("port").asInt() + ":"
                + certificate.get("mode").asText());
            assertThat(fieldNames(certificate)).containsExactly("listener", "port", "mode", "subject", "sans", "issuer",
                "not-after", "days-left", "chain", "host-name-matches", "host-name", "error");
            assertThat(certificate.get("subject").asText()).isEqualTo("CN=mx.routes.test,O=James TLS Provenance (self-signed)");
            assertThat(certificate.get("sans").toString()).contains("\"DNS:mx.routes.test\"");
            assertThat(certificate.get("issuer").asText()).isEqualTo("CN=mx.routes.test,O=James TLS Provenance (self-signed)");
            assertThat(certificate.get("chain").asText()).isEqualTo("self-signed");
            assertThat(certificate.get("host-name").asText()).isEqualTo("mx.routes.test");
            assertThat(certificate.get("host-name-matches").asBoolean()).isTrue();
            long daysLeft = Duration.between(Instant.now(), Instant.parse(certificate.get("not-after").asText())).toDays();
            assertThat(certificate.get("days-left").asLong()).isEqualTo(daysLeft).isGreaterThan(300);
            assertThat(certificate.get("error").isNull()).isTrue();
        }
        assertThat(listeners).containsExactlyInAnyOrder(
            "smtp:" + server.port("smtp") + ":starttls",
            "smtp:" + server.port("submission") + ":starttls",
            "smtp:" + server.port("smtps") + ":implicit-tls",
            "imap:" + server.port("imap") + ":starttls",
            "imap:" + server.port("imaps") + ":implicit-tls");
    }

    @Test
    @Order(5)
    void everyRouteIs401WithoutAToken() throws Exception {
        for (String path : List.of("/tls/policy", "/tls/policy/check?domain=coexist.test", "/tls/certificates")) {
            assertThat(get(path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(get(path, "not.a.token").statusCode()).as(path).isEqualTo(401);
        }
    }

    @Test
    @Order(10)
    void anEditCutShortIsRefusedAndShownWithWhenAndWhy() throws Exception {
        Instant beforeEdit = Instant.now();
        String cutShort = POLICY + "elsewhere.test   inbound=req";
        Files.writeString(policyFile(), cutShort);

        await().atMost(Duration.ofSeconds(20)).until(() ->
            !JSON.readTree(clients.webAdminGet("/tls/policy")).get("last-refused-edit").isNull());
        JsonNode policy = JSON.readTree(clients.webAdminGet("/tls/policy"));
        JsonNode refused = policy.get("last-refused-edit");
        assertThat(fieldNames(refused)).containsExactly("at", "reason", "superseded");
        assertThat(Instant.parse(refused.get("at").asText())).isAfterOrEqualTo(beforeEdit.minusSeconds(1));
        assertThat(refused.get("reason").asText()).isEqualTo("tls-policy.conf line 4: the file ends in the middle of a line"
            + " (no final line break): cut short while it was written? A complete file ends with a newline");
        assertThat(refused.get("superseded").asBoolean()).isFalse();
        assertThat(policy.get("rows")).hasSize(3);

        HttpResponse<String> health = get("/healthcheck/checks/TLS%20policy", clients.adminToken());
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode check = JSON.readTree(health.body());
        assertThat(check.get("status").asText()).isEqualTo("degraded");
        assertThat(check.get("cause").asText()).startsWith("the edit of " + policyFile().toRealPath() + " seen at ")
            .contains(" was refused: tls-policy.conf line 4: the file ends in the middle of a line")
            .endsWith("stays in force; fix the file (GET /tls/policy shows the rules in force)");
    }

    @Test
    @Order(11)
    void aGoodEditAfterwardsSupersedesTheRefusalAndThePolicyIsHealthyAgain() throws Exception {
        Files.writeString(policyFile(), POLICY + "elsewhere.test   inbound=require\n");

        await().atMost(Duration.ofSeconds(20)).until(() ->
            JSON.readTree(clients.webAdminGet("/tls/policy")).get("rows").size() == 4);
        JsonNode refused = JSON.readTree(clients.webAdminGet("/tls/policy")).get("last-refused-edit");
        assertThat(refused.get("superseded").asBoolean()).isTrue();
        JsonNode check = JSON.readTree(get("/healthcheck/checks/TLS%20policy", clients.adminToken()).body());
        assertThat(check.get("status").asText()).isEqualTo("healthy");
    }

    static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("webadmin") + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
