package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.distribution.webadmin.AdminTokens;
import dev.tlsprovenance.distribution.webadmin.WebAdminKeys;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.SignatureAlgorithm;

/**
 * WebAdmin of the packaged server, attacked as a local process or a web page would: every request without a token
 * this server issued is 401, a request naming another host is 421 (DNS rebinding), no reply carries a CORS header,
 * and the token keys are generated once, owner-only, and kept across restarts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebAdminSecurityIT {
    private static final String ERROR_421 = "\"message\":\"Host header does not name this WebAdmin server\"";
    private static final String JSON = "Content-Type: application/json";

    @TempDir
    static Path directory;
    static DistributionProcess server;
    static MailClients clients;
    static String token;
    static Map<String, byte[]> keysAtFirstStart = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        server = DistributionProcess.installInto(directory).start().awaitStarted();
        for (String key : List.of("jwt-private.pem", "jwt-public.pem")) {
            keysAtFirstStart.put(key, Files.readAllBytes(keyFile(key)));
        }
        clients = new MailClients(server);
        token = clients.adminToken();
        clients.createDomainAndUser("example.test", "alice@example.test", "alice-secret");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyRequestWithoutATokenThisServerIssuedIs401AndChangesNothing() throws Exception {
        Map<String, String> authorizations = forgedAuthorizations();
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<String, String> credential : authorizations.entrySet()) {
            for (List<String> request : attacks()) {
                List<String> headers = new ArrayList<>();
                if (credential.getValue() != null) {
                    headers.add(credential.getValue());
                }
                if (request.get(2) != null) {
                    headers.add(JSON);
                }
                RawHttp.Reply reply = RawHttp.send(port(), request.get(0), request.get(1), "127.0.0.1:" + port(), headers, request.get(2));
                softly.assertThat(reply.status()).as("%s %s with %s", request.get(0), request.get(1), credential.getKey())
                    .isEqualTo(401);
            }
        }
        softly.assertAll();

        assertThat(get("/domains").body()).contains("\"example.test\"").doesNotContain("evil.test");
        assertThat(get("/users").body()).contains("alice@example.test").doesNotContain("mallory");
        assertThat(get("/address/forwards").body()).isEqualTo("[]");
        // alice's password was not reset by the ?force attempts.
        assertThat(clients.readInboxHeaders("alice@example.test", "alice-secret")).isEmpty();
    }

    @Test
    void theAdminTokenIsAccepted() throws Exception {
        assertThat(get("/domains").status()).isEqualTo(200);
        assertThat(send("PUT", "/domains/accepted.test", token, null).status()).isEqualTo(204);
        assertThat(send("PUT", "/users/bob@accepted.test", token, "{\"password\":\"bob-secret\"}").status()).isEqualTo(204);
        assertThat(get("/users").body()).contains("bob@accepted.test");

        String custom = server.adminToken("--valid-for", "10m", "--subject", "ops@example.test");
        JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(custom.split("\\.")[1]));
        assertThat(claims.get("sub").asText()).isEqualTo("ops@example.test");
        assertThat(claims.get("admin").asBoolean()).isTrue();
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(600);
        assertThat(send("GET", "/domains", custom, null).status()).isEqualTo(200);
    }

    @Test
    void aRequestNamingAnotherHostIsRefusedWith421EvenWithAValidToken() throws Exception {
        int port = port();
        List<String> misdirected = List.of("evil.test:8000", "evil.test:" + port, "evil.test", "127.0.0.1.evil.test:" + port,
            "localhost.evil.test:" + port, "localhost.:" + port, "127.0.0.1:" + (port + 1),
            "localhost:" + (port + 1), "localhost", "127.0.0.1", "[::1]:" + (port + 1), "", "127.0.0.1:" + port + ":" + port);
        SoftAssertions softly = new SoftAssertions();
        for (String host : misdirected) {
            for (String credential : new String[] {token, null}) {
                for (List<String> request : List.of(List.of("GET", "/domains"), List.of("GET", "/healthcheck"),
                        List.of("PUT", "/users/mallory@example.test"))) {
                    List<String> headers = new ArrayList<>(List.of(JSON));
                    if (credential != null) {
                        headers.add("Authorization: Bearer " + credential);
                    }
                    RawHttp.Reply reply = RawHttp.send(port, request.get(0), request.get(1), host, headers, "{\"password\":\"x\"}");
                    softly.assertThat(reply.status()).as("%s %s Host '%s' token %s", request.get(0), request.get(1), host, credential != null)
                        .isEqualTo(421);
                    softly.assertThat(reply.body()).as("body for Host '%s'", host).contains("\"statusCode\":421").contains(ERROR_421);
                    softly.assertThat(reply.accessControlHeaders()).as("CORS headers for Host '%s'", host).isEmpty();
                }
            }
        }
        // Jetty itself refuses a Host it cannot parse as host[:port], before any filter runs.
        RawHttp.Reply unparsable = RawHttp.send(port, "GET", "/domains", "evil.test:" + port + "@127.0.0.1",
            List.of("Authorization: Bearer " + token), null);
        softly.assertThat(unparsable.status()).as("unparsable Host").isEqualTo(400);
        RawHttp.Reply noHost = RawHttp.send(port, "HTTP/1.0", "GET", "/domains", null, List.of("Authorization: Bearer " + token), null);
        softly.assertThat(noHost.status()).as("HTTP/1.0 without Host").isEqualTo(421);
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LocalHost:" + port, "[::1]:" + port)) {
            RawHttp.Reply reply = RawHttp.send(port, "GET", "/domains", host, List.of("Authorization: Bearer " + token), null);
            softly.assertThat(reply.status()).as("Host '%s' names this server", host).isEqualTo(200);
        }
        softly.assertAll();
        assertThat(get("/users").body()).doesNotContain("mallory");
    }

    @Test
    void corsIsOffNoReplyAllowsAnotherOrigin() throws Exception {
        String host = "127.0.0.1:" + port();
        List<String> preflight = List.of("Origin: http://evil.test", "Access-Control-Request-Method: PUT",
            "Access-Control-Request-Headers: authorization, content-type");
        RawHttp.Reply anonymousPreflight = RawHttp.send(port(), "OPTIONS", "/users/mallory@example.test", host, preflight, null);
        assertThat(anonymousPreflight.status()).isEqualTo(403);
        assertThat(anonymousPreflight.accessControlHeaders()).isEmpty();

        List<String> preflightWithToken = new ArrayList<>(preflight);
        preflightWithToken.add("Authorization: Bearer " + token);
        RawHttp.Reply tokenPreflight = RawHttp.send(port(), "OPTIONS", "/domains/evil.test", host, preflightWithToken, null);
        assertThat(tokenPreflight.status()).isEqualTo(403);
        assertThat(tokenPreflight.accessControlHeaders()).isEmpty();

        RawHttp.Reply allowed = RawHttp.send(port(), "GET", "/domains", host,
            List.of("Origin: http://evil.test", "Authorization: Bearer " + token), null);
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.accessControlHeaders()).isEmpty();

        RawHttp.Reply refused = RawHttp.send(port(), "PUT", "/domains/evil.test", host, List.of("Origin: http://evil.test"), null);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.accessControlHeaders()).isEmpty();
    }

    /** Last: the restart empties the in-memory users and domains the other tests rely on. */
    @Test
    @Order(Integer.MAX_VALUE)
    void tokenKeysAreOwnerOnlyAndSurviveARestartUnchanged() throws Exception {
        Path keys = keyFile("jwt-private.pem").getParent();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rwx------");
        for (String key : keysAtFirstStart.keySet()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile(key)))).as(key).isEqualTo("rw-------");
        }
        assertThat(new String(keysAtFirstStart.get("jwt-private.pem"), StandardCharsets.US_ASCII)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(new String(keysAtFirstStart.get("jwt-public.pem"), StandardCharsets.US_ASCII)).startsWith("-----BEGIN PUBLIC KEY-----\n");

        server.close();
        server.start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
            .until(() -> get("/domains").status() == 200);
        for (String key : keysAtFirstStart.keySet()) {
            assertThat(Files.readAllBytes(keyFile(key))).as(key + " after restart").isEqualTo(keysAtFirstStart.get(key));
        }
        assertThat(server.console().split("WebAdmin token keys generated", -1)).hasSize(2);
    }

    /** Credentials a local process or a page could present, none issued by this server for an admin, now. */
    private static Map<String, String> forgedAuthorizations() throws Exception {
        PrivateKey serverKey = WebAdminKeys.readPrivateKey(keyFile("jwt-private.pem"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey otherKey = generator.generateKeyPair().getPrivate();
        Instant now = Instant.now();
        Date inAnHour = Date.from(now.plus(Duration.ofHours(1)));

        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("no Authorization header", null);
        forms.put("Bearer without a token", "Authorization: Bearer ");
        forms.put("Basic credentials", "Authorization: Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8)));
        forms.put("a token that is not a JWT", "Authorization: Bearer not-a-jwt");
        forms.put("signed with another key", bearer(AdminTokens.issue(otherKey, "admin", now, now.plus(Duration.ofHours(1)))));
        forms.put("expired", bearer(AdminTokens.issue(serverKey, "admin", now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1)))));
        forms.put("not valid before an hour from now", bearer(Jwts.builder().setSubject("admin").claim("admin", true)
            .setNotBefore(inAnHour).setExpiration(Date.from(now.plus(Duration.ofHours(2)))).signWith(serverKey, SignatureAlgorithm.RS256).compact()));
        forms.put("admin=false", bearer(Jwts.builder().setSubject("admin").claim("admin", false).setExpiration(inAnHour)
            .signWith(serverKey, SignatureAlgorithm.RS256).compact()));
        forms.put("admin=\"true\" (a string)", bearer(Jwts.builder().setSubject("admin").claim("admin", "true").setExpiration(inAnHour)
            .signWith(serverKey, SignatureAlgorithm.RS256).compact()));
        forms.put("no admin claim", bearer(Jwts.builder().setSubject("admin").setExpiration(inAnHour)
            .signWith(serverKey, SignatureAlgorithm.RS256).compact()));
        forms.put("empty sub", bearer(Jwts.builder().setSubject("").claim("admin", true).setExpiration(inAnHour)
            .signWith(serverKey, SignatureAlgorithm.RS256).compact()));
        forms.put("no sub", bearer(Jwts.builder().claim("admin", true).setExpiration(inAnHour)
            .signWith(serverKey, SignatureAlgorithm.RS256).compact()));
        String claims = "{\"sub\":\"admin\",\"admin\":true,\"exp\":" + inAnHour.toInstant().getEpochSecond() + "}";
        forms.put("alg none", bearer(base64Url("{\"alg\":\"none\"}") + "." + base64Url(claims) + "."));
        String hsInput = base64Url("{\"alg\":\"HS256\"}") + "." + base64Url(claims);
        forms.put("HS256 keyed with the public key PEM", bearer(hsInput + "." + hmac(hsInput, Files.readAllBytes(keyFile("jwt-public.pem")))));
        String[] genuine = token.split("\\.");
        String elevated = "{\"sub\":\"root\",\"admin\":true,\"exp\":" + now.plus(Duration.ofDays(3650)).getEpochSecond() + "}";
        forms.put("claims swapped under a genuine signature", bearer(genuine[0] + "." + base64Url(elevated) + "." + genuine[2]));
        return forms;
    }

    /** What an attacker wants WebAdmin to do: method, path, JSON body. */
    private static List<List<String>> attacks() {
        List<List<String>> attacks = new ArrayList<>();
        attacks.add(java.util.Arrays.asList("GET", "/domains", null));
        attacks.add(java.util.Arrays.asList("PUT", "/users/mallory@example.test", "{\"password\":\"x\"}"));
        attacks.add(java.util.Arrays.asList("PUT", "/users/alice@example.test?force", "{\"password\":\"reset\"}"));
        attacks.add(java.util.Arrays.asList("PUT", "/domains/evil.test", null));
        attacks.add(java.util.Arrays.asList("PUT", "/address/forwards/alice@example.test/targets/mallory@evil.test", null));
        return attacks;
    }

    private static String bearer(String jwt) {
        return "Authorization: Bearer " + jwt;
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String hmac(String input, byte[] secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static RawHttp.Reply get(String path) throws Exception {
        return send("GET", path, token, null);
    }

    private static RawHttp.Reply send(String method, String path, String bearer, String json) throws Exception {
        List<String> headers = new ArrayList<>(List.of("Authorization: Bearer " + bearer));
        if (json != null) {
            headers.add(JSON);
        }
        return RawHttp.send(port(), method, path, "127.0.0.1:" + port(), headers, json);
    }

    private static int port() {
        return server.port("webadmin");
    }

    private static Path keyFile(String name) {
        return server.home().resolve("var/webadmin").resolve(name);
    }
}
