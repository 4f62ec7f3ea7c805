package dev.tlsprovenance.distribution.webadmin;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;
import javax.servlet.http.HttpServletResponse;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;
import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Two WebAdmin checks James 3.8.1 lacks, as one Spark {@code before} filter on every path.
 *
 * <p><b>Host (DNS rebinding).</b> A web page can make its own DNS name resolve to 127.0.0.1 and then talk to
 * WebAdmin as a same-origin page; its requests still carry its own name in {@code Host}. A request is served only
 * when {@code Host} names this server at the port the request arrived on: the configured {@code host}, the IP
 * literal of the address the connection reached, or {@code localhost} and any loopback literal when the connection
 * came over loopback (browsers never ask DNS for those, so an attacker cannot rebind them). Anything else, a missing
 * or malformed {@code Host} included, gets {@code 421 Misdirected Request} (RFC 9110 §15.5.20). Behind a reverse
 * proxy, let the proxy send {@code Host: 127.0.0.1:PORT}.
 *
 * <p><b>CORS.</b> James 3.8.1 reads {@code cors.enable} but installs its CORS filter and its {@code OPTIONS} route
 * whatever the value, answering every origin with {@code Access-Control-Allow-Origin: *}. Unless
 * {@code cors.enable=true}, this filter removes the {@code Access-Control-*} headers James's filter has just set and
 * refuses {@code OPTIONS} (the CORS preflight) with 403, so no page on another origin can use WebAdmin.
 *
 * <p>Installed by the distribution's server ({@link #MODULE}) as the first WebAdmin route set, so that it runs before
 * James's token check (a misdirected request is refused without looking at its token) and after James's CORS filter.
 * Its base path is never routed; the filter itself has no path.
 */
public final class WebAdminRequestGuard implements Routes {
    static final int MISDIRECTED_REQUEST = 421;
    static final int FORBIDDEN = 403;
    private static final String BASE_PATH = "/tls-provenance-request-guard";
    private static final Logger LOGGER = LoggerFactory.getLogger(WebAdminRequestGuard.class);

    /** Binds the guard into James's WebAdmin routes; combine it before James's WebAdmin modules. */
    public static final Module MODULE = new AbstractModule() {
        @Override
        protected void configure() {
            Multibinder.newSetBinder(binder(), Routes.class).addBinding().to(WebAdminRequestGuard.class);
        }
    };

    private final String configuredHost;
    private final boolean corsEnabled;

    @Inject
    WebAdminRequestGuard(WebAdminConfiguration configuration) {
        this(configuration.getHost(), configuration.isEnableCORS());
    }

    WebAdminRequestGuard(String configuredHost, boolean corsEnabled) {
        this.configuredHost = configuredHost.toLowerCase(Locale.ROOT);
        this.corsEnabled = corsEnabled;
        if (corsEnabled) {
            LOGGER.warn("WebAdmin CORS is on (cors.enable=true): pages on other origins may call WebAdmin with a token");
        }
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.before(this::guard);
    }

    private void guard(Request request, Response response) {
        if (!corsEnabled) {
            removeCorsHeaders(response.raw());
        }
        String host = request.headers("Host");
        Optional<InetAddress> local = literal(request.raw().getLocalAddr());
        int defaultPort = "https".equalsIgnoreCase(request.scheme()) ? 443 : 80;
        if (!namesThisServer(host, configuredHost, local, request.raw().getLocalPort(), defaultPort)) {
            LOGGER.warn("WebAdmin refused {} {} from {}: Host '{}' does not name this server (DNS rebinding?)",
                request.requestMethod(), request.pathInfo(), request.ip(), host);
            throw ErrorResponder.builder()
                .statusCode(MISDIRECTED_REQUEST)
                .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
                .message("Host header does not name this WebAdmin server")
                .haltError();
        }
        if (!corsEnabled && "OPTIONS".equals(request.requestMethod())) {
            throw ErrorResponder.builder()
                .statusCode(FORBIDDEN)
                .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
                .message("Cross-origin requests are refused: CORS is off (cors.enable in webadmin.properties)")
                .haltError();
        }
    }

    /**
     * Whether a {@code Host} header value names this server, reached at {@code localAddress}:{@code localPort}.
     * Host names compare case-insensitively and exactly (no trailing dot, no sub-domain).
     */
    static boolean namesThisServer(String hostHeader, String configuredHost, Optional<InetAddress> localAddress,
                                   int localPort, int defaultPort) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        HostAndPort authority;
        try {
            authority = HostAndPort.fromString(hostHeader.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (authority.getPortOrDefault(defaultPort) != localPort || authority.getHost().isEmpty()) {
            return false;
        }
        String name = authority.getHost().toLowerCase(Locale.ROOT);
        boolean overLoopback = localAddress.map(InetAddress::isLoopbackAddress).orElse(false);
        Optional<InetAddress> literal = literal(name);
        if (literal.isPresent()) {
            return literal.equals(localAddress) || literal.equals(literal(configuredHost))
                || (overLoopback && literal.get().isLoopbackAddress());
        }
        return name.equals(configuredHost) || (overLoopback && name.equals("localhost"));
    }

    private static Optional<InetAddress> literal(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        return InetAddresses.isInetAddress(bare) ? Optional.of(InetAddresses.forString(bare)) : Optional.empty();
    }

    /** Jetty removes a header set to null. */
    private static void removeCorsHeaders(HttpServletResponse response) {
        for (String name : List.copyOf(response.getHeaderNames())) {
            if (name.regionMatches(true, 0, "Access-Control-", 0, "Access-Control-".length())) {
                response.setHeader(name, null);
            }
        }
    }
}
