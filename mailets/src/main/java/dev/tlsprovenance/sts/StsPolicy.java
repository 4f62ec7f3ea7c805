package dev.tlsprovenance.sts;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An MTA-STS policy (RFC 8461 section 3.2) as read by {@link StsPolicyParser}: its mode, its MX patterns, its
 * {@code max_age}, and the text it was read from (kept for the cache and for a TLS-RPT report's
 * {@code policy-string}). Immutable.
 */
public final class StsPolicy {
    /** The largest {@code max_age} RFC 8461 allows: 31557600 seconds, about a year. */
    public static final long MAX_AGE_LIMIT = 31_557_600L;

    private final StsMode mode;
    private final List<MxPattern> mx;
    private final long maxAgeSeconds;
    private final String text;

    StsPolicy(StsMode mode, List<MxPattern> mx, long maxAgeSeconds, String text) {
        this.mode = Objects.requireNonNull(mode);
        this.mx = List.copyOf(mx);
        this.maxAgeSeconds = maxAgeSeconds;
        this.text = Objects.requireNonNull(text);
        if (maxAgeSeconds < 0 || maxAgeSeconds > MAX_AGE_LIMIT) {
            throw new IllegalArgumentException("max_age out of range: " + maxAgeSeconds);
        }
        if (mode != StsMode.NONE && this.mx.isEmpty()) {
            throw new IllegalArgumentException("a policy in mode " + mode + " needs an mx");
        }
    }

    /** Reads a policy body; see {@link StsPolicyParser#parse(String)}. */
    public static StsPolicy parse(String text) throws StsSyntaxException {
        return StsPolicyParser.parse(text);
    }

    public StsMode mode() {
        return mode;
    }

    /** The {@code mx} patterns in policy order (none only in mode {@code none}). */
    public List<MxPattern> mx() {
        return mx;
    }

    public long maxAgeSeconds() {
        return maxAgeSeconds;
    }

    public Duration maxAge() {
        return Duration.ofSeconds(maxAgeSeconds);
    }

    /** The policy body as fetched. */
    public String text() {
        return text;
    }

    /**
     * The policy's fields, one per line as fetched (line ends removed, empty lines at the end dropped): the
     * {@code policy-string} of an {@code sts} policy in an RFC 8460 report (section 4.4).
     */
    public List<String> lines() {
        return StsPolicyParser.lines(text);
    }

    /** Whether some {@code mx} pattern matches {@code host}. */
    public boolean allowsMx(String host) {
        for (MxPattern pattern : mx) {
            if (pattern.matches(host)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StsPolicy)) {
            return false;
        }
        StsPolicy other = (StsPolicy) o;
        return mode == other.mode && mx.equals(other.mx) && maxAgeSeconds == other.maxAgeSeconds
                && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, mx, maxAgeSeconds);
    }

    /** One line: {@code mode=enforce mx=[mx.example.com, *.example.net] max_age=604800}. */
    @Override
    public String toString() {
        return "mode=" + mode + " mx=" + mx + " max_age=" + maxAgeSeconds;
    }
}
