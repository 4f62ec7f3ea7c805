package dev.tlsprovenance.policy;

import java.util.Objects;

/** One row of the TLS policy table: a namespace and what it demands inbound and outbound. */
public final class NamespacePolicy {
    /** The namespace written for the default row. */
    public static final String DEFAULT_NAMESPACE = "*";
    private static final NamespacePolicy BUILT_IN_DEFAULT = builder(DEFAULT_NAMESPACE, "built-in default").build();

    private final String namespace;
    private final InboundRule inbound;
    private final ClientCertificateConstraints clientCertificate;
    private final boolean requireTlsFromSenders;
    private final CleartextReply cleartextReply;
    private final OutboundPolicy outbound;
    private final String source;

    private NamespacePolicy(Builder builder) {
        this.namespace = builder.namespace;
        this.inbound = builder.inbound;
        this.clientCertificate = builder.clientCertificate;
        this.requireTlsFromSenders = builder.requireTlsFromSenders == null
                ? builder.inbound.requiresTls() : builder.requireTlsFromSenders;
        this.cleartextReply = builder.cleartextReply;
        this.outbound = builder.outbound;
        this.source = builder.source;
    }

    /** inbound {@code none}, outbound {@code may}: what applies when the file has no default row. */
    public static NamespacePolicy builtInDefault() {
        return BUILT_IN_DEFAULT;
    }

    /**
     * @param namespace canonical namespace: {@code example.com} (exact), {@code .example.com} (all
     *                  subdomains) or {@code *} (default)
     * @param source    where the row was written, {@code file:line}
     */
    public static Builder builder(String namespace, String source) {
        return new Builder(namespace, source);
    }

    /** Canonical namespace: {@code example.com}, {@code .example.com} or {@code *}. */
    public String namespace() {
        return namespace;
    }

    public boolean isDefault() {
        return DEFAULT_NAMESPACE.equals(namespace);
    }

    /** Rule for mail addressed to recipients in this namespace. */
    public InboundRule inbound() {
        return inbound;
    }

    public ClientCertificateConstraints clientCertificate() {
        return clientCertificate;
    }

    /** Whether mail whose MAIL FROM is in this namespace must arrive over TLS (defaults to the inbound rule). */
    public boolean requireTlsFromSenders() {
        return requireTlsFromSenders;
    }

    /** How a cleartext session is refused when this row demands TLS: temporary (450) or permanent (530). */
    public CleartextReply cleartextReply() {
        return cleartextReply;
    }

    public OutboundPolicy outbound() {
        return outbound;
    }

    /** Where the row was written, {@code tls-policy.conf:12}, for log lines and diagnostics. */
    public String source() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NamespacePolicy)) {
            return false;
        }
        NamespacePolicy other = (NamespacePolicy) o;
        return namespace.equals(other.namespace) && inbound == other.inbound
                && clientCertificate.equals(other.clientCertificate)
                && requireTlsFromSenders == other.requireTlsFromSenders && cleartextReply == other.cleartextReply
                && outbound.equals(other.outbound)
                && source.equals(other.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, inbound, clientCertificate, requireTlsFromSenders, cleartextReply, outbound, source);
    }

    @Override
    public String toString() {
        return "NamespacePolicy{" + namespace + " @" + source + ", inbound=" + inbound.token()
                + ", fromSenders=" + requireTlsFromSenders + ", cleartextReply=" + cleartextReply.token()
                + ", clientCertificate=" + clientCertificate
                + ", outbound=" + outbound + "}";
    }

    public static final class Builder {
        private final String namespace;
        private final String source;
        private InboundRule inbound = InboundRule.NONE;
        private ClientCertificateConstraints clientCertificate = ClientCertificateConstraints.none();
        private Boolean requireTlsFromSenders;
        private CleartextReply cleartextReply = CleartextReply.builtInDefault();
        private OutboundPolicy outbound = OutboundPolicy.opportunistic();

        private Builder(String namespace, String source) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            this.source = Objects.requireNonNull(source, "source");
        }

        public Builder inbound(InboundRule rule) {
            this.inbound = Objects.requireNonNull(rule);
            return this;
        }

        public Builder clientCertificate(ClientCertificateConstraints constraints) {
            this.clientCertificate = Objects.requireNonNull(constraints);
            return this;
        }

        public Builder requireTlsFromSenders(boolean required) {
            this.requireTlsFromSenders = required;
            return this;
        }

        public Builder cleartextReply(CleartextReply reply) {
            this.cleartextReply = Objects.requireNonNull(reply);
            return this;
        }

        public Builder outbound(OutboundPolicy policy) {
            this.outbound = Objects.requireNonNull(policy);
            return this;
        }

        public NamespacePolicy build() {
            return new NamespacePolicy(this);
        }
    }
}
