package dev.tlsprovenance.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /tls/dashboard[/asset]} on a real Spark server: the allow-listed files with their types and security headers, 404 else. */
class DashboardRoutesTest {
    static SparkRoutes server;

    @BeforeAll
    static void start() {
        server = new SparkRoutes(new DashboardRoutes());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/tls/dashboard", "/tls/dashboard/"})
    void thePageIsHtmlWithTheContentSecurityPolicyAndNeverCached(String path) throws Exception {
        HttpResponse<byte[]> reply = server.get(path);

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.headers().allValues("Content-Type")).containsExactly("text/html;charset=utf-8");
        assertThat(reply.headers().allValues("Content-Security-Policy")).containsExactly(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        assertThat(reply.headers().allValues("X-Content-Type-Options")).containsExactly("nosniff");
        assertThat(reply.headers().allValues("Cache-Control")).containsExactly("no-store");
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).startsWith("<!DOCTYPE html>")
            .contains("<script src=\"/tls/dashboard/dashboard.js\" defer></script>");
    }

    @ParameterizedTest
    @CsvSource({
        "dashboard.js, text/javascript;charset=utf-8, 'use strict'",
        "dashboard.css, text/css;charset=utf-8, font-family",
        "uPlot.iife.min.js, text/javascript;charset=utf-8, /*! https://github.com/leeoniya/uPlot (v1.6.30) */",
        "uPlot.min.css, text/css;charset=utf-8, .uplot",
        "uPlot-LICENSE.txt, text/plain;charset=utf-8, The MIT License"})
    void eachAllowListedFileHasItsTypeAndTheSameHeaders(String name, String type, String content) throws Exception {
        HttpResponse<byte[]> reply = server.get("/tls/dashboard/" + name);

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.headers().allValues("Content-Type")).containsExactly(type);
        assertThat(reply.headers().allValues("X-Content-Type-Options")).containsExactly("nosniff");
        assertThat(reply.headers().firstValue("Content-Security-Policy")).hasValue(DashboardRoutes.CONTENT_SECURITY_POLICY);
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).contains(content);
    }

    @ParameterizedTest
    @ValueSource(strings = {"index.html", "DASHBOARD.JS", "dashboard.js.map", "uplot", "uplot%2FLICENSE", "..%2F..%2FDashboardRoutes.class",
        "%2e%2e%2fDashboardRoutes.class", "..", "dashboard.js%00", "uplot/LICENSE", "../webadmin/DashboardRoutes.class",
        "%2Fetc%2Fpasswd", "..%5C..%5Cindex.html"})
    void anythingElseIs404(String name) throws Exception {
        HttpResponse<byte[]> reply = server.get("/tls/dashboard/" + name);

        // 404 from the route or from the router (a name with a slash); Jetty itself refuses a NUL with 400.
        assertThat(reply.statusCode()).isIn(400, 404);
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).doesNotContain("uPlot").doesNotContain("<!DOCTYPE html>")
            .doesNotContain("use strict").doesNotContain("MIT License").doesNotContain("font-family");
    }

    @Test
    void thePageHasNoInlineScriptStyleOrEventHandler() throws Exception {
        String html = new String(server.get("/tls/dashboard").body(), StandardCharsets.UTF_8);

        Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
        int count = 0;
        while (scripts.find()) {
            count++;
            assertThat(scripts.group(1)).contains("src=\"/tls/dashboard/");
            assertThat(scripts.group(2)).isBlank();
        }
        assertThat(count).isEqualTo(2);
        assertThat(html).doesNotContainPattern("(?i)\\son[a-z]+\\s*=").doesNotContainPattern("(?i)\\sstyle\\s*=")
            .doesNotContainPattern("(?i)<style").doesNotContainPattern("(?i)javascript:").doesNotContain("http://").doesNotContain("https://");
    }

    @Test
    void theScriptNeverTurnsTextIntoMarkupOrCode() throws Exception {
        String script = new String(server.get("/tls/dashboard/dashboard.js").body(), StandardCharsets.UTF_8);
        String code = script.replaceAll("(?m)^\\s*//.*$", "");

        for (String sink : List.of("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
            "setTimeout('", "setTimeout(\"", "createContextualFragment", "DOMParser")) {
            assertThat(code).as(sink).doesNotContain(sink);
        }
        assertThat(script).contains("sessionStorage").doesNotContain("localStorage");
    }
}
