package dev.tlsprovenance.servercert;

import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.inject.Inject;
import javax.inject.Singleton;

import com.google.inject.Injector;

/**
 * Our own listeners' certificates as clients see them, shared by {@code GET /tls/certificates} and the certificate
 * health check (one instance: {@code @Singleton}). A handshake to each listener, at most once per
 * {@link #CACHE_FOR}; a listener that does not answer within {@link #HANDSHAKE_TIMEOUT} per step is reported as
 * unreachable and never holds a request longer than {@link #DEADLINE}.
 */
@Singleton
public final class ServerCertificates {
    public static final Duration CACHE_FOR = Duration.ofMinutes(3);
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Supplier<List<ListenerEndpoint>> listeners;
    private final ListenerHandshake handshake;
    private final Set<TrustAnchor> anchors;
    private final Clock clock;
    private List<ListenerCertificate> cached;
    private Instant cachedAt = Instant.MIN;

    @Inject
    public ServerCertificates(Injector injector) {
        this(() -> OwnTlsListeners.find(injector), new ListenerHandshake(HANDSHAKE_TIMEOUT),
                CertificateAssessment.defaultTrustAnchors(), Clock.systemUTC());
    }

    public ServerCertificates(Supplier<List<ListenerEndpoint>> listeners, ListenerHandshake handshake,
                              Set<TrustAnchor> anchors, Clock clock) {
        this.listeners = listeners;
        this.handshake = handshake;
        this.anchors = anchors;
        this.clock = clock;
    }

    /** Every TLS listener's certificate, from the cache when it is younger than {@link #CACHE_FOR}. */
    public synchronized List<ListenerCertificate> current() {
        Instant now = clock.instant();
        if (cached == null || !now.isBefore(cachedAt.plus(CACHE_FOR))) {
            List<ListenerEndpoint> endpoints = listeners.get();
            if (endpoints.isEmpty()) {
                return List.of(); // James still starting: look again next time
            }
            cached = probe(endpoints, now);
            cachedAt = now;
        }
        return cached;
    }

    private List<ListenerCertificate> probe(List<ListenerEndpoint> endpoints, Instant now) {
        ExecutorService executor = Executors.newFixedThreadPool(Math.min(8, endpoints.size()), runnable -> {
            Thread thread = new Thread(runnable, "tls-certificates-handshake");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<ListenerCertificate>> futures = new ArrayList<>();
            for (ListenerEndpoint endpoint : endpoints) {
                futures.add(CompletableFuture.supplyAsync(() -> assess(endpoint, now), executor)
                        .completeOnTimeout(ListenerCertificate.unreachable(endpoint,
                                "no TLS handshake within " + DEADLINE.toSeconds() + " s"), DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
            }
            List<ListenerCertificate> results = new ArrayList<>();
            for (CompletableFuture<ListenerCertificate> future : futures) {
                results.add(future.join());
            }
            return List.copyOf(results);
        } finally {
            executor.shutdownNow();
        }
    }

    private ListenerCertificate assess(ListenerEndpoint endpoint, Instant now) {
        try {
            List<X509Certificate> chain = handshake.presentedChain(endpoint);
            return ListenerCertificate.assessed(endpoint, CertificateAssessment.of(chain, endpoint.helloName(), anchors, now));
        } catch (Exception e) {
            return ListenerCertificate.unreachable(endpoint, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
