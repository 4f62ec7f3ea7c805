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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.ports.ListenerPorts;

/**
 * {@code GET /tls/posture} in the packaged server: real mail in (STARTTLS and cleartext, over port 25) and out (over
 * verified TLS to a partner, in cleartext to a sink, and to a next hop that withholds STARTTLS at {@code encrypt}),
 * then the reply's fields and numbers against what was sent; 401 without the token, 400 naming a bad parameter; and
 * after a restart the same numbers, from the checkpoint.
 */
class PostureIT {
    private static final TestPki PKI = TestPki.shared();
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> REPLY_FIELDS = List.of("since", "until", "complete", "ledgers", "unreadable", "inbound", "outbound");
    static final List<String> INBOUND_FIELDS = List.of("domain", "row", "messages", "recipients", "tls", "cleartext", "unknown",
        "transport", "protocols", "ciphers", "verify", "client-certificates", "accepted", "refused", "reasons", "fallbacks",
        "requiretls", "days");
    static final List<String> OUTBOUND_FIELDS = List.of("domain", "row", "level", "policy-source", "attempts", "delivered",
        "deferred", "failed", "tls", "cleartext", "none", "refused", "transport", "protocols", "ciphers", "verify", "fallbacks",
        "requiretls", "failures", "result-type", "days");

    @TempDir
    static Path directory;
    static DistributionProcess server;
    static TestSmtpPeer partner;
    static TestSmtpPeer stripping;
    static SinkSmtpPeer sink;
    static String partnerRow;
    static String sinkRow;
    static String strippedRow;

    @BeforeAll
    static void start() throws Exception {
        partner = TestSmtpPeer.builder().serverName("mx.partner.test").identity(PKI.peer("mx.partner.test")).start();
        stripping = TestSmtpPeer.builder().serverName("mx.stripped.test").withholdStartTls().start();
        int sinkPort = ListenerPorts.unused();
        sink = new SinkSmtpPeer(sinkPort);
        server = DistributionProcess.installInto(directory);
        Path conf = server.home().resolve("conf");
        Files.writeString(conf.resolve("partner-ca.pem"), PKI.root().certificatePem());
        String shipped = Files.readString(conf.resolve("tls-policy.conf"));
        int first = (int) shipped.lines().count() + 1;
        Files.writeString(conf.resolve("tls-policy.conf"), shipped
            + "partner.test   outbound=secure   match=mx.partner.test  ca=partner-ca.pem  route=[127.0.0.1]:" + partner.port() + "\n"
            + "sink.test      outbound=may      route=[127.0.0.1]:" + sinkPort + "\n"
            + "stripped.test  outbound=encrypt  route=[127.0.0.1]:" + stripping.port() + "\n");
        partnerRow = "tls-policy.conf:" + first;
        sinkRow = "tls-policy.conf:" + (first + 1);
        strippedRow = "tls-policy.conf:" + (first + 2);
        server.start().awaitStarted();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {server, partner, stripping, sink}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void thePostureCountsWhatWasSentAndReceivedAndARestartKeepsTheNumbers() throws Exception {
        MailClients clients = new MailClients(server);
        clients.send(true, "alice@example.test", "bob@partner.test", "tls 1", "over STARTTLS");
        clients.send(true, "alice@example.test", "bob@partner.test", "tls 2", "over STARTTLS");
        clients.send(false, "alice@example.test", "carol@partner.test", "clear 1", "in cleartext");
        clients.send(false, "alice@example.test", "dave@sink.test", "clear 2", "in cleartext");
        clients.send(true, "alice@example.test", "erin@sink.test", "tls 3", "over STARTTLS");
        clients.send(false, "alice@example.test", "frank@stripped.test", "clear 3", "held back");
        partner.awaitTransactions(3);
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.messages().size() == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> stripping.connectionCount() >= 1);

        JsonNode reply = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> posture(clients, "/tls/posture"), r -> r.get("complete").asBoolean()
                && r.get("inbound").size() == 3 && r.get("outbound").size() == 3
                && entry(r, "outbound", "partner.test").get("attempts").asLong() == 3
                && entry(r, "outbound", "sink.test").get("attempts").asLong() == 2);
        String day = day();
        String[] tls = negotiated();

        assertThat(names(reply)).isEqualTo(REPLY_FIELDS);
        assertThat(Instant.parse(reply.get("since").asText())).isEqualTo(LocalDate.parse(day).minusDays(7).atStartOfDay().toInstant(ZoneOffset.UTC));
        assertThat(reply.get("ledgers")).isEqualTo(JSON.readTree("{\"inbound\":[\"" + ledger("inbound") + "\"],\"outbound\":[\""
            + ledger("outbound") + "\"]}"));
        assertThat(reply.get("unreadable")).isEqualTo(JSON.readTree("{\"inbound\":0,\"outbound\":0}"));
        for (JsonNode entry : reply.get("inbound")) {
            assertThat(names(entry)).isEqualTo(INBOUND_FIELDS);
        }
        for (JsonNode entry : reply.get("outbound")) {
            assertThat(names(entry)).isEqualTo(OUTBOUND_FIELDS);
        }
        assertThat(entry(reply, "inbound", "partner.test")).isEqualTo(JSON.readTree("{\"domain\":\"partner.test\",\"row\":\"" + partnerRow
            + "\",\"messages\":3,\"recipients\":3,\"tls\":2,\"cleartext\":1,\"unknown\":0,\"transport\":{\"cleartext\":1,\"starttls\":2},"
            + "\"protocols\":{\"" + tls[0] + "\":2},\"ciphers\":{\"" + tls[1] + "\":2},"
            + "\"verify\":{\"verified\":0,\"not-presented\":2,\"not-checked\":0,\"failed\":0},\"client-certificates\":0,"
            + "\"accepted\":3,\"refused\":0,\"reasons\":{},\"fallbacks\":0,\"requiretls\":0,"
            + "\"days\":[{\"day\":\"" + day + "\",\"messages\":3,\"tls\":2,\"cleartext\":1}]}"));
        assertThat(entry(reply, "inbound", "sink.test")).isEqualTo(JSON.readTree("{\"domain\":\"sink.test\",\"row\":\"" + sinkRow
            + "\",\"messages\":2,\"recipients\":2,\"tls\":1,\"cleartext\":1,\"unknown\":0,\"transport\":{\"cleartext\":1,\"starttls\":1},"
            + "\"protocols\":{\"" + tls[0] + "\":1},\"ciphers\":{\"" + tls[1] + "\":1},"
            + "\"verify\":{\"verified\":0,\"not-presented\":1,\"not-checked\":0,\"failed\":0},\"client-certificates\":0,"
            + "\"accepted\":2,\"refused\":0,\"reasons\":{},\"fallbacks\":0,\"requiretls\":0,"
            + "\"days\":[{\"day\":\"" + day + "\",\"messages\":2,\"tls\":1,\"cleartext\":1}]}"));
        assertThat(entry(reply, "inbound", "stripped.test").get("messages").asLong()).isEqualTo(1);
        assertThat(entry(reply, "inbound", "stripped.test").get("cleartext").asLong()).isEqualTo(1);

        JsonNode toPartner = entry(reply, "outbound", "partner.test");
        String outboundProtocol = toPartner.get("protocols").fieldNames().next();
        String outboundCipher = toPartner.get("ciphers").fieldNames().next();
        assertThat(outboundProtocol).startsWith("TLSv1.");
        assertThat(toPartner).isEqualTo(JSON.readTree("{\"domain\":\"partner.test\",\"row\":\"" + partnerRow
            + "\",\"level\":{\"secure\":3},\"policy-source\":{\"row\":3},\"attempts\":3,\"delivered\":3,\"deferred\":0,\"failed\":0,"
            + "\"tls\":3,\"cleartext\":0,\"none\":0,\"refused\":0,\"transport\":{\"starttls\":3},\"protocols\":{\"" + outboundProtocol
            + "\":3},\"ciphers\":{\"" + outboundCipher + "\":3},\"verify\":{\"verified\":3,\"not-presented\":0,\"not-checked\":0,\"failed\":0},"
            + "\"fallbacks\":0,\"requiretls\":0,\"failures\":{},\"result-type\":{},"
            + "\"days\":[{\"day\":\"" + day + "\",\"attempts\":3,\"tls\":3,\"cleartext\":0,\"none\":0}]}"));
        assertThat(entry(reply, "outbound", "sink.test")).isEqualTo(JSON.readTree("{\"domain\":\"sink.test\",\"row\":\"" + sinkRow
            + "\",\"level\":{\"may\":2},\"policy-source\":{\"row\":2},\"attempts\":2,\"delivered\":2,\"deferred\":0,\"failed\":0,"
            + "\"tls\":0,\"cleartext\":2,\"none\":0,\"refused\":0,\"transport\":{\"cleartext\":2},\"protocols\":{},\"ciphers\":{},"
            + "\"verify\":{\"verified\":0,\"not-presented\":0,\"not-checked\":0,\"failed\":0},"
            + "\"fallbacks\":2,\"requiretls\":0,\"failures\":{},\"result-type\":{},"
            + "\"days\":[{\"day\":\"" + day + "\",\"attempts\":2,\"tls\":0,\"cleartext\":2,\"none\":0}]}"));
        JsonNode toStripped = entry(reply, "outbound", "stripped.test");
        long attempts = toStripped.get("attempts").asLong();
        assertThat(attempts).as("retried every few seconds, never sent").isPositive();
        assertThat(toStripped.get("row").asText()).isEqualTo(strippedRow);
        assertThat(toStripped.get("none").asLong()).isEqualTo(attempts);
        assertThat(toStripped.get("refused").asLong()).isEqualTo(attempts);
        assertThat(toStripped.get("deferred").asLong()).isEqualTo(attempts);
        assertThat(toStripped.get("delivered").asLong()).isZero();
        assertThat(toStripped.get("failures")).isEqualTo(JSON.readTree("{\"starttls-not-supported\":" + attempts + "}"));
        assertThat(toStripped.get("result-type")).isEqualTo(JSON.readTree("{\"starttls-not-supported\":" + attempts + "}"));
        assertThat(toStripped.get("policy-source")).isEqualTo(JSON.readTree("{\"row\":" + attempts + "}"));
        assertThat(stripping.cleartextMessageBytes()).isZero();

        // domain= filter, the 400 and the 401
        assertThat(posture(clients, "/tls/posture?domain=PARTNER.test").get("outbound")).hasSize(1);
        assertThat(posture(clients, "/tls/posture?domain=.test").get("outbound")).hasSize(3);
        HttpResponse<String> bad = get("/tls/posture?since=yesterday", clients.adminToken());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("statusCode").asInt()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("type").asText()).isEqualTo("InvalidArgument");
        assertThat(JSON.readTree(bad.body()).get("message").asText()).startsWith("Invalid parameter since: 'yesterday'");
        assertThat(get("/tls/posture", null).statusCode()).isEqualTo(401);

        JsonNode partnerBefore = posture(clients, "/tls/posture?domain=partner.test&until=" + Instant.now());
        JsonNode sinkBefore = posture(clients, "/tls/posture?domain=sink.test");
        assertThat(Files.exists(server.home().resolve("var/tls-posture/checkpoint.json"))).isTrue();

        server.close();
        server.start().awaitStarted();
        JsonNode partnerAfter = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> posture(clients, "/tls/posture?domain=partner.test&until=" + partnerBefore.get("until").asText()),
                r -> r.get("complete").asBoolean());
        assertThat(partnerAfter).isEqualTo(partnerBefore);
        JsonNode sinkAfter = posture(clients, "/tls/posture?domain=sink.test");
        assertThat(sinkAfter.get("inbound")).isEqualTo(sinkBefore.get("inbound"));
        assertThat(sinkAfter.get("outbound")).isEqualTo(sinkBefore.get("outbound"));
        assertThat(server.console()).doesNotContain("TLS posture: the checkpoint").doesNotContain("is not a readable ledger line");
    }

    private static JsonNode posture(MailClients clients, String path) throws Exception {
        return JSON.readTree(clients.webAdminGet(path));
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("webadmin") + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode entry(JsonNode reply, String direction, String domain) {
        for (JsonNode entry : reply.get(direction)) {
            if (entry.get("domain").asText().equals(domain)) {
                return entry;
            }
        }
        throw new AssertionError("no " + direction + " entry for " + domain + " in " + reply);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> fields = node.fieldNames();
        fields.forEachRemaining(names::add);
        return names;
    }

    private static String ledger(String direction) {
        return server.home().resolve("var/tls-ledger/" + direction + ".jsonl").toAbsolutePath().normalize().toString();
    }

    /** The UTC day of the mail, from the inbound ledger (a test started just before midnight keeps its day). */
    private static String day() throws Exception {
        String line = Files.readAllLines(Path.of(ledger("inbound"))).get(0);
        return LocalDate.ofInstant(Instant.parse(JSON.readTree(line).get("time").asText()), ZoneOffset.UTC).toString();
    }

    /** Protocol and cipher the mail client and James agreed on (the same for every STARTTLS mail of this test). */
    private static String[] negotiated() throws Exception {
        for (String line : Files.readAllLines(Path.of(ledger("inbound")))) {
            JsonNode json = JSON.readTree(line);
            if (json.get("transport").asText().equals("starttls")) {
                return new String[] {json.get("protocol").asText(), json.get("cipher").asText()};
            }
        }
        throw new AssertionError("no STARTTLS line in the inbound ledger");
    }
}
