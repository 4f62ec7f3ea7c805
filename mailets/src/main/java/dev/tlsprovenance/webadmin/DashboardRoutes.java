package dev.tlsprovenance.webadmin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.inject.Inject;

import org.apache.james.webadmin.PublicRoutes;
import org.apache.james.webadmin.utils.ErrorResponder;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * {@code GET /tls/dashboard}: the TLS posture page (posture per domain with charts, the policy table and its
 * "which row applies?" box, certificates with days left, and a header analyzer), and its scripts and style sheets
 * under {@code /tls/dashboard/<asset>}. Public (no token): these files are the same for everyone and hold no data;
 * the page asks for a token and sends it with every data call to the private routes ({@code /tls/posture},
 * {@code /tls/policy}, {@code /tls/certificates}, {@code /tls/verify}).
 *
 * <p>Registered in {@code conf/webadmin.properties}:
 * <pre>extensions.routes=dev.tlsprovenance.webadmin.DashboardRoutes</pre>
 * Open {@code http://127.0.0.1:8000/tls/dashboard} and paste the output of {@code bin/tls-provenance admin-token}.
 *
 * <p>Only the fixed list of files below is served, from this jar's classpath (uPlot is unpacked into it at build
 * time: no CDN, no run-time dependency); any other name is 404, so no path can reach another resource. Every answer
 * carries a Content Security Policy that allows scripts, styles and connections from this origin only (no inline
 * script, no eval) and forbids framing.
 */
public final class DashboardRoutes implements PublicRoutes {
    public static final String BASE_PATH = "/tls/dashboard";
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
        + "img-src 'self' data:; frame-ancestors 'none'";
    private static final String RESOURCES = "/dev/tlsprovenance/webadmin/dashboard/";
    private static final String PAGE = "index.html";

    /** URL name -> (classpath name, content type). */
    private static final Map<String, String[]> ASSETS = assets();

    private final Map<String, byte[]> contents = new LinkedHashMap<>();

    @Inject
    public DashboardRoutes() {
        contents.put(PAGE, read(PAGE));
        ASSETS.forEach((name, asset) -> contents.put(name, read(asset[0])));
    }

    private static Map<String, String[]> assets() {
        Map<String, String[]> assets = new LinkedHashMap<>();
        assets.put("dashboard.js", new String[] {"dashboard.js", "text/javascript;charset=utf-8"});
        assets.put("dashboard.css", new String[] {"dashboard.css", "text/css;charset=utf-8"});
        assets.put("uPlot.iife.min.js", new String[] {"uplot/uPlot.iife.min.js", "text/javascript;charset=utf-8"});
        assets.put("uPlot.min.css", new String[] {"uplot/uPlot.min.css", "text/css;charset=utf-8"});
        assets.put("uPlot-LICENSE.txt", new String[] {"uplot/LICENSE", "text/plain;charset=utf-8"});
        return Map.copyOf(assets);
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, this::page);
        service.get(BASE_PATH + "/", this::page);
        service.get(BASE_PATH + "/:asset", this::asset);
    }

    private Object page(Request request, Response response) {
        secure(response);
        response.type("text/html;charset=utf-8");
        response.header("Cache-Control", "no-store");
        return contents.get(PAGE);
    }

    private Object asset(Request request, Response response) {
        String name = request.params(":asset");
        String[] asset = name == null ? null : ASSETS.get(name);
        if (asset == null) {
            throw ErrorResponder.builder()
                .statusCode(404)
                .type(ErrorResponder.ErrorType.NOT_FOUND)
                .message("No such dashboard file")
                .haltError();
        }
        secure(response);
        response.type(asset[1]);
        // The files change with the jar; a browser asks again rather than mixing versions after an upgrade.
        response.header("Cache-Control", "no-cache");
        return contents.get(name);
    }

    private static void secure(Response response) {
        response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.header("X-Content-Type-Options", "nosniff");
        response.header("Referrer-Policy", "no-referrer");
    }

    private static byte[] read(String name) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file missing from the jar: " + RESOURCES + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
