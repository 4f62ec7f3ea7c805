package dev.tlsprovenance.dane;

import dev.tlsprovenance.outbound.RetrySchedule;
import dev.tlsprovenance.settings.SettingsFile;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code conf/dane.properties}: the DNSSEC resolver, trust anchors, time limits and cache bounds of the DANE levels,
 * read into {@link DnssecLookups.Settings}. One {@code key=value} per line ({@code #} and {@code !} start comments);
 * every key optional:
 * <pre>
 * dnssec.resolver=system            # host:port, [v6]:port, host (port 53), or system = first nameserver of /etc/resolv.conf
 * dnssec.trustAnchors=builtin-root  # or a file of DS/DNSKEY lines (zone-file form), relative to this file's directory
 * dnssec.queryTimeout=5s
 * dnssec.lookupDeadline=20s
 * dnssec.cache.maxEntries=10000
 * dnssec.cache.maxTtl=1h
 * </pre>
 * A bad line fails with {@code dane.properties:3: dnssec.queryTimeout: ...}: file, line and key. Pure Java.
 */
public final class DaneConfiguration {
    public static final String RESOLVER = "dnssec.resolver";
    public static final String TRUST_ANCHORS = "dnssec.trustAnchors";
    public static final String QUERY_TIMEOUT = "dnssec.queryTimeout";
    public static final String LOOKUP_DEADLINE = "dnssec.lookupDeadline";
    public static final String CACHE_MAX_ENTRIES = "dnssec.cache.maxEntries";
    public static final String CACHE_MAX_TTL = "dnssec.cache.maxTtl";
    public static final String SYSTEM_RESOLVER = "system";
    public static final String BUILTIN_ROOT = "builtin-root";
    public static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");
    private static final List<String> KEYS = List.of(RESOLVER, TRUST_ANCHORS, QUERY_TIMEOUT, LOOKUP_DEADLINE,
        CACHE_MAX_ENTRIES, CACHE_MAX_TTL);

    private final DnssecLookups.Settings settings;
    private final String resolverOrigin;
    private final String trustAnchorOrigin;

    private DaneConfiguration(DnssecLookups.Settings settings, String resolverOrigin, String trustAnchorOrigin) {
        this.settings = settings;
        this.resolverOrigin = resolverOrigin;
        this.trustAnchorOrigin = trustAnchorOrigin;
    }

    /** A bad line or value: the message names the file, the line and the key. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    public DnssecLookups.Settings settings() {
        return settings;
    }

    /** Where the resolver came from: {@code dane.properties:2} or {@code /etc/resolv.conf (dnssec.resolver=system)}. */
    public String resolverOrigin() {
        return resolverOrigin;
    }

    /** {@code builtin-root (IANA root KSKs 20326, 38696)} or the anchor file. */
    public String trustAnchorOrigin() {
        return trustAnchorOrigin;
    }

    public static DaneConfiguration read(Path file, Clock clock) throws Invalid {
        return read(file, RESOLV_CONF, clock);
    }

    /** @param resolvConf where {@code dnssec.resolver=system} looks for the first {@code nameserver} line */
    public static DaneConfiguration read(Path file, Path resolvConf, Clock clock) throws Invalid {
        try {
            return read(SettingsFile.read(file, KEYS), file, resolvConf, clock);
        } catch (SettingsFile.Invalid e) {
            throw new Invalid(e.getMessage());
        }
    }

    private static DaneConfiguration read(SettingsFile entries, Path file, Path resolvConf, Clock clock)
            throws Invalid, SettingsFile.Invalid {
        String name = entries.name();
        Optional<SettingsFile.Setting> resolverEntry = entries.get(RESOLVER);
        String resolverText = resolverEntry.map(SettingsFile.Setting::value).orElse(SYSTEM_RESOLVER);
        InetSocketAddress resolver;
        String resolverOrigin;
        if (SYSTEM_RESOLVER.equals(resolverText)) {
            resolver = systemResolver(resolvConf, resolverEntry.map(SettingsFile.Setting::where).orElse(name + " (default)"));
            resolverOrigin = "first nameserver of " + resolvConf + " (" + RESOLVER + "=" + SYSTEM_RESOLVER + ")";
        } else {
            SettingsFile.Setting entry = resolverEntry.get();
            resolver = entry.parse(DaneConfiguration::socketAddress);
            resolverOrigin = entry.where();
        }
        DnssecLookups.Settings.Builder builder = DnssecLookups.Settings.builder(resolver).clock(clock);
        String anchorOrigin = BUILTIN_ROOT + " (IANA root KSKs 20326, 38696)";
        SettingsFile.Setting anchors = entries.get(TRUST_ANCHORS).orElse(null);
        if (anchors != null && !BUILTIN_ROOT.equals(anchors.value())) {
            Path anchorFile = file.toAbsolutePath().getParent().resolve(anchors.value());
            String text = anchors.parse(value -> {
                try {
                    return Files.readString(anchorFile, StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read trust anchor file " + anchorFile + ": " + e.getMessage(), e);
                }
            });
            builder.trustAnchors(text);
            anchorOrigin = anchorFile.toString();
        }
        SettingsFile.Setting entry = entries.get(QUERY_TIMEOUT).orElse(null);
        if (entry != null) {
            Duration value = entry.parse(RetrySchedule::parseDuration);
            entry.apply(() -> builder.queryTimeout(value));
        }
        entry = entries.get(LOOKUP_DEADLINE).orElse(null);
        if (entry != null) {
            Duration value = entry.parse(RetrySchedule::parseDuration);
            entry.apply(() -> builder.lookupDeadline(value));
        }
        entry = entries.get(CACHE_MAX_ENTRIES).orElse(null);
        if (entry != null) {
            int value = entry.parse(Integer::parseInt);
            entry.apply(() -> builder.cacheSize(value));
        }
        entry = entries.get(CACHE_MAX_TTL).orElse(null);
        if (entry != null) {
            Duration value = entry.parse(RetrySchedule::parseDuration);
            entry.apply(() -> builder.maxCacheTtl(value));
        }
        return new DaneConfiguration(builder.build(), resolverOrigin, anchorOrigin);
    }

    /** The first nameserver line of resolv.conf (glibc reads them in order, so does this). */
    static InetSocketAddress systemResolver(Path resolvConf, String where) throws Invalid {
        List<String> lines;
        try {
            lines = Files.readAllLines(resolvConf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Invalid(where + ": " + RESOLVER + "=" + SYSTEM_RESOLVER + " but " + resolvConf + " cannot be read ("
                + e.getMessage() + "); name a resolver, e.g. " + RESOLVER + "=127.0.0.1:53");
        }
        for (String line : lines) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver")) {
                try {
                    return new InetSocketAddress(InetAddress.getByName(literal(words[1])), 53);
                } catch (UnknownHostException e) {
                    throw new Invalid(where + ": the first nameserver of " + resolvConf + " is not an address: " + words[1]);
                }
            }
        }
        throw new Invalid(where + ": " + RESOLVER + "=" + SYSTEM_RESOLVER + " but " + resolvConf
            + " has no nameserver line; name a resolver, e.g. " + RESOLVER + "=127.0.0.1:53");
    }

    /** {@code 127.0.0.1:53}, {@code [::1]:53}, {@code ::1}, {@code 192.0.2.1} (port 53); addresses only, no names. */
    static InetSocketAddress socketAddress(String text) {
        String host = text;
        int port = 53;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "' has no closing ]");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + text + "': expected :port after ]");
                }
                port = port(rest.substring(1));
            }
        } else if (text.chars().filter(c -> c == ':').count() == 1) {
            host = text.substring(0, text.indexOf(':'));
            port = port(text.substring(text.indexOf(':') + 1));
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address (the resolver is named by its address,"
                + " so that finding it needs no DNS)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address");
        }
    }

    private static int port(String text) {
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1-65535");
        }
        return port;
    }

    private static String literal(String address) {
        int zone = address.indexOf('%');
        return zone < 0 ? address : address.substring(0, zone);
    }
}
