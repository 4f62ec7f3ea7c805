package dev.tlsprovenance.sts;

import dev.tlsprovenance.outbound.RetrySchedule;
import dev.tlsprovenance.settings.SettingsFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code conf/mta-sts.properties}: whether MTA-STS (RFC 8461) is consulted for destinations without a row and
 * without DANE, where its policies are cached, and the fetch limits. One {@code key=value} per line ({@code #} and
 * {@code !} start comments), the same form as {@code conf/dane.properties}; every key optional:
 * <pre>
 * sts.enabled=true               # false: MTA-STS is never consulted
 * sts.cacheDirectory=var/mta-sts # relative to the server's base directory
 * sts.connectTimeout=10s
 * sts.fetchTimeout=60s           # the whole fetch, body included (RFC 8461 section 3.3)
 * sts.maxPolicyBytes=65536
 * sts.failureBackoff=5m          # no refetch of a failed domain/id within this time
 * sts.trustAnchors=jvm-default   # or a PEM bundle of CA certificates, relative to this file's directory
 * sts.policyPort=443             # the HTTPS port of mta-sts.&lt;domain&gt;: 443 (RFC 8461) except in tests
 * </pre>
 * {@code sts.trustAnchors} judges both the policy host ({@code mta-sts.<domain>}) and the MX certificates of an
 * {@code enforce} or {@code testing} policy: the Web PKI by default; a file for a private test PKI. A bad line
 * fails with {@code mta-sts.properties:3: sts.fetchTimeout: ...}: file, line and key. Pure Java.
 */
public final class StsConfiguration {
    public static final String ENABLED = "sts.enabled";
    public static final String CACHE_DIRECTORY = "sts.cacheDirectory";
    public static final String CONNECT_TIMEOUT = "sts.connectTimeout";
    public static final String FETCH_TIMEOUT = "sts.fetchTimeout";
    public static final String MAX_POLICY_BYTES = "sts.maxPolicyBytes";
    public static final String FAILURE_BACKOFF = "sts.failureBackoff";
    public static final String TRUST_ANCHORS = "sts.trustAnchors";
    public static final String POLICY_PORT = "sts.policyPort";
    public static final String JVM_DEFAULT = "jvm-default";
    public static final String DEFAULT_CACHE_DIRECTORY = "var/mta-sts";
    private static final List<String> KEYS = List.of(ENABLED, CACHE_DIRECTORY, CONNECT_TIMEOUT, FETCH_TIMEOUT,
        MAX_POLICY_BYTES, FAILURE_BACKOFF, TRUST_ANCHORS, POLICY_PORT);

    private final boolean enabled;
    private final String cacheDirectory;
    private final Duration connectTimeout;
    private final Duration fetchTimeout;
    private final int maxPolicyBytes;
    private final Duration failureBackoff;
    private final Optional<Path> trustAnchors;
    private final int policyPort;

    private StsConfiguration(boolean enabled, String cacheDirectory, Duration connectTimeout, Duration fetchTimeout,
                             int maxPolicyBytes, Duration failureBackoff, Optional<Path> trustAnchors, int policyPort) {
        this.enabled = enabled;
        this.cacheDirectory = cacheDirectory;
        this.connectTimeout = connectTimeout;
        this.fetchTimeout = fetchTimeout;
        this.maxPolicyBytes = maxPolicyBytes;
        this.failureBackoff = failureBackoff;
        this.trustAnchors = trustAnchors;
        this.policyPort = policyPort;
    }

    /** A bad line or value: the message names the file, the line and the key. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** As written: relative paths are relative to the server's base directory (the mailet resolves it). */
    public String cacheDirectory() {
        return cacheDirectory;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration fetchTimeout() {
        return fetchTimeout;
    }

    public int maxPolicyBytes() {
        return maxPolicyBytes;
    }

    public Duration failureBackoff() {
        return failureBackoff;
    }

    /** A PEM bundle of CA certificates; empty: the JVM's trust store ({@code jvm-default}). */
    public Optional<Path> trustAnchors() {
        return trustAnchors;
    }

    public int policyPort() {
        return policyPort;
    }

    /** The fetcher's settings (the SSL context is the caller's: it is made from {@link #trustAnchors()}). */
    public StsPolicyFetcher.Settings.Builder fetcherSettings() {
        return StsPolicyFetcher.Settings.builder().connectTimeout(connectTimeout).fetchTimeout(fetchTimeout)
            .maxBytes(maxPolicyBytes).port(policyPort);
    }

    public static StsConfiguration read(Path file) throws Invalid {
        try {
            return read(SettingsFile.read(file, KEYS), file);
        } catch (SettingsFile.Invalid e) {
            throw new Invalid(e.getMessage());
        }
    }

    private static StsConfiguration read(SettingsFile entries, Path file) throws SettingsFile.Invalid {
        boolean enabled = entries.value(ENABLED, true, StsConfiguration::bool);
        String cache = entries.value(CACHE_DIRECTORY, DEFAULT_CACHE_DIRECTORY, StsConfiguration::directory);
        Duration connect = entries.value(CONNECT_TIMEOUT, Duration.ofSeconds(10), StsConfiguration::positive);
        Duration fetch = entries.value(FETCH_TIMEOUT, Duration.ofSeconds(60), StsConfiguration::positive);
        int bytes = entries.value(MAX_POLICY_BYTES, StsPolicyFetcher.DEFAULT_MAX_BYTES, StsConfiguration::size);
        Duration backoff = entries.value(FAILURE_BACKOFF, Duration.ofMinutes(5), RetrySchedule::parseDuration);
        Path base = file.toAbsolutePath().getParent();
        Optional<Path> anchors = entries.value(TRUST_ANCHORS, Optional.empty(), text -> {
            if (JVM_DEFAULT.equals(text)) {
                return Optional.<Path>empty();
            }
            Path bundle = base.resolve(text);
            if (!Files.isReadable(bundle)) {
                throw new IllegalArgumentException("cannot read the CA bundle " + bundle + " (or say " + JVM_DEFAULT + ")");
            }
            return Optional.of(bundle);
        });
        int port = entries.value(POLICY_PORT, 443, text -> {
            int number = Integer.parseInt(text);
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException("port " + number + " is outside 1-65535");
            }
            return number;
        });
        return new StsConfiguration(enabled, cache, connect, fetch, bytes, backoff, anchors, port);
    }

    private static boolean bool(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new IllegalArgumentException("'" + text + "' is not true or false");
        }
    }

    private static String directory(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty (expected a directory, e.g. " + DEFAULT_CACHE_DIRECTORY + ")");
        }
        return text;
    }

    private static Duration positive(String text) {
        Duration duration = RetrySchedule.parseDuration(text);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("'" + text + "' must be greater than zero");
        }
        return duration;
    }

    private static int size(String text) {
        int bytes = Integer.parseInt(text);
        if (bytes < 1024 || bytes > 1024 * 1024) {
            throw new IllegalArgumentException("'" + text + "' must be between 1024 and 1048576 bytes");
        }
        return bytes;
    }
}
