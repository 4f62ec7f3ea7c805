package dev.tlsprovenance.outbound;

import dev.tlsprovenance.policy.Smarthost;

import java.util.Locale;
import java.util.Objects;

/** Where one delivery attempt connects: a host name, a port and whether TLS starts at once (SMTPS). */
public final class NextHop {
    public static final int SMTP_PORT = 25;
    public static final int SMTPS_PORT = 465;

    private final String host;
    private final int port;
    private final boolean implicitTls;

    private NextHop(String host, int port, boolean implicitTls) {
        this.host = Objects.requireNonNull(host).toLowerCase(Locale.ROOT);
        this.port = port;
        this.implicitTls = implicitTls;
    }

    public static NextHop of(String host, int port, boolean implicitTls) {
        return new NextHop(host, port, implicitTls);
    }

    public static NextHop of(Smarthost smarthost) {
        return new NextHop(smarthost.host(), smarthost.port(), smarthost.implicitTls());
    }

    /** An MX host from DNS: port 25, STARTTLS. */
    public static NextHop mx(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        return new NextHop(name, SMTP_PORT, false);
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

    /** "mx.example.test:25", as recorded in provenance. */
    @Override
    public String toString() {
        return host + ":" + port;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof NextHop)) {
            return false;
        }
        NextHop that = (NextHop) other;
        return host.equals(that.host) && port == that.port && implicitTls == that.implicitTls;
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, implicitTls);
    }
}
