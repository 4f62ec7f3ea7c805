package dev.tlsprovenance.webadmin;

import java.time.Clock;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.posture.Posture;
import dev.tlsprovenance.posture.PostureQuery;
import spark.Service;

/**
 * {@code GET /tls/posture?since=7d&until=<instant>&domain=<d>}: the TLS posture of the inbound and outbound ledgers
 * (see {@link Posture}, {@link PostureQuery}, {@code docs/posture.md}). Private: it needs the WebAdmin token.
 * Register it in {@code conf/webadmin.properties}:
 * <pre>
 * extensions.routes=dev.tlsprovenance.webadmin.PostureRoutes
 * </pre>
 * A bad parameter is answered 400 in James's error format, naming the parameter.
 */
public class PostureRoutes implements Routes {
    public static final String BASE_PATH = "/tls/posture";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Posture posture;
    private final Clock clock;

    @Inject
    public PostureRoutes(Posture posture) {
        this(posture, Clock.systemUTC());
    }

    PostureRoutes(Posture posture, Clock clock) {
        this.posture = posture;
        this.clock = clock;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, (request, response) -> {
            PostureQuery query;
            try {
                query = PostureQuery.parse(request.queryParams("since"), request.queryParams("until"),
                    request.queryParams("domain"), clock.instant());
            } catch (PostureQuery.BadParameterException e) {
                throw ErrorResponder.builder()
                    .statusCode(400)
                    .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
                    .message(e.getMessage())
                    .haltError();
            }
            response.type("application/json");
            return JSON.writeValueAsString(posture.answer(query));
        });
        posture.catchUpInBackground();
    }
}
