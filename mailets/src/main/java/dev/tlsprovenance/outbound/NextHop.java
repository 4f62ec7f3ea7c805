package dev.tlsprovenance.outbound;

import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.Smarthost;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one delivery attempt connects: a host name, a port and whether TLS starts at once (SMTPS). A hop decided by
 * DANE ({@link #underDane}) also carries the address to connect to (from the DNSSEC lookup, not a new system
 * lookup), the level enforced at that hop, and, when its TLSA records apply, the {@link DaneAuthentication}.
 */
public final class NextHop {
    public static final int SMTP_PORT = 25;
    public static final int SMTPS_PORT = 465;

    private final String host;
    private final int port;
    private final boolean implicitTls;
    private final Optional<String> address;
    private final Optional<OutboundLevel> level;
    private final Optional<DaneAuthentication> dane;
    private final Optional<StsAuthentication> sts;

    private NextHop(String host, int port, boolean implicitTls) {
        this(host, port, implicitTls, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private NextHop(String host, int port, boolean implicitTls, Optional<String> address, Optional<OutboundLevel> level,
                    Optional<DaneAuthentication> dane, Optional<StsAuthentication> sts) {
        this.host = Objects.requireNonNull(host).toLowerCase(Locale.ROOT);
        this.port = port;
        this.implicitTls = implicitTls;
        this.address = Objects.requireNonNull(address);
        this.level = Objects.requireNonNull(level);
        this.dane = Objects.requireNonNull(dane);
        this.sts = Objects.requireNonNull(sts);
    }

    /**
     * This hop as DANE decided it: connect to {@code address}, enforce {@code level} there ({@code may},
     * {@code encrypt}, or the row's {@code dane}/{@code dane-only} when {@code dane} is given: TLS required and the
     * chain judged by the TLSA records).
     */
    public NextHop underDane(String address, OutboundLevel level, Optional<DaneAuthentication> dane) {
        return new NextHop(host, port, implicitTls, Optional.of(address), Optional.of(level), dane, Optional.empty());
    }

    /**
     * This hop under a destination's MTA-STS policy (no DANE applied): connect to {@code address}, enforce
     * {@code level} there ({@code verify} for {@code enforce}, {@code may} for {@code testing}), and judge the
     * certificate by {@link StsAuthentication} (enforced or only recorded).
     */
    public NextHop underSts(String address, OutboundLevel level, StsAuthentication sts) {
        return new NextHop(host, port, implicitTls, Optional.of(address), Optional.of(level), Optional.empty(), Optional.of(sts));
    }

    /** The MTA-STS check of this hop, when a destination's policy ({@code enforce} or {@code testing}) applies. */
    public Optional<StsAuthentication> sts() {
        return sts;
    }

    /** The address to connect to: the DNSSEC lookup's, else the host name (resolved by the system). */
    public String connectAddress() {
        return address.orElse(host);
    }

    /** The level enforced at this hop when DANE decided it per host; empty: the row's. */
    public Optional<OutboundLevel> level() {
        return level;
    }

    /** The TLSA records that authenticate this hop; when present, TLS is required whatever the level says. */
    public Optional<DaneAuthentication> dane() {
        return dane;
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
        return host.equals(that.host) && port == that.port && implicitTls == that.implicitTls
            && address.equals(that.address) && level.equals(that.level) && dane.equals(that.dane) && sts.equals(that.sts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, implicitTls, address, level, dane, sts);
    }
}
