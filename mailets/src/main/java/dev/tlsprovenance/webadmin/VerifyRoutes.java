package dev.tlsprovenance.webadmin;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;

import dev.tlsprovenance.verify.HeaderVerification;
import dev.tlsprovenance.verify.TraceAnalyzer;
import dev.tlsprovenance.verify.TrustSettings;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * {@code POST /tls/verify}: the hop-by-hop TLS verdict of a message, from its header block or the whole message
 * in the request body, exactly as {@code tls-provenance verify --json} prints it (the same
 * {@link HeaderVerification} function and {@code ReportJsonWriter}), so the dashboard's header analyzer and the CLI
 * never disagree. Private: James's token check applies.
 *
 * <p>Registered in {@code conf/webadmin.properties}:
 * <pre>extensions.routes=dev.tlsprovenance.webadmin.VerifyRoutes</pre>
 * <pre>
 * TOKEN=$(bin/tls-provenance admin-token)
 * curl -H "Authorization: Bearer $TOKEN" --data-binary @message.eml 'http://127.0.0.1:8000/tls/verify?file=message.eml'
 * </pre>
 * Query parameters, all optional, are the CLI's options: {@code trust-host}, {@code trust-network}, {@code own-host}
 * (each repeatable) and {@code require-between} (given twice: start host, end host); without them every hop is
 * trusted, as the CLI does without options. {@code file} is the name the content had, which decides, as for the CLI,
 * whether it may be an mbox (anything but {@code *.eml}, and no name at all, which is the CLI's standard input).
 * A body over {@value #MAX_BODY_BYTES} bytes gets 413; a bad parameter gets 400 naming it; input that is not a
 * message gets the verdict the CLI gives it (e.g. {@code {"messages":[]}} for an empty body), never a 500.
 */
public final class VerifyRoutes implements Routes {
    public static final String BASE_PATH = "/tls/verify";
    /** 1 MiB: header blocks are a few KiB; a whole message with attachments is not what this is for. */
    public static final int MAX_BODY_BYTES = 1 << 20;
    static final int PAYLOAD_TOO_LARGE = 413;
    /** Beyond this a too-large body is not drained: the connection is closed and the client may miss the 413. */
    static final long MAX_DISCARDED_BYTES = 16L << 20;

    @Inject
    public VerifyRoutes() {
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.post(BASE_PATH, this::verify);
    }

    private Object verify(Request request, Response response) throws IOException {
        TraceAnalyzer analyzer = analyzer(request);
        String name = request.queryParams("file");
        if (name == null || name.isBlank()) {
            name = HeaderVerification.STANDARD_INPUT;
        }
        if (request.raw().getContentLengthLong() > MAX_BODY_BYTES) {
            // Read and discard what the client is still sending before the 413: a reply followed by a close with
            // unread bytes makes the kernel reset the connection, and the client loses the reply it was reading.
            discard(request.raw().getInputStream(), MAX_DISCARDED_BYTES);
            throw tooLarge();
        }
        // Spark (and James's request logger before us) hold the body in memory already; the limit keeps the
        // analysis bounded and says what this route is for.
        byte[] body = request.bodyAsBytes();
        if (body != null && body.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        String json = HeaderVerification.json(new ByteArrayInputStream(body == null ? new byte[0] : body), name, analyzer);
        response.type("application/json");
        return json;
    }

    private static void discard(InputStream body, long atMost) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long discarded = 0;
        int read;
        while (discarded < atMost && (read = body.read(buffer)) >= 0) {
            discarded += read;
        }
    }

    private static TraceAnalyzer analyzer(Request request) {
        List<String> trustHosts = values(request, "trust-host");
        List<String> trustNetworks = values(request, "trust-network");
        List<String> ownHosts = values(request, "own-host");
        List<String> requireBetween = values(request, "require-between");
        // One parameter at a time, so that a 400 names the one that is wrong.
        check("trust-host", () -> TrustSettings.of(trustHosts, List.of(), List.of(), List.of()).analyzer());
        check("trust-network", () -> TrustSettings.of(List.of(), trustNetworks, List.of(), List.of()).analyzer());
        check("own-host", () -> TrustSettings.of(List.of(), List.of(), ownHosts, List.of()).analyzer());
        check("require-between", () -> TrustSettings.of(List.of(), List.of(), List.of(), requireBetween).analyzer());
        return TrustSettings.of(trustHosts, trustNetworks, ownHosts, requireBetween).analyzer();
    }

    private static void check(String parameter, Runnable build) {
        try {
            build.run();
        } catch (IllegalArgumentException e) {
            throw ErrorResponder.builder()
                .statusCode(400)
                .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
                .message("Invalid '" + parameter + "' parameter: " + e.getMessage())
                .haltError();
        }
    }

    private static List<String> values(Request request, String name) {
        String[] values = request.queryParamsValues(name);
        return values == null ? List.of() : Arrays.asList(values);
    }

    private static RuntimeException tooLarge() {
        return ErrorResponder.builder()
            .statusCode(PAYLOAD_TOO_LARGE)
            .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
            .message("The body is larger than " + MAX_BODY_BYTES + " bytes: send the header block, not the whole message")
            .haltError();
    }
}
