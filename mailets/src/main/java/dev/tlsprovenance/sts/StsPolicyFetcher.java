package dev.tlsprovenance.sts;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} as RFC 8461 section 3.3 says, with the JDK's
 * {@link HttpClient}:
 * <ul>
 *   <li>the certificate is PKIX-validated by the given {@link SSLContext} (default: the JDK's trust store) and
 *       must name {@code mta-sts.<domain>} (HttpClient's own host name verification);</li>
 *   <li>redirects are never followed; only HTTP 200 is a policy;</li>
 *   <li>the media type must be {@code text/plain} (parameters such as {@code charset} allowed and ignored; the
 *       body is read as UTF-8, which covers the ASCII grammar);</li>
 *   <li>the body is read up to {@value #DEFAULT_MAX_BYTES} bytes (64 KiB, the limit of the common Postfix policy
 *       plug-in, postfix-mta-sts-resolver; a policy is a few hundred bytes):
 *       more is refused without reading it;</li>
 *   <li>a connect timeout and a deadline for the whole fetch, body included (RFC 8461 section 3.3 suggests
 *       a minute).</li>
 * </ul>
 * Every failure is a {@link StsFetchResult} with an RFC 8460 result type: an unreachable host, a non-200 answer,
 * a redirect or a timeout is {@code sts-policy-fetch-error}; a certificate failure {@code sts-webpki-invalid};
 * a wrong media type, an oversize or non-UTF-8 body, or a body that is not a policy {@code sts-policy-invalid}.
 *
 * <p>Thread-safe; one HttpClient per instance.
 */
public final class StsPolicyFetcher implements StsPolicySource {
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;
    static final String WELL_KNOWN_PATH = "/.well-known/mta-sts.txt";

    private final Settings settings;
    private final HttpClient client;

    public StsPolicyFetcher(Settings settings) {
        this.settings = Objects.requireNonNull(settings);
        this.client = HttpClient.newBuilder()
                .sslContext(settings.sslContext)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout)
                .build();
    }

    /** The policy URL of a domain: {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}. */
    public URI policyUri(String policyDomain) {
        String host = "mta-sts." + MxPattern.canonical(policyDomain);
        return URI.create("https://" + host + (settings.port == 443 ? "" : ":" + settings.port) + WELL_KNOWN_PATH);
    }

    @Override
    public StsFetchResult fetch(String policyDomain) {
        Optional<String> problem = MxPattern.domainProblem(policyDomain);
        if (problem.isPresent()) {
            return StsFetchResult.failed(StsResultType.STS_POLICY_FETCH_ERROR,
                    "not a domain: '" + policyDomain + "': " + problem.get());
        }
        URI uri = policyUri(policyDomain);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(settings.fetchTimeout).GET().build();
        CompletableFuture<HttpResponse<Body>> response = client.sendAsync(request, this::bodyFor);
        Body body;
        try {
            body = response.get(settings.fetchTimeout.toMillis(), TimeUnit.MILLISECONDS).body();
        } catch (TimeoutException e) {
            response.cancel(true);
            return StsFetchResult.failed(StsResultType.STS_POLICY_FETCH_ERROR,
                    uri + ": no complete answer within " + settings.fetchTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            return StsFetchResult.failed(StsResultType.STS_POLICY_FETCH_ERROR, uri + ": interrupted");
        } catch (ExecutionException e) {
            return failure(uri, e.getCause() == null ? e : e.getCause());
        }
        if (body.failure != null) {
            return StsFetchResult.failed(body.failure, uri + ": " + body.reason);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body.bytes)).toString();
        } catch (CharacterCodingException e) {
            return StsFetchResult.failed(StsResultType.STS_POLICY_INVALID, uri + ": the body is not UTF-8 text");
        }
        try {
            return StsFetchResult.fetched(StsPolicyParser.parse(text));
        } catch (StsSyntaxException e) {
            return StsFetchResult.failed(StsResultType.STS_POLICY_INVALID, uri + ": " + e.getMessage());
        }
    }

    private HttpResponse.BodySubscriber<Body> bodyFor(HttpResponse.ResponseInfo info) {
        int status = info.statusCode();
        if (status != 200) {
            String location = info.headers().firstValue("Location").map(l -> " to " + l).orElse("");
            String why = status >= 300 && status < 400
                    ? "HTTP " + status + ": redirect" + location + " not followed (RFC 8461 section 3.3)"
                    : "HTTP " + status + " (only 200 is a policy)";
            return new Rejecting(Body.rejected(StsResultType.STS_POLICY_FETCH_ERROR, why));
        }
        Optional<String> contentType = info.headers().firstValue("Content-Type");
        if (contentType.isEmpty() || !isTextPlain(contentType.get())) {
            return new Rejecting(Body.rejected(StsResultType.STS_POLICY_INVALID, "media type "
                    + contentType.map(t -> "'" + t + "'").orElse("missing") + ", not text/plain"));
        }
        OptionalLong length = info.headers().firstValueAsLong("Content-Length");
        if (length.isPresent() && length.getAsLong() > settings.maxBytes) {
            return new Rejecting(Body.rejected(StsResultType.STS_POLICY_INVALID, "Content-Length "
                    + length.getAsLong() + " is more than the limit of " + settings.maxBytes + " bytes"));
        }
        return new Limited(settings.maxBytes);
    }

    /** {@code text/plain}, any case, with or without parameters (RFC 8461 section 3.2: they are ignored). */
    static boolean isTextPlain(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return type.toLowerCase(Locale.ROOT).equals("text/plain");
    }

    private static StsFetchResult failure(URI uri, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return StsFetchResult.failed(StsResultType.STS_WEBPKI_INVALID,
                        uri + ": certificate not valid for " + uri.getHost() + ": " + firstLine(t));
            }
        }
        return StsFetchResult.failed(StsResultType.STS_POLICY_FETCH_ERROR, uri + ": " + firstLine(cause));
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** What the body handler made of the response: the bytes of the policy, or a refusal. */
    private static final class Body {
        final byte[] bytes;
        final StsResultType failure;
        final String reason;

        private Body(byte[] bytes, StsResultType failure, String reason) {
            this.bytes = bytes;
            this.failure = failure;
            this.reason = reason;
        }

        static Body of(byte[] bytes) {
            return new Body(bytes, null, "");
        }

        static Body rejected(StsResultType type, String reason) {
            return new Body(new byte[0], type, reason);
        }
    }

    /** Refuses the body unread: the connection is closed rather than drained. */
    private static final class Rejecting implements HttpResponse.BodySubscriber<Body> {
        private final CompletableFuture<Body> result = new CompletableFuture<>();
        private final Body rejection;

        Rejecting(Body rejection) {
            this.rejection = rejection;
        }

        @Override
        public CompletionStage<Body> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
            result.complete(rejection);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
        }

        @Override
        public void onError(Throwable throwable) {
            result.complete(rejection);
        }

        @Override
        public void onComplete() {
            result.complete(rejection);
        }
    }

    /** Collects at most {@code max} bytes; one byte more cancels the transfer and refuses the body. */
    private static final class Limited implements HttpResponse.BodySubscriber<Body> {
        private final CompletableFuture<Body> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final int max;
        private Flow.Subscription subscription;

        Limited(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<Body> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            this.subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if ((long) out.size() + buffer.remaining() > max) {
                    subscription.cancel();
                    result.complete(Body.rejected(StsResultType.STS_POLICY_INVALID,
                            "body larger than the limit of " + max + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(Body.of(out.toByteArray()));
        }
    }

    /** The fetcher's settings; {@link #builder()} gives the defaults named on each setter. */
    public static final class Settings {
        private final SSLContext sslContext;
        private final Duration connectTimeout;
        private final Duration fetchTimeout;
        private final int maxBytes;
        private final int port;

        private Settings(Builder b) {
            this.sslContext = b.sslContext;
            this.connectTimeout = b.connectTimeout;
            this.fetchTimeout = b.fetchTimeout;
            this.maxBytes = b.maxBytes;
            this.port = b.port;
        }

        public static Builder builder() {
            return new Builder();
        }

        public Duration connectTimeout() {
            return connectTimeout;
        }

        public Duration fetchTimeout() {
            return fetchTimeout;
        }

        public int maxBytes() {
            return maxBytes;
        }

        public int port() {
            return port;
        }

        /** Builds {@link Settings}; every setter checks its value and names it when it is wrong. */
        public static final class Builder {
            private SSLContext sslContext;
            private Duration connectTimeout = Duration.ofSeconds(10);
            private Duration fetchTimeout = Duration.ofSeconds(60);
            private int maxBytes = DEFAULT_MAX_BYTES;
            private int port = 443;

            private Builder() {
            }

            /** The trust for the policy host's certificate; default the JDK's ({@code SSLContext.getDefault()}). */
            public Builder sslContext(SSLContext context) {
                this.sslContext = Objects.requireNonNull(context, "sslContext");
                return this;
            }

            /** Default 10 s. */
            public Builder connectTimeout(Duration timeout) {
                this.connectTimeout = positive("connectTimeout", timeout);
                return this;
            }

            /** The whole fetch, body included; default 60 s. */
            public Builder fetchTimeout(Duration timeout) {
                this.fetchTimeout = positive("fetchTimeout", timeout);
                return this;
            }

            /** Largest body accepted; default {@value StsPolicyFetcher#DEFAULT_MAX_BYTES}. */
            public Builder maxBytes(int bytes) {
                if (bytes < 1) {
                    throw new IllegalArgumentException("maxBytes must be >= 1: " + bytes);
                }
                this.maxBytes = bytes;
                return this;
            }

            /** The HTTPS port; 443 (RFC 8461) except in tests, which cannot bind it. */
            public Builder port(int port) {
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("port must be 1..65535: " + port);
                }
                this.port = port;
                return this;
            }

            public Settings build() {
                if (sslContext == null) {
                    try {
                        sslContext = SSLContext.getDefault();
                    } catch (NoSuchAlgorithmException e) {
                        throw new IllegalStateException("no default SSLContext", e);
                    }
                }
                return new Settings(this);
            }

            private static Duration positive(String name, Duration value) {
                if (value == null || value.isNegative() || value.isZero()) {
                    throw new IllegalArgumentException(name + " must be a positive duration: " + value);
                }
                return value;
            }
        }
    }
}
