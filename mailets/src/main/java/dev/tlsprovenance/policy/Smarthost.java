package dev.tlsprovenance.policy;

import java.util.Locale;
import java.util.Objects;

/**
 * A static next hop for a namespace: {@code [relay.example.test]:25}, {@code relay.example.test:587},
 * {@code relay.example.test} (port 25) or {@code smtps:relay.example.test} (implicit TLS, port 465).
 * Port 465 always means implicit TLS (RFC 8314). Brackets are accepted as in Postfix; a route is always
 * connected to by name, never resolved through MX records.
 */
public final class Smarthost {
    private static final int SMTP_PORT = 25;
    private static final int SMTPS_PORT = 465;
    private static final String SMTPS_PREFIX = "smtps:";

    private final String host;
    private final int port;
    private final boolean implicitTls;

    private Smarthost(String host, int port, boolean implicitTls) {
        this.host = host;
        this.port = port;
        this.implicitTls = implicitTls;
    }

    public static Smarthost of(String host, int port, boolean implicitTls) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 1-65535");
        }
        return new Smarthost(host.toLowerCase(Locale.ROOT), port, implicitTls || port == SMTPS_PORT);
    }

    /**
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static Smarthost parse(String text) {
        String rest = text == null ? "" : text.trim();
        boolean smtps = rest.regionMatches(true, 0, SMTPS_PREFIX, 0, SMTPS_PREFIX.length());
        if (smtps) {
            rest = rest.substring(SMTPS_PREFIX.length());
        }
        String host;
        String portText = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("route '" + text + "' has '[' without ']'");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                throw new IllegalArgumentException("route '" + text + "': unexpected '" + after + "' after ']'");
            }
        } else {
            int colon = rest.lastIndexOf(':');
            host = colon < 0 ? rest : rest.substring(0, colon);
            portText = colon < 0 ? null : rest.substring(colon + 1);
        }
        if (host.isEmpty() || host.contains(" ")) {
            throw new IllegalArgumentException("route '" + text + "' has no valid host");
        }
        int port = smtps ? SMTPS_PORT : SMTP_PORT;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("route '" + text + "' has a bad port '" + portText + "'");
            }
        }
        try {
            return of(host, port, smtps);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("route '" + text + "': " + e.getMessage());
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public boolean implicitTls() {
        return implicitTls;
    }

    /** {@code host:port}, the form recorded as next hop in provenance. */
    public String hostAndPort() {
        return host + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Smarthost)) {
            return false;
        }
        Smarthost other = (Smarthost) o;
        return host.equals(other.host) && port == other.port && implicitTls == other.implicitTls;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, implicitTls);
    }

    /** The form it is written in the policy file; {@code parse(toString())} gives an equal value. */
    @Override
    public String toString() {
        return (implicitTls && port != SMTPS_PORT ? SMTPS_PREFIX : "") + "[" + host + "]:" + port;
    }
}
