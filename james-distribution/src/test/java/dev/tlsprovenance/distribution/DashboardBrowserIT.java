package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.ports.ListenerPorts;

/**
 * The TLS posture dashboard in a real browser (headless Debian Chromium) against the packaged server after real
 * traffic: STARTTLS and cleartext mail in, deliveries out over verified TLS (a TLS test peer) and in cleartext (a
 * sink peer). The page's numbers equal the mail sent and the routes' JSON; the analyzer's hop table equals
 * {@code POST /tls/verify} and the CLI; hostile header text is shown literally and runs nothing; a wrong token is
 * asked for again. Screenshots: {@code target/dashboard-*.png}.
 */
class DashboardBrowserIT {
    private static final TestPki PKI = TestPki.shared();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String USER = "alice@example.test";
    private static final int INBOUND_TLS = 3;
    private static final int INBOUND_CLEARTEXT = 2;
    private static final int TO_PARTNER = 2;
    private static final int TO_SINK = 1;

    @TempDir
    static Path directory;
    static DistributionProcess server;
    static MailClients clients;
    static TestSmtpPeer partner;
    static SinkSmtpPeer sink;
    static ChromeDriver browser;
    static String token;
    static int sinkPort;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.requireOrSkip();
        partner = TestSmtpPeer.builder().serverName("mx.partner.test").identity(PKI.peer("mx.partner.test")).start();
        sinkPort = ListenerPorts.unused();
        sink = new SinkSmtpPeer(sinkPort);
        server = DistributionProcess.installInto(directory.resolve("server"));
        Path conf = server.home().resolve("conf");
        Files.writeString(conf.resolve("partner-ca.pem"), PKI.root().certificatePem());
        Files.writeString(conf.resolve("tls-policy.conf"), Files.readString(conf.resolve("tls-policy.conf"))
            + "\npartner.test  outbound=secure  match=mx.partner.test  ca=partner-ca.pem  route=[127.0.0.1]:" + partner.port()
            + "\nsink.test     outbound=may     route=[127.0.0.1]:" + sinkPort + "\n");
        server.start().awaitStarted();
        clients = new MailClients(server);
        clients.createDomainAndUser("example.test", USER, "secret");
        token = clients.adminToken();

        for (int i = 0; i < INBOUND_TLS; i++) {
            clients.send(true, "bob@partner.test", USER, "in over TLS " + i, "hello");
        }
        for (int i = 0; i < INBOUND_CLEARTEXT; i++) {
            clients.send(false, "bob@partner.test", USER, "in cleartext " + i, "hello");
        }
        for (int i = 0; i < TO_PARTNER; i++) {
            clients.send(true, USER, "bob@partner.test", "out to partner " + i, "hello");
        }
        for (int i = 0; i < TO_SINK; i++) {
            clients.send(true, USER, "carol@sink.test", "out to sink " + i, "hello");
        }
        partner.awaitTransactions(TO_PARTNER);
        await().atMost(Duration.ofSeconds(60)).until(() -> sink.messages().size() == TO_SINK);

        browser = HeadlessChromium.start(directory.resolve("chromium-profile"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (partner != null) {
            partner.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    @AfterEach
    void noScriptFailedAndNothingWasBlocked() {
        assertThat(HeadlessChromium.scriptProblems(browser)).isEmpty();
    }

    @BeforeEach
    void freshTab() {
        // Each test starts without a token: a new page load of a tab whose session storage is cleared.
        browser.get(url("/tls/dashboard"));
        browser.executeScript("sessionStorage.clear()");
        browser.get("about:blank");
    }

    // ---- the token ----

    static Stream<Arguments> dataRoutes() {
        return Stream.of(Arguments.of("GET", "/tls/posture"), Arguments.of("GET", "/tls/posture?since=7d"),
            Arguments.of("GET", "/tls/policy"), Arguments.of("GET", "/tls/policy/check?domain=partner.test"),
            Arguments.of("GET", "/tls/certificates"), Arguments.of("POST", "/tls/verify"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dataRoutes")
    void aDataRouteWithoutTokenIs401(String method, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)));
        request = method.equals("POST") ? request.POST(HttpRequest.BodyPublishers.ofString("Received: by x; junk\r\n\r\n"))
            : request.GET();

        HttpResponse<String> reply = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(reply.statusCode()).as(method + " " + path).isEqualTo(401);
        assertThat(reply.body()).doesNotContain("\"messages\"").doesNotContain("\"rows\"").doesNotContain("\"inbound\"");
    }

    @Test
    void thePageNeedsNoTokenAndCarriesItsSecurityHeaders() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(url("/tls/dashboard"))).GET().build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void aWrongTokenIsAskedForAgain() throws Exception {
        browser.get(url("/tls/dashboard#analyzer"));
        enterToken("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5IiwiYWRtaW4iOnRydWV9.bm90LWEtc2lnbmF0dXJl");
        paste(postfixBlock());
        browser.findElement(By.id("analyze")).click();

        WebElement message = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-message")));
        assertThat(message.getText()).contains("refused this token");
        assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();
        assertThat(browser.executeScript("return sessionStorage.length")).isEqualTo(0L);
        HeadlessChromium.screenshot(browser, "wrong-token");

        enterToken(token);
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("panel-analyzer")));
        assertThat(browser.findElement(By.id("login")).isDisplayed()).isFalse();
    }

    // ---- the header analyzer ----

    @Test
    void aPostfixHeaderBlockShowsTheHopsOfVerifyAndTheCli() throws Exception {
        JsonNode expected = verifiedThreeWays(postfixBlock(), "postfix.txt");
        assertThat(expected.at("/messages/0/verdict").asText()).isEqualTo("tls-all-the-way");
        assertThat(expected.at("/messages/0/hops/1/clientCertificate").asText()).isEqualTo("verified");

        openAnalyzer();
        paste(postfixBlock());
        analyze();

        assertHopTableShows(expected);
        HeadlessChromium.screenshot(browser, "analyzer-postfix");
    }

    @Test
    void anExchangeOnlineEmlFileShowsTheHopsOfVerifyAndTheCli() throws Exception {
        Path eml = directory.resolve("exchange-online.eml");
        Files.writeString(eml, exchangeOnlineBlock() + "\r\nbody\r\n", StandardCharsets.UTF_8);
        JsonNode expected = verifiedThreeWays(exchangeOnlineBlock() + "\r\nbody\r\n", "exchange-online.eml");
        assertThat(expected.at("/messages/0/verdict").asText()).isEqualTo("cleartext-hop");
        assertThat(expected.at("/messages/0/hops/0/tls").asText()).isEqualTo("no");
        assertThat(expected.at("/messages/0/hops/1/protocol").asText()).isEqualTo("TLSv1.2");
        assertThat(expected.at("/messages/0/hops/2/protocol").asText()).isEqualTo("TLSv1.3");

        openAnalyzer();
        browser.findElement(By.id("analyzer-file")).sendKeys(eml.toAbsolutePath().toString());
        analyze();

        assertHopTableShows(expected);
        HeadlessChromium.screenshot(browser, "analyzer-exchange-online");
    }

    /** Every hostile form in every position a header value lands in, as one mbox: shown literally, nothing runs. */
    @Test
    void hostileHeaderTextIsShownLiterallyAndRunsNothing() throws Exception {
        List<String> forms = List.of(
            "<img/src=x/onerror=window.__pwned=1>",
            "</td><script>window.__pwned=2</script>",
            "javascript:window.__pwned=3",
            "\"><svg/onload=window.__pwned=4>",
            "<iframe/src=javascript:top.__pwned=5></iframe>",
            "&lt;b&gt;&#x3c;entity",
            "'--><style>*{display:none}</style>");
        StringBuilder mbox = new StringBuilder();
        int count = 0;
        for (String form : forms) {
            for (String line : hostileLines(form)) {
                mbox.append("From mallory@evil.test Mon Nov 30 09:00:00 2026\r\n").append(line)
                    .append("Message-ID: <").append(form).append(count++).append("@evil.test>\r\n\r\nbody\r\n\r\n");
            }
        }
        JsonNode expected = JSON.readTree(verify(mbox.toString(), null));
        assertThat(expected.get("messages")).hasSize(count);

        openAnalyzer();
        paste(mbox.toString());
        analyze();

        assertThat(browser.findElements(By.cssSelector("#analysis section.message"))).hasSize(count);
        assertHopTableShows(expected);
        assertThat(browser.executeScript("return typeof window.__pwned")).isEqualTo("undefined");
        assertThat(browser.findElements(By.cssSelector("#analysis img, #analysis script, #analysis svg, #analysis iframe, #analysis style")))
            .isEmpty();
        assertNoAlert();
        String shown = browser.findElement(By.id("analysis")).getText();
        for (String form : forms) {
            assertThat(shown).as("Message-ID with " + form).contains("Message <" + form);
        }
        HeadlessChromium.screenshot(browser, "analyzer-hostile");
    }

    /** The positions: from host, HELO name, by host, with keyword, cipher, and comments of a Received line. */
    private static List<String> hostileLines(String form) {
        String date = "; Mon, 30 Nov 2026 09:00:02 +0000 (UTC)\r\n";
        return List.of(
            "Received: from " + form + " (edge.outside.test [203.0.113.5]) by mx.example.test (Postfix) with ESMTPS id 1A" + date,
            "Received: from edge.outside.test (EHLO " + form + ") ([203.0.113.5]) by mx.example.test (JAMES SMTP Server ) with ESMTPS ID 2b"
                + date,
            "Received: from edge.outside.test (edge.outside.test [203.0.113.5]) by " + form + " (Postfix) with ESMTP id 3C" + date,
            "Received: from edge.outside.test (edge.outside.test [203.0.113.5]) by mx.example.test (Postfix) with " + form + " id 4D" + date,
            "Received: from edge.outside.test (edge.outside.test [203.0.113.5]) (using TLSv1.3 with cipher " + form
                + " (256/256 bits)) by mx.example.test (Postfix) with ESMTPS id 5E" + date,
            "Received: from edge.outside.test (" + form + ") (" + form + " [203.0.113.5]) by mx.example.test (" + form
                + ") with ESMTPS id 6F (" + form + ")" + date);
    }

    // ---- posture, policy, certificates (routes of the other helpers: contract.md) ----

    @Test
    void thePostureTabShowsTheMailSent() throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode posture = JSON.readTree(clients.webAdminGet("/tls/posture"));
            JsonNode in = row(posture.get("inbound"), "example.test");
            assertThat(in.get("messages").asInt()).isEqualTo(INBOUND_TLS + INBOUND_CLEARTEXT);
            assertThat(in.get("tls").asInt()).isEqualTo(INBOUND_TLS);
            assertThat(in.get("cleartext").asInt()).isEqualTo(INBOUND_CLEARTEXT);
            assertThat(row(posture.get("outbound"), "partner.test").get("delivered").asInt()).isEqualTo(TO_PARTNER);
            assertThat(row(posture.get("outbound"), "sink.test").get("delivered").asInt()).isEqualTo(TO_SINK);
        });
        JsonNode posture = JSON.readTree(clients.webAdminGet("/tls/posture"));
        JsonNode partnerOut = row(posture.get("outbound"), "partner.test");
        JsonNode sinkOut = row(posture.get("outbound"), "sink.test");
        assertThat(partnerOut.get("tls").asInt()).isEqualTo(partnerOut.get("attempts").asInt()).isPositive();
        assertThat(partnerOut.get("cleartext").asInt()).isZero();
        assertThat(partnerOut.at("/verify/verified").asInt()).isEqualTo(partnerOut.get("attempts").asInt());
        assertThat(sinkOut.get("cleartext").asInt()).isEqualTo(sinkOut.get("attempts").asInt()).isPositive();
        assertThat(sinkOut.get("tls").asInt()).isZero();

        browser.get(url("/tls/dashboard#posture"));
        enterToken(token);
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#inbound-table tr[data-domain='example.test']")));

        assertThat(shownInbound("example.test", "messages")).isEqualTo(String.valueOf(INBOUND_TLS + INBOUND_CLEARTEXT));
        assertThat(shownInbound("example.test", "tls")).isEqualTo(String.valueOf(INBOUND_TLS));
        assertThat(shownInbound("example.test", "cleartext")).isEqualTo(String.valueOf(INBOUND_CLEARTEXT));
        assertThat(shownInbound("example.test", "tls-share")).isEqualTo("60 %");
        assertThat(shownOutbound("partner.test", "delivered")).isEqualTo(String.valueOf(TO_PARTNER));
        assertThat(shownOutbound("sink.test", "delivered")).isEqualTo(String.valueOf(TO_SINK));
        for (JsonNode domain : posture.get("inbound")) {
            for (String field : List.of("messages", "recipients", "tls", "cleartext", "unknown", "accepted", "refused")) {
                assertThat(shownInbound(domain.get("domain").asText(), field)).as("inbound " + domain.get("domain") + " " + field)
                    .isEqualTo(domain.get(field).asText());
            }
            assertThat(shownInbound(domain.get("domain").asText(), "row")).isEqualTo(orElse(domain.get("row"), ""));
        }
        for (JsonNode domain : posture.get("outbound")) {
            for (String field : List.of("attempts", "delivered", "deferred", "failed", "tls", "cleartext", "none", "refused")) {
                assertThat(shownOutbound(domain.get("domain").asText(), field)).as("outbound " + domain.get("domain") + " " + field)
                    .isEqualTo(domain.get(field).asText());
            }
        }
        assertThat(browser.findElements(By.cssSelector("#chart-tls-share canvas"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#chart-protocols canvas"))).isNotEmpty();
        assertThat(browser.findElement(By.cssSelector("#protocols-table tr[data-name^='TLSv1.'] td[data-field='count']")).getText())
            .isNotEmpty();
        HeadlessChromium.screenshot(browser, "posture");
        browser.executeScript("document.querySelector('.charts').scrollIntoView()");
        HeadlessChromium.screenshot(browser, "posture-charts");
    }

    @Test
    void thePolicyTabShowsTheRowsAndTheCheckBoxAnswers() throws Exception {
        JsonNode policy = JSON.readTree(clients.webAdminGet("/tls/policy"));
        JsonNode check = JSON.readTree(clients.webAdminGet("/tls/policy/check?domain=sink.test"));
        assertThat(check.get("row").asText()).startsWith("tls-policy.conf:");

        browser.get(url("/tls/dashboard#policy"));
        enterToken(token);
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#policy-table tbody tr[data-row]")));

        List<WebElement> rows = browser.findElements(By.cssSelector("#policy-table tbody tr[data-row]"));
        assertThat(rows).hasSize(policy.get("rows").size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = policy.get("rows").get(i);
            assertThat(rows.get(i).findElement(By.cssSelector("td[data-field='row']")).getText()).isEqualTo(row.get("row").asText());
            assertThat(rows.get(i).findElement(By.cssSelector("td[data-field='namespace']")).getText())
                .isEqualTo(orElse(row.get("namespace"), ""));
        }
        assertThat(browser.findElement(By.id("policy-table")).getText()).contains("partner.test").contains("sink.test");

        browser.findElement(By.id("policy-check-domain")).sendKeys("sink.test");
        browser.findElement(By.id("policy-check")).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("policy-check-result")));
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("check-outbound-says"), check.at("/outbound/says").asText()));

        assertThat(browser.findElement(By.id("check-row")).getText()).isEqualTo(check.get("row").asText());
        assertThat(browser.findElement(By.id("check-outbound-level")).getText()).isEqualTo(check.at("/outbound/level").asText());
        assertThat(browser.findElement(By.id("check-inbound-says")).getText()).isEqualTo(check.at("/inbound/says").asText());
        HeadlessChromium.screenshot(browser, "policy");
    }

    @Test
    void theCertificatesTabShowsDaysLeft() throws Exception {
        JsonNode listeners = JSON.readTree(clients.webAdminGet("/tls/certificates"));
        assertThat(listeners.size()).isPositive();

        browser.get(url("/tls/dashboard#certificates"));
        enterToken(token);
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#certificates-table tr[data-listener]")));

        List<WebElement> rows = browser.findElements(By.cssSelector("#certificates-table tr[data-listener]"));
        assertThat(rows).hasSize(listeners.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode listener = listeners.get(i);
            assertThat(rows.get(i).findElement(By.cssSelector("td[data-field='listener']")).getText()).isEqualTo(listener.get("listener").asText());
            assertThat(rows.get(i).findElement(By.cssSelector("td[data-field='port']")).getText()).isEqualTo(listener.get("port").asText());
            assertThat(rows.get(i).findElement(By.cssSelector("td[data-field='days-left']")).getText())
                .isEqualTo(listener.get("days-left").asText()).matches("-?\\d+");
        }
        assertThat(rows.stream().map(row -> row.findElement(By.cssSelector("td[data-field='port']")).getText()))
            .contains(String.valueOf(server.port("smtp")));
        HeadlessChromium.screenshot(browser, "certificates");
    }

    // ---- helpers ----

    private static JsonNode row(JsonNode list, String domain) {
        for (JsonNode entry : list) {
            if (entry.get("domain").asText().equals(domain)) {
                return entry;
            }
        }
        throw new AssertionError("no row for " + domain + " in " + list);
    }

    private static String shownInbound(String domain, String field) {
        return browser.findElement(By.cssSelector("#inbound-table tr[data-domain='" + domain + "'] td[data-field='" + field + "']")).getText();
    }

    private static String shownOutbound(String domain, String field) {
        return browser.findElement(By.cssSelector("#outbound-table tr[data-domain='" + domain + "'] td[data-field='" + field + "']")).getText();
    }

    /** POST /tls/verify with the token, and the CLI on the same content in a file of that name: the same JSON. */
    private static JsonNode verifiedThreeWays(String content, String fileName) throws Exception {
        String route = verify(content, fileName.endsWith(".eml") ? fileName : null);
        Path file = server.home().resolve("var").resolve(fileName);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        DistributionProcess.CommandResult cli = server.tlsProvenance("verify", "--json", "--no-progress", file.toString());
        assertThat(cli.output()).isEqualTo(route);
        return JSON.readTree(route);
    }

    private static String verify(String content, String fileName) throws Exception {
        HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create(url("/tls/verify"
                + (fileName == null ? "" : "?file=" + fileName))))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(content, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).isEqualTo(200);
        return reply.body();
    }

    /** The hop table of every message shows what the JSON says, field by field. */
    private static void assertHopTableShows(JsonNode expected) {
        List<WebElement> sections = browser.findElements(By.cssSelector("#analysis section.message"));
        assertThat(sections).hasSize(expected.get("messages").size());
        for (int m = 0; m < sections.size(); m++) {
            JsonNode message = expected.get("messages").get(m);
            WebElement section = sections.get(m);
            assertThat(section.findElement(By.cssSelector("[data-field='verdict'] strong")).getText()).isEqualTo(message.get("verdict").asText());
            assertThat(section.findElement(By.tagName("h3")).getText())
                .isEqualTo("Message " + (message.get("messageId").isNull() ? "(no Message-ID)" : message.get("messageId").asText()));
            List<WebElement> hops = section.findElements(By.cssSelector("tbody tr[data-hop]"));
            assertThat(hops).hasSize(message.get("hops").size());
            for (int h = 0; h < hops.size(); h++) {
                JsonNode hop = message.get("hops").get(h);
                WebElement row = hops.get(h);
                String where = "message " + m + " hop " + h;
                assertThat(text(row, "from")).as(where + " from").isEqualTo(orElse(hop.get("from"), "?"));
                assertThat(text(row, "by")).as(where + " by").isEqualTo(orElse(hop.get("by"), "?"));
                assertThat(text(row, "date")).as(where + " date").isEqualTo(orElse(hop.get("date"), "unknown"));
                assertThat(text(row, "delay")).as(where + " delay")
                    .isEqualTo(hop.get("delaySeconds").isNull() ? "" : hop.get("delaySeconds").asText() + " s");
                assertThat(text(row, "tls")).as(where + " tls").isEqualTo(hop.get("tls").asText());
                assertThat(text(row, "protocol")).as(where + " protocol").isEqualTo(orElse(hop.get("protocol"), ""));
                assertThat(text(row, "cipher")).as(where + " cipher")
                    .isEqualTo(hop.get("cipher").isNull() ? "" : hop.get("cipher").asText() + (hop.get("weak").asBoolean() ? " (weak)" : ""));
                assertThat(text(row, "client-certificate")).as(where + " client certificate")
                    .isEqualTo(orElse(hop.get("clientCertificate"), ""));
                assertThat(text(row, "trusted")).as(where + " trust")
                    .isEqualTo(hop.get("trusted").asBoolean() ? "inside (trusted)" : "outside (a claim)");
            }
        }
    }

    private static String text(WebElement row, String field) {
        // textContent, not getText(): the literal text, whatever CSS does with white space.
        return row.findElement(By.cssSelector("td[data-field='" + field + "']")).getAttribute("textContent");
    }

    private static String orElse(JsonNode value, String fallback) {
        return value == null || value.isNull() ? fallback : value.asText();
    }

    private static void openAnalyzer() {
        browser.get(url("/tls/dashboard#analyzer"));
        enterToken(token);
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("analyzer-input")));
    }

    private static void enterToken(String value) {
        WebElement input = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("token-input")));
        browser.executeScript("arguments[0].value = arguments[1]", input, value);
        browser.findElement(By.id("token-submit")).click();
    }

    private static void paste(String text) {
        WebElement area = browser.findElement(By.id("analyzer-input"));
        browser.executeScript("arguments[0].value = arguments[1]", area, text);
    }

    private static void analyze() {
        browser.executeScript("document.getElementById('analysis').textContent = ''");
        browser.findElement(By.id("analyze")).click();
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#analysis section.message, #analysis p.verdict")));
        assertThat(browser.findElement(By.id("status")).getText()).isEmpty();
    }

    private static void assertNoAlert() {
        try {
            String text = browser.switchTo().alert().getText();
            throw new AssertionError("an alert opened: " + text);
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    private static WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.port("webadmin") + path;
    }

    /** A message that crossed the Internet to a Postfix border server and then an internal Postfix store, both over TLS. */
    static String postfixBlock() {
        return "Return-Path: <bob@partner.test>\r\n"
            + "Delivered-To: alice@example.test\r\n"
            + "Received: from mx.example.test (mx.example.test [10.0.0.2])\r\n"
            + "\t(using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits))\r\n"
            + "\t(Client CN \"mx.example.test\", Issuer \"Example Internal CA\" (verified OK))\r\n"
            + "\tby store.example.test (Postfix) with ESMTPS id 4Zq1x71kQ2z1xnP\r\n"
            + "\tfor <alice@example.test>; Mon, 30 Nov 2026 09:00:04 +0000 (UTC)\r\n"
            + "Received: from mail.partner.test (mail.partner.test [192.0.2.25])\r\n"
            + "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n"
            + "\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\r\n"
            + "\t(No client certificate requested)\r\n"
            + "\tby mx.example.test (Postfix) with ESMTPS id 4Zq1x62Yq5z9sRk\r\n"
            + "\tfor <alice@example.test>; Mon, 30 Nov 2026 09:00:02 +0000 (UTC)\r\n"
            + "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=partner.test; s=mail; t=1795942800; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=dGVzdA==\r\n"
            + "Message-ID: <20261130090001.A1B2C3@mail.partner.test>\r\n"
            + "Date: Mon, 30 Nov 2026 10:00:01 +0100\r\n"
            + "From: Bob <bob@partner.test>\r\n"
            + "To: Alice <alice@example.test>\r\n"
            + "Subject: quarterly figures\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n";
    }

    /**
     * A message from an on-premises Exchange mailbox server (a cleartext hop to its own edge) through Exchange Online
     * Protection's front end into a mailbox server, as Exchange writes the lines (TLS1_2 / TLS1_3 clauses, IPv6 hops,
     * the HTTPS hand-over last).
     */
    static String exchangeOnlineBlock() {
        return "Received: from DB9PR04MB8123.eurprd04.prod.outlook.com (2603:10a6:10:2e5::12) by\r\n"
            + " AM9PR04MB7788.eurprd04.prod.outlook.com with HTTPS; Mon, 30 Nov 2026\r\n"
            + " 09:00:06 +0000\r\n"
            + "Received: from AM6P193CA0101.EURP193.PROD.OUTLOOK.COM (2603:10a6:209:88::42)\r\n"
            + " by DB9PR04MB8123.eurprd04.prod.outlook.com (2603:10a6:10:2e5::12) with\r\n"
            + " Microsoft SMTP Server (version=TLS1_2,\r\n"
            + " cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8207.14; Mon, 30 Nov\r\n"
            + " 2026 09:00:05 +0000\r\n"
            + "Received: from AM3PEPF0000A790.eurprd04.prod.outlook.com\r\n"
            + " (2603:10a6:209:88:cafe::5c) by AM6P193CA0101.outlook.office365.com\r\n"
            + " (2603:10a6:209:88::42) with Microsoft SMTP Server (version=TLS1_3,\r\n"
            + " cipher=TLS_AES_256_GCM_SHA384) id 15.20.8207.14 via Frontend Transport; Mon,\r\n"
            + " 30 Nov 2026 09:00:05 +0000\r\n"
            + "Authentication-Results: spf=pass (sender IP is 198.51.100.7)\r\n"
            + " smtp.mailfrom=example.test; dkim=none (message not signed)\r\n"
            + " header.d=none;dmarc=pass action=none header.from=example.test;\r\n"
            + "Received-SPF: Pass (protection.outlook.com: domain of example.test designates\r\n"
            + " 198.51.100.7 as permitted sender) receiver=protection.outlook.com;\r\n"
            + " client-ip=198.51.100.7; helo=mx.example.test; pr=C\r\n"
            + "Received: from mx.example.test (198.51.100.7) by\r\n"
            + " AM3PEPF0000A790.mail.protection.outlook.com (10.167.16.119) with Microsoft\r\n"
            + " SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n"
            + " 15.20.8207.14 via Frontend Transport; Mon, 30 Nov 2026 09:00:04 +0000\r\n"
            + "Received: from EXMBX01.ad.example.test (10.1.0.5) by mx.example.test (10.1.0.2)\r\n"
            + " with Microsoft SMTP Server id 15.2.1544.4 via Frontend Transport; Mon, 30 Nov\r\n"
            + " 2026 09:00:02 +0000\r\n"
            + "Message-ID: <AM9PR04MB7788B1C2D3E4F5A6@EXMBX01.ad.example.test>\r\n"
            + "X-MS-Exchange-Organization-AuthSource: AM3PEPF0000A790.eurprd04.prod.outlook.com\r\n"
            + "X-MS-Exchange-Organization-AuthAs: Anonymous\r\n"
            + "X-MS-Exchange-Transport-CrossTenantHeadersStamped: AM9PR04MB7788\r\n"
            + "From: Alice <alice@example.test>\r\n"
            + "To: Bob <bob@contoso1.onmicrosoft.com>\r\n"
            + "Subject: hello from on-premises\r\n"
            + "Date: Mon, 30 Nov 2026 09:00:01 +0000\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n";
    }
}
