package dev.tlsprovenance.verify;

import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * One hop of a message's path as one Received line (or our provenance stamp) describes it: the connection
 * from {@link #fromHost()} to {@link #byHost()}, recorded by the by-host. Immutable; absent facts are empty
 * optionals, unknown bits are 0.
 */
public final class Hop {
    private final String raw;
    private final MtaFamily family;
    private final String fromHost;
    private final String fromAddress;
    private final String byHost;
    private final String byAddress;
    private final String withKeyword;
    private final OffsetDateTime time;
    private final TlsStatus tls;
    private final boolean applicable;
    private final String protocol;
    private final String protocolLabel;
    private final String cipher;
    private final String cipherIana;
    private final int bits;
    private final CertificateClaim clientCertificate;
    private final boolean weak;
    private final HopSource source;
    private final boolean trusted;

    private Hop(Builder b) {
        this.raw = b.raw == null ? "" : b.raw;
        this.family = b.family == null ? MtaFamily.OTHER : b.family;
        this.fromHost = b.fromHost;
        this.fromAddress = b.fromAddress;
        this.byHost = b.byHost;
        this.byAddress = b.byAddress;
        this.withKeyword = b.withKeyword;
        this.time = b.time;
        this.tls = b.tls == null ? TlsStatus.UNKNOWN : b.tls;
        this.applicable = b.applicable;
        this.protocol = b.protocol;
        this.protocolLabel = b.protocolLabel;
        this.cipher = b.cipher;
        this.cipherIana = b.cipherIana;
        this.bits = Math.max(0, b.bits);
        this.clientCertificate = b.clientCertificate == null ? CertificateClaim.UNKNOWN : b.clientCertificate;
        this.weak = b.weak;
        this.source = b.source == null ? HopSource.RECEIVED : b.source;
        this.trusted = b.trusted;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.raw = raw;
        b.family = family;
        b.fromHost = fromHost;
        b.fromAddress = fromAddress;
        b.byHost = byHost;
        b.byAddress = byAddress;
        b.withKeyword = withKeyword;
        b.time = time;
        b.tls = tls;
        b.applicable = applicable;
        b.protocol = protocol;
        b.protocolLabel = protocolLabel;
        b.cipher = cipher;
        b.cipherIana = cipherIana;
        b.bits = bits;
        b.clientCertificate = clientCertificate;
        b.weak = weak;
        b.source = source;
        b.trusted = trusted;
        return b;
    }

    /** The unfolded header value this hop was read from (empty for a hop known only from our stamp). */
    public String raw() {
        return raw;
    }

    public MtaFamily family() {
        return family;
    }

    public Optional<String> fromHost() {
        return Optional.ofNullable(fromHost);
    }

    public Optional<String> fromAddress() {
        return Optional.ofNullable(fromAddress);
    }

    public Optional<String> byHost() {
        return Optional.ofNullable(byHost);
    }

    public Optional<String> byAddress() {
        return Optional.ofNullable(byAddress);
    }

    /** The {@code with} keyword as written: {@code ESMTPS}, {@code esmtpsa}, {@code Microsoft SMTP Server}, {@code mapi}. */
    public Optional<String> withKeyword() {
        return Optional.ofNullable(withKeyword);
    }

    public Optional<OffsetDateTime> time() {
        return Optional.ofNullable(time);
    }

    public TlsStatus tls() {
        return tls;
    }

    /**
     * False for hops that never crossed a network as SMTP (web or MAPI submission, mailbox fetches, local pickup)
     * and for hand-overs inside one host (loopback or a local socket with the same host named on both sides, e.g. a
     * content filter re-injecting). Two differently named MTAs talking over loopback are applicable. Such hops are
     * shown but never decide a verdict.
     */
    public boolean applicable() {
        return applicable;
    }

    /** {@code TLSv1.0}..{@code TLSv1.3}, {@code SSLv3}; empty when not stated or not a single version. */
    public Optional<String> protocol() {
        return Optional.ofNullable(protocol);
    }

    /** The protocol as the record wrote it, e.g. {@code TLS1_2}. */
    public Optional<String> protocolLabel() {
        return Optional.ofNullable(protocolLabel);
    }

    /** The cipher suite as the record wrote it, e.g. {@code ECDHE-RSA-AES256-GCM-SHA384}. */
    public Optional<String> cipher() {
        return Optional.ofNullable(cipher);
    }

    public Optional<String> cipherIana() {
        return Optional.ofNullable(cipherIana);
    }

    public int bits() {
        return bits;
    }

    public CertificateClaim clientCertificate() {
        return clientCertificate;
    }

    public boolean weak() {
        return weak;
    }

    public HopSource source() {
        return source;
    }

    /** Inside the trust boundary: recorded by a host we trust, so its claims count towards the verdict. */
    public boolean trusted() {
        return trusted;
    }

    public Hop withTrusted(boolean trusted) {
        return toBuilder().trusted(trusted).build();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Hop)) {
            return false;
        }
        Hop h = (Hop) o;
        return applicable == h.applicable && bits == h.bits && weak == h.weak && trusted == h.trusted
            && raw.equals(h.raw) && family == h.family && Objects.equals(fromHost, h.fromHost)
            && Objects.equals(fromAddress, h.fromAddress) && Objects.equals(byHost, h.byHost)
            && Objects.equals(byAddress, h.byAddress) && Objects.equals(withKeyword, h.withKeyword)
            && Objects.equals(time, h.time) && tls == h.tls && Objects.equals(protocol, h.protocol)
            && Objects.equals(protocolLabel, h.protocolLabel) && Objects.equals(cipher, h.cipher)
            && Objects.equals(cipherIana, h.cipherIana) && clientCertificate == h.clientCertificate && source == h.source;
    }

    @Override
    public int hashCode() {
        return Objects.hash(raw, byHost, time, tls, source, trusted);
    }

    @Override
    public String toString() {
        return "Hop{from=" + fromHost + " [" + fromAddress + "], by=" + byHost + ", with=" + withKeyword
            + ", family=" + family.token() + ", tls=" + tls.token() + (applicable ? "" : " (n/a)")
            + ", protocol=" + protocol + ", cipher=" + cipher + ", iana=" + cipherIana + ", bits=" + bits
            + ", clientCert=" + clientCertificate.token() + (weak ? ", weak" : "") + ", time=" + time
            + ", source=" + source.token() + ", trusted=" + trusted + "}";
    }

    public static final class Builder {
        private String raw;
        private MtaFamily family;
        private String fromHost;
        private String fromAddress;
        private String byHost;
        private String byAddress;
        private String withKeyword;
        private OffsetDateTime time;
        private TlsStatus tls;
        private boolean applicable = true;
        private String protocol;
        private String protocolLabel;
        private String cipher;
        private String cipherIana;
        private int bits;
        private CertificateClaim clientCertificate;
        private boolean weak;
        private HopSource source;
        private boolean trusted = true;

        private Builder() {
        }

        public Builder raw(String raw) {
            this.raw = raw;
            return this;
        }

        public Builder family(MtaFamily family) {
            this.family = family;
            return this;
        }

        public Builder fromHost(String fromHost) {
            this.fromHost = fromHost;
            return this;
        }

        public Builder fromAddress(String fromAddress) {
            this.fromAddress = fromAddress;
            return this;
        }

        public Builder byHost(String byHost) {
            this.byHost = byHost;
            return this;
        }

        public Builder byAddress(String byAddress) {
            this.byAddress = byAddress;
            return this;
        }

        public Builder withKeyword(String withKeyword) {
            this.withKeyword = withKeyword;
            return this;
        }

        public Builder time(OffsetDateTime time) {
            this.time = time;
            return this;
        }

        public Builder tls(TlsStatus tls) {
            this.tls = tls;
            return this;
        }

        public Builder applicable(boolean applicable) {
            this.applicable = applicable;
            return this;
        }

        public Builder protocol(String protocol) {
            this.protocol = protocol;
            return this;
        }

        public Builder protocolLabel(String protocolLabel) {
            this.protocolLabel = protocolLabel;
            return this;
        }

        public Builder cipher(String cipher) {
            this.cipher = cipher;
            return this;
        }

        public Builder cipherIana(String cipherIana) {
            this.cipherIana = cipherIana;
            return this;
        }

        public Builder bits(int bits) {
            this.bits = bits;
            return this;
        }

        public Builder clientCertificate(CertificateClaim clientCertificate) {
            this.clientCertificate = clientCertificate;
            return this;
        }

        public Builder weak(boolean weak) {
            this.weak = weak;
            return this;
        }

        public Builder source(HopSource source) {
            this.source = source;
            return this;
        }

        public Builder trusted(boolean trusted) {
            this.trusted = trusted;
            return this;
        }

        public Hop build() {
            return new Hop(this);
        }
    }
}
