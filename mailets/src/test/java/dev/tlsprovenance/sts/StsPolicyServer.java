package dev.tlsprovenance.sts;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * An HTTPS policy host on 127.0.0.1 (the JDK's {@link HttpsServer}) for every {@code mta-sts.<domain>} a test
 * names: one answer per host, chosen by the request's Host header, and a count of requests per host.
 * The certificate is whatever {@link SSLContext} the test gives (the test PKI).
 */
public final class StsPolicyServer implements AutoCloseable {
    /** How a host answers {@code GET /.well-known/mta-sts.txt}. */
    public static final class Answer {
        final int status;
        final String contentType;
        final byte[] body;
        final boolean chunked;
        final String location;
        final boolean stallBeforeHeaders;
        final boolean stallInBody;

        private Answer(int status, String contentType, byte[] body, boolean chunked, String location,
                       boolean stallBeforeHeaders, boolean stallInBody) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
            this.chunked = chunked;
            this.location = location;
            this.stallBeforeHeaders = stallBeforeHeaders;
            this.stallInBody = stallInBody;
        }

        public static Answer policy(String contentType, byte[] body) {
            return new Answer(200, contentType, body, false, null, false, false);
        }

        public static Answer policy(String text) {
            return policy("text/plain", text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        public static Answer chunked(String contentType, byte[] body) {
            return new Answer(200, contentType, body, true, null, false, false);
        }

        public static Answer status(int status) {
            return new Answer(status, "text/plain", "no".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    false, null, false, false);
        }

        public static Answer redirect(String location) {
            return new Answer(301, "text/html", new byte[0], false, location, false, false);
        }

        public static Answer stallBeforeHeaders() {
            return new Answer(200, "text/plain", new byte[0], false, null, true, false);
        }

        public static Answer stallInBody(String firstPart) {
            return new Answer(200, "text/plain", firstPart.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    true, null, false, true);
        }
    }

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);

    private StsPolicyServer(SSLContext identity) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(identity));
        server.createContext(StsPolicyFetcher.WELL_KNOWN_PATH, this::handle);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.setExecutor(executor);
        server.start();
    }

    public static StsPolicyServer start(SSLContext identity) throws IOException {
        return new StsPolicyServer(identity);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Sets the answer of {@code mta-sts.<domain>}. */
    public StsPolicyServer answer(String domain, Answer answer) {
        answers.put("mta-sts." + domain, answer);
        return this;
    }

    public int requests(String domain) {
        AtomicInteger count = requests.get("mta-sts." + domain);
        return count == null ? 0 : count.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String host = exchange.getRequestHeaders().getFirst("Host");
            host = host == null ? "" : host.replaceFirst(":\\d+$", "");
            requests.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
            Answer answer = answers.get(host);
            if (answer == null || !"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (answer.stallBeforeHeaders) {
                await();
                return;
            }
            if (answer.contentType != null) {
                exchange.getResponseHeaders().set("Content-Type", answer.contentType);
            }
            if (answer.location != null) {
                exchange.getResponseHeaders().set("Location", answer.location);
            }
            exchange.sendResponseHeaders(answer.status, answer.chunked ? 0 : answer.body.length == 0 ? -1
                    : answer.body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body);
                out.flush();
                if (answer.stallInBody) {
                    await();
                }
            }
        } catch (IOException e) {
            // the client went away (a refused or cancelled fetch): nothing to answer
        } finally {
            exchange.close();
        }
    }

    private void await() {
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
