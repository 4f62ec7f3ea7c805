package dev.tlsprovenance.tlsrpt;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * RFC 8460 §5.2: a report to an {@code https:} destination is a POST of the gzipped JSON with
 * {@code Content-Type: application/tlsrpt+gzip}; any 2xx is success. The server's certificate is checked by the
 * JDK's default (PKIX, host name): the client given to the constructor decides whom it trusts. Redirects are not
 * followed (a report is not resent to wherever the answer points).
 */
public final class HttpsReportPoster {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final HttpClient client;

    public HttpsReportPoster(HttpClient client) {
        this.client = Objects.requireNonNull(client);
    }

    /** A client with the JVM's trust store. */
    public static HttpsReportPoster withDefaultTrust() {
        return new HttpsReportPoster(HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build());
    }

    /** @throws IOException when it did not go through: no connection, a TLS failure, or a reply that is not 2xx */
    public void post(URI destination, TlsReport report) throws IOException {
        if (!"https".equalsIgnoreCase(destination.getScheme())) {
            throw new IOException("not an https: destination: " + destination);
        }
        HttpRequest request = HttpRequest.newBuilder(destination).timeout(TIMEOUT)
            .header("Content-Type", ReportMessage.MEDIA_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(ReportMessage.gzip(report)))
            .build();
        HttpResponse<Void> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while posting to " + destination, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException(destination + " answered " + response.statusCode());
        }
    }
}
