package dev.tlsprovenance.webadmin;

import java.net.IDN;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;

import dev.tlsprovenance.tlsrpt.TlsReport;
import dev.tlsprovenance.tlsrpt.TlsRptSender;
import spark.Service;

/**
 * {@code GET /tls/reports/{domain}?day=YYYY-MM-DD}: the TLS-RPT report (RFC 8460 JSON) this server sends, or will
 * send, to {@code domain} for that UTC day; without {@code day}, today so far. Private: it needs the WebAdmin token.
 * The daily sending is started with James by {@code dev.tlsprovenance.guice.TlsRptStartable}, not by this route.
 * Register it in {@code conf/webadmin.properties}:
 * <pre>
 * extensions.routes=dev.tlsprovenance.webadmin.TlsReportRoutes
 * </pre>
 * A bad parameter is answered 400, a domain without any TLS session that day 404, in James's error format.
 */
public class TlsReportRoutes implements Routes {
    public static final String BASE_PATH = "/tls/reports";

    private final TlsRptSender sender;

    @Inject
    public TlsReportRoutes(TlsRptSender sender) {
        this.sender = sender;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH + "/:domain", (request, response) -> {
            String domain = domain(request.params("domain"));
            LocalDate day = day(request.queryParams("day"));
            TlsReport report = sender.reports(day).get(domain);
            if (report == null) {
                throw ErrorResponder.builder()
                    .statusCode(404)
                    .type(ErrorResponder.ErrorType.NOT_FOUND)
                    .message("No outbound TLS session to " + domain + " on " + day + " (UTC): no report")
                    .haltError();
            }
            response.type("application/json");
            return new String(report.toJsonBytes(), java.nio.charset.StandardCharsets.UTF_8);
        });
    }

    private static String domain(String written) {
        try {
            String domain = IDN.toASCII(written.trim(), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            if (domain.isEmpty() || domain.startsWith(".") || domain.endsWith(".")) {
                throw new IllegalArgumentException("empty label");
            }
            return domain;
        } catch (IllegalArgumentException e) {
            throw badRequest("Invalid domain: '" + written + "' (" + e.getMessage() + ")");
        }
    }

    private LocalDate day(String written) {
        if (written == null || written.isBlank()) {
            return sender.clock().instant().atZone(ZoneOffset.UTC).toLocalDate();
        }
        try {
            return LocalDate.parse(written.trim());
        } catch (DateTimeParseException e) {
            throw badRequest("Invalid parameter day: '" + written + "' (expected a UTC day such as 2026-12-01)");
        }
    }

    private static RuntimeException badRequest(String message) {
        return ErrorResponder.builder()
            .statusCode(400)
            .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
            .message(message)
            .haltError();
    }
}
