package dev.tlsprovenance.webadmin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.apache.james.webadmin.Routes;

import spark.Service;

/**
 * One WebAdmin route set on a real Spark server (the web server James's WebAdmin is built on) on a free loopback
 * port, without James's token check: what the route itself answers.
 */
final class SparkRoutes implements AutoCloseable {
    private final Service service;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    SparkRoutes(Routes routes) {
        service = Service.ignite().ipAddress("127.0.0.1").port(0);
        // As James does first for every request: routes that serve something else must set their own type.
        service.before((request, response) -> response.type("application/json"));
        routes.define(service);
        service.awaitInitialization();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + service.port() + pathAndQuery);
    }

    HttpResponse<byte[]> get(String pathAndQuery) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(pathAndQuery)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> post(String pathAndQuery, byte[] body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "text/plain; charset=utf-8").build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        service.stop();
        service.awaitStop();
    }
}
