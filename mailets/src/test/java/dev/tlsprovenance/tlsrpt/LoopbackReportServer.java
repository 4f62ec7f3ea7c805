package dev.tlsprovenance.tlsrpt;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;

/**
 * An HTTPS report endpoint on 127.0.0.1 (a free port) with a certificate for the IP address 127.0.0.1 signed by the
 * test root (or by a CA nobody trusts): what a receiving domain's {@code rua=https:...} server sees of our POSTs.
 */
final class LoopbackReportServer implements AutoCloseable {
    static final class Received {
        final String method;
        final String path;
        final String contentType;
        final byte[] body;

        Received(String method, String path, String contentType, byte[] body) {
            this.method = method;
            this.path = path;
            this.contentType = contentType;
            this.body = body;
        }
    }

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private volatile int status = 200;

    LoopbackReportServer(boolean trustedCertificate) throws IOException {
        TestCertificate issuer = trustedCertificate ? TestPki.shared().root() : TestPki.shared().unknownRoot();
        TestCertificate leaf = TestCertificate.builder().commonName("127.0.0.1").addSubjectAlternativeName("127.0.0.1")
            .signedBy(issuer).serverAuth().build();
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(TestTls.builder().identity(leaf).build().sslContext()));
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Content-Type"), body));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.setExecutor(executor);
        server.start();
    }

    /** The client side: trusts the test root only. */
    static java.net.http.HttpClient trustingClient() {
        return java.net.http.HttpClient.newBuilder().sslContext(TestTls.builder().trust(TestPki.shared().root()).build().sslContext())
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();
    }

    URI uri(String path) {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    void answer(int status) {
        this.status = status;
    }

    /** The next request, waiting at most 10 s; null when none came. */
    Received next() throws InterruptedException {
        return received.poll(10, TimeUnit.SECONDS);
    }

    int pending() {
        return received.size();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
