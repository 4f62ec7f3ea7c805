package dev.tlsprovenance.cli.checkpeer;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

import dev.tlsprovenance.dane.DnssecLookups;

/**
 * Which DNSSEC resolver and trust anchors check-peer uses: {@code --resolver}/{@code --trust-anchors}, else
 * {@code conf/dane.properties} (the keys {@code docs/dane-dnssec.md} proposes for the server: {@code dnssec.resolver},
 * {@code dnssec.trustAnchors} = {@code builtin-root} or a file of DS/DNSKEY lines, {@code dnssec.queryTimeout},
 * {@code dnssec.lookupDeadline}). A bad value is a {@link IllegalArgumentException} naming the file and the key.
 *
 * <p>The server's own reader of that file should replace this one once it exists (one parser for one file).
 */
public final class DnssecResolverSettings {
    public static final String FILE_NAME = "dane.properties";
    static final String RESOLVER = "dnssec.resolver";
    static final String TRUST_ANCHORS = "dnssec.trustAnchors";
    static final String QUERY_TIMEOUT = "dnssec.queryTimeout";
    static final String LOOKUP_DEADLINE = "dnssec.lookupDeadline";
    static final String BUILTIN_ROOT = "builtin-root";

    private DnssecResolverSettings() {
    }

    /**
     * @param resolver     {@code --resolver host:port}, overrides the file
     * @param trustAnchors {@code --trust-anchors FILE}, overrides the file
     * @return empty when neither the options nor the file name a resolver
     */
    public static Optional<DnssecLookups.Settings> resolve(Path conf, Optional<String> resolver, Optional<Path> trustAnchors)
            throws IOException {
        Path file = conf.resolve(FILE_NAME);
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        }
        String where = file.toString();
        Optional<String> resolverText = resolver.isPresent() ? resolver
            : Optional.ofNullable(properties.getProperty(RESOLVER)).map(String::trim);
        if (resolverText.isEmpty()) {
            return Optional.empty();
        }
        String resolverSource = resolver.isPresent() ? "--resolver" : where + ": " + RESOLVER;
        DnssecLookups.Settings.Builder settings = DnssecLookups.Settings.builder(address(resolverText.get(), resolverSource));
        if (trustAnchors.isPresent()) {
            settings.trustAnchors(read(trustAnchors.get(), "--trust-anchors"));
        } else {
            String anchors = properties.getProperty(TRUST_ANCHORS, BUILTIN_ROOT).trim();
            if (!anchors.equals(BUILTIN_ROOT)) {
                Path anchorFile = conf.resolve(anchors);
                settings.trustAnchors(read(anchorFile, where + ": " + TRUST_ANCHORS));
            }
        }
        try {
            duration(properties, QUERY_TIMEOUT, where).ifPresent(settings::queryTimeout);
            duration(properties, LOOKUP_DEADLINE, where).ifPresent(settings::lookupDeadline);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        return Optional.of(settings.build());
    }

    /** {@code host:port}, {@code [v6]:port} or a host alone (port 53). */
    static InetSocketAddress address(String text, String source) {
        String host = text;
        int port = 53;
        int colon = text.lastIndexOf(':');
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(source + ": '" + text + "' has '[' without ']'");
            }
            host = text.substring(1, close);
            if (text.length() > close + 1) {
                if (text.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException(source + ": expected [address]:port, got '" + text + "'");
                }
                port = port(text.substring(close + 2), text, source);
            }
        } else if (colon > 0 && text.indexOf(':') == colon) {
            host = text.substring(0, colon);
            port = port(text.substring(colon + 1), text, source);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException(source + ": no resolver host in '" + text + "'");
        }
        return new InetSocketAddress(host, port);
    }

    private static int port(String text, String whole, String source) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(source + ": bad port in '" + whole + "' (expected 1-65535)");
    }

    private static String read(Path file, String source) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(source + ": cannot read trust anchors file " + file);
        }
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    /** {@code 5s}, {@code 250ms}, {@code 2m}, {@code 1h}, or an ISO-8601 duration. */
    private static Optional<Duration> duration(Properties properties, String key, String where) {
        String value = properties.getProperty(key);
        if (value == null) {
            return Optional.empty();
        }
        String text = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (text.matches("\\d+ms")) {
                return Optional.of(Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2))));
            }
            if (text.matches("\\d+[smh]")) {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                char unit = text.charAt(text.length() - 1);
                return Optional.of(unit == 's' ? Duration.ofSeconds(amount) : unit == 'm' ? Duration.ofMinutes(amount) : Duration.ofHours(amount));
            }
            return Optional.of(Duration.parse(value.trim()));
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a duration (e.g. 5s, 250ms, 2m)", e);
        }
    }
}
