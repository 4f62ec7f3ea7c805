package dev.tlsprovenance.verify;

import java.util.Locale;

/** A host name to match case-insensitively: exact ({@code mx.example.test}) or a domain suffix ({@code .example.test}, {@code *.example.test}). */
public final class HostPattern {
    private final String pattern;
    private final boolean suffix;

    private HostPattern(String pattern, boolean suffix) {
        this.pattern = pattern;
        this.suffix = suffix;
    }

    /** @throws IllegalArgumentException naming the bad value */
    public static HostPattern parse(String text) {
        String p = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            p = p.substring(1);
        }
        if (p.isEmpty() || p.equals(".") || p.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("not a host name or .domain suffix: '" + text + "'");
        }
        return new HostPattern(p, p.startsWith("."));
    }

    public boolean matches(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (suffix) {
            return h.regionMatches(true, h.length() - pattern.length(), pattern, 0, pattern.length())
                || h.equalsIgnoreCase(pattern.substring(1));
        }
        return h.equalsIgnoreCase(pattern);
    }

    @Override
    public String toString() {
        return suffix ? "*" + pattern : pattern;
    }
}
