package dev.tlsprovenance.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How mail to a namespace must be delivered: level, certificate expectations (names, pins, private CA, revocation
 * lists), protocol floor, identity, routes.
 */
public final class OutboundPolicy {
    public static final String DEFAULT_MIN_PROTOCOL = "TLSv1.2";
    private static final OutboundPolicy OPPORTUNISTIC = builder().build();

    private final OutboundLevel level;
    private final List<String> matchNames;
    private final Set<String> pinsSha256;
    private final Optional<Path> trustAnchors;
    private final Optional<Path> revocationLists;
    private final String minProtocol;
    private final Optional<ClientIdentity> clientIdentity;
    private final List<Smarthost> routes;

    private OutboundPolicy(Builder builder) {
        this.level = builder.level;
        this.matchNames = List.copyOf(builder.matchNames);
        this.pinsSha256 = Set.copyOf(builder.pinsSha256);
        this.trustAnchors = builder.trustAnchors;
        this.revocationLists = builder.revocationLists;
        this.minProtocol = builder.minProtocol;
        this.clientIdentity = builder.clientIdentity;
        this.routes = List.copyOf(builder.routes);
    }

    /** {@code may} with nothing else: the built-in policy when no row matches and no default row exists. */
    public static OutboundPolicy opportunistic() {
        return OPPORTUNISTIC;
    }

    public static Builder builder() {
        return new Builder();
    }

    public OutboundLevel level() {
        return level;
    }

    /** Names the peer certificate must match (for {@code secure}/{@code verify}); empty = the next-hop name. */
    public List<String> matchNames() {
        return matchNames;
    }

    /** SHA-256 (64 lowercase hex) of the certificate DER or of its SubjectPublicKeyInfo DER; either matches. */
    public Set<String> pinsSha256() {
        return pinsSha256;
    }

    /** A private CA bundle (PEM) to verify the peer against instead of the JVM's trust store. */
    public Optional<Path> trustAnchors() {
        return trustAnchors;
    }

    /**
     * A PEM file of X.509 CRLs ({@code crl=}, for {@code verify}/{@code secure}): the peer's certificate must be
     * covered by one of them and not listed; without it revocation is not checked.
     */
    public Optional<Path> revocationLists() {
        return revocationLists;
    }

    /** Lowest TLS protocol accepted, a JSSE name such as {@code TLSv1.2}. */
    public String minProtocol() {
        return minProtocol;
    }

    public Optional<ClientIdentity> clientIdentity() {
        return clientIdentity;
    }

    /** Static next hops tried in order instead of the MX records; empty = MX lookup. */
    public List<Smarthost> routes() {
        return routes;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OutboundPolicy)) {
            return false;
        }
        OutboundPolicy other = (OutboundPolicy) o;
        return level == other.level && matchNames.equals(other.matchNames) && pinsSha256.equals(other.pinsSha256)
                && trustAnchors.equals(other.trustAnchors) && revocationLists.equals(other.revocationLists)
                && minProtocol.equals(other.minProtocol)
                && clientIdentity.equals(other.clientIdentity) && routes.equals(other.routes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(level, matchNames, pinsSha256, trustAnchors, revocationLists, minProtocol, clientIdentity, routes);
    }

    @Override
    public String toString() {
        return "OutboundPolicy{level=" + level.token() + ", match=" + matchNames + ", pins=" + pinsSha256.size()
                + ", ca=" + trustAnchors.map(Path::toString).orElse("-")
                + ", crl=" + revocationLists.map(Path::toString).orElse("-") + ", minProtocol=" + minProtocol
                + ", clientIdentity=" + clientIdentity.map(ClientIdentity::toString).orElse("-") + ", routes=" + routes + "}";
    }

    public static final class Builder {
        private OutboundLevel level = OutboundLevel.MAY;
        private final List<String> matchNames = new ArrayList<>();
        private final Set<String> pinsSha256 = new LinkedHashSet<>();
        private Optional<Path> trustAnchors = Optional.empty();
        private Optional<Path> revocationLists = Optional.empty();
        private String minProtocol = DEFAULT_MIN_PROTOCOL;
        private Optional<ClientIdentity> clientIdentity = Optional.empty();
        private final List<Smarthost> routes = new ArrayList<>();

        private Builder() {
        }

        public Builder level(OutboundLevel level) {
            this.level = Objects.requireNonNull(level);
            return this;
        }

        public Builder matchNames(Collection<String> names) {
            matchNames.addAll(names);
            return this;
        }

        public Builder pinsSha256(Collection<String> pins) {
            pinsSha256.addAll(pins);
            return this;
        }

        public Builder trustAnchors(Path pemBundle) {
            this.trustAnchors = Optional.of(pemBundle);
            return this;
        }

        public Builder revocationLists(Path pemCrlFile) {
            this.revocationLists = Optional.of(pemCrlFile);
            return this;
        }

        public Builder minProtocol(String protocol) {
            this.minProtocol = Objects.requireNonNull(protocol);
            return this;
        }

        public Builder clientIdentity(ClientIdentity identity) {
            this.clientIdentity = Optional.of(identity);
            return this;
        }

        public Builder routes(Collection<Smarthost> hops) {
            routes.addAll(hops);
            return this;
        }

        public OutboundPolicy build() {
            return new OutboundPolicy(this);
        }
    }
}
