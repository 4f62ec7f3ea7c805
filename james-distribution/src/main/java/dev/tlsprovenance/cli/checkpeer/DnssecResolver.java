package dev.tlsprovenance.cli.checkpeer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import dev.tlsprovenance.dane.DaneConfiguration;
import dev.tlsprovenance.dane.DnssecLookups;

/**
 * Which DNSSEC resolver and trust anchors check-peer and doctor use: {@code conf/dane.properties} read by the
 * server's own reader ({@link DaneConfiguration}: same keys, same defaults, same {@code file:line: key: ...} errors),
 * with the command line's {@code --resolver}/{@code --trust-anchors} replacing those two of its settings. Without
 * the file and without {@code --resolver} there are no DNSSEC lookups, as the server has no DANE without it.
 */
public final class DnssecResolver {
    public static final String FILE_NAME = "dane.properties";

    private DnssecResolver() {
    }

    /**
     * @param resolver     {@code --resolver host:port}, replaces {@code dnssec.resolver}
     * @param trustAnchors {@code --trust-anchors FILE}, replaces {@code dnssec.trustAnchors}
     * @return empty when neither the options nor {@code conf/dane.properties} configure a resolver
     * @throws DaneConfiguration.Invalid naming file, line and key, or the option
     */
    public static Optional<DnssecLookups.Settings> settings(Path conf, Optional<String> resolver, Optional<Path> trustAnchors,
                                                            Clock clock) throws DaneConfiguration.Invalid {
        Path file = conf.resolve(FILE_NAME);
        Optional<DnssecLookups.Settings> fromFile = Files.exists(file)
            ? Optional.of(DaneConfiguration.read(file, clock).settings()) : Optional.empty();
        if (fromFile.isEmpty() && resolver.isEmpty()) {
            return Optional.empty();
        }
        if (resolver.isEmpty() && trustAnchors.isEmpty()) {
            return fromFile;
        }
        InetSocketAddress address = resolver.isPresent() ? address(resolver.get(), "--resolver") : fromFile.get().resolver();
        DnssecLookups.Settings.Builder builder = DnssecLookups.Settings.builder(address).clock(clock);
        fromFile.ifPresent(settings -> builder.trustAnchors(settings.trustAnchors()).queryTimeout(settings.queryTimeout())
            .lookupDeadline(settings.lookupDeadline()).cacheSize(settings.cacheSize()).maxCacheTtl(settings.maxCacheTtl()));
        if (trustAnchors.isPresent()) {
            builder.trustAnchors(read(trustAnchors.get()));
        }
        return Optional.of(builder.build());
    }

    /** {@code --resolver}: {@code host:port}, {@code [v6]:port} or a host alone (port 53). */
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

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("--trust-anchors: cannot read trust anchors file " + file + ": " + e.getMessage(), e);
        }
    }
}
