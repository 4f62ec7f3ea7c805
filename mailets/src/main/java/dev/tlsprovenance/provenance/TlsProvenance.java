package dev.tlsprovenance.provenance;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How one SMTP hop was protected: the record that travels with a received mail and that is
 * kept for every outbound delivery attempt.
 *
 * <p>{@link #toFields()} is the single schema behind every rendering (mail attribute, header,
 * ledger line), so the renderings cannot drift apart. Absent values and {@code false} flags are
 * left out of the fields; {@link #fromFields(Map)} ignores names it does not know, so a newer
 * writer's records stay readable.
 */
public final class TlsProvenance {
    /** Field names, in the order they are rendered. */
    public static final class Fields {
        public static final String DIRECTION = "dir";
        public static final String TRANSPORT = "transport";
        public static final String PROTOCOL = "protocol";
        public static final String CIPHER = "cipher";
        public static final String BITS = "bits";
        public static final String LOCAL_HOST = "by";
        public static final String REMOTE_ADDRESS = "addr";
        public static final String REMOTE_HOST = "host";
        public static final String HELO = "helo";
        public static final String AUTHENTICATED = "auth";
        public static final String REQUIRE_TLS = "requiretls";
        public static final String PEER_VERIFICATION = "verify";
        public static final String VERIFICATION_TRUST = "trust";
        public static final String VERIFICATION_REASON = "reason";
        public static final String PEER_SUBJECT = "peer-subject";
        public static final String PEER_ISSUER = "peer-issuer";
        public static final String PEER_SANS = "peer-san";
        public static final String PEER_SERIAL = "peer-serial";
        public static final String PEER_SHA256 = "peer-sha256";
        public static final String PEER_NOT_BEFORE = "peer-not-before";
        public static final String PEER_NOT_AFTER = "peer-not-after";
        public static final String RECIPIENT_DOMAIN = "domain";
        public static final String NEXT_HOP = "next-hop";
        public static final String POLICY_LEVEL = "level";
        public static final String FELL_BACK = "fallback";
        public static final String OUTCOME = "outcome";
        public static final String ATTEMPT = "attempt";
        public static final String SESSION = "session";
        public static final String TIME = "time";

        public static final List<String> ALL = List.of(DIRECTION, TRANSPORT, PROTOCOL, CIPHER, BITS, LOCAL_HOST,
            REMOTE_ADDRESS, REMOTE_HOST, HELO, AUTHENTICATED, REQUIRE_TLS, PEER_VERIFICATION, VERIFICATION_TRUST,
            VERIFICATION_REASON, PEER_SUBJECT, PEER_ISSUER, PEER_SANS, PEER_SERIAL, PEER_SHA256, PEER_NOT_BEFORE,
            PEER_NOT_AFTER, RECIPIENT_DOMAIN, NEXT_HOP, POLICY_LEVEL, FELL_BACK, OUTCOME, ATTEMPT, SESSION, TIME);

        private Fields() {
        }
    }

    private static final String YES = "yes";

    private final Direction direction;
    private final Transport transport;
    private final Optional<String> protocol;
    private final Optional<String> cipherSuite;
    private final int cipherBits;
    private final Optional<CertificateSummary> peerCertificate;
    private final CertificateVerification peerVerification;
    private final String localHost;
    private final String remoteAddress;
    private final Optional<String> remoteHost;
    private final Optional<String> heloName;
    private final boolean authenticated;
    private final boolean requireTls;
    private final Optional<String> recipientDomain;
    private final Optional<String> nextHop;
    private final Optional<String> policyLevel;
    private final boolean fellBackToCleartext;
    private final Optional<String> outcome;
    private final int attempt;
    private final Optional<String> sessionId;
    private final Instant time;

    private TlsProvenance(Builder builder) {
        this.direction = builder.direction;
        this.transport = Objects.requireNonNull(builder.transport, "transport");
        this.protocol = nonBlank(builder.protocol);
        this.cipherSuite = nonBlank(builder.cipherSuite);
        this.cipherBits = builder.cipherBits >= 0 ? builder.cipherBits : cipherSuite.map(CipherSuites::strengthBits).orElse(0);
        this.peerCertificate = Optional.ofNullable(builder.peerCertificate);
        this.peerVerification = builder.peerVerification != null ? builder.peerVerification
            : peerCertificate.isPresent() ? CertificateVerification.notChecked() : CertificateVerification.notPresented();
        this.localHost = Objects.requireNonNull(builder.localHost, "localHost");
        this.remoteAddress = Objects.requireNonNull(builder.remoteAddress, "remoteAddress");
        this.remoteHost = nonBlank(builder.remoteHost);
        this.heloName = nonBlank(builder.heloName);
        this.authenticated = builder.authenticated;
        this.requireTls = builder.requireTls;
        this.recipientDomain = nonBlank(builder.recipientDomain);
        this.nextHop = nonBlank(builder.nextHop);
        this.policyLevel = nonBlank(builder.policyLevel);
        this.fellBackToCleartext = builder.fellBackToCleartext;
        this.outcome = nonBlank(builder.outcome);
        this.attempt = builder.attempt;
        this.sessionId = nonBlank(builder.sessionId);
        this.time = Objects.requireNonNull(builder.time, "time");
        if (!transport.isEncrypted() && transport.carriedMail() && (protocol.isPresent() || cipherSuite.isPresent())) {
            throw new IllegalArgumentException("a cleartext hop has no TLS protocol or cipher");
        }
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    public static Builder builder(Direction direction) {
        return new Builder(direction);
    }

    public Builder toBuilder() {
        Builder builder = new Builder(direction)
            .transport(transport)
            .peerVerification(peerVerification)
            .localHost(localHost)
            .remoteAddress(remoteAddress)
            .authenticated(authenticated)
            .requireTls(requireTls)
            .fellBackToCleartext(fellBackToCleartext)
            .attempt(attempt)
            .time(time);
        protocol.ifPresent(builder::protocol);
        cipherSuite.ifPresent(builder::cipherSuite);
        // Derived bits stay derived, so a copy with another cipher gets that cipher's strength.
        if (cipherBits != cipherSuite.map(CipherSuites::strengthBits).orElse(0)) {
            builder.cipherBits(cipherBits);
        }
        peerCertificate.ifPresent(builder::peerCertificate);
        remoteHost.ifPresent(builder::remoteHost);
        heloName.ifPresent(builder::heloName);
        recipientDomain.ifPresent(builder::recipientDomain);
        nextHop.ifPresent(builder::nextHop);
        policyLevel.ifPresent(builder::policyLevel);
        outcome.ifPresent(builder::outcome);
        sessionId.ifPresent(builder::sessionId);
        return builder;
    }

    public Direction direction() {
        return direction;
    }

    public Transport transport() {
        return transport;
    }

    public boolean isEncrypted() {
        return transport.isEncrypted();
    }

    /** The negotiated protocol as JSSE names it, e.g. {@code TLSv1.3}. */
    public Optional<String> protocol() {
        return protocol;
    }

    /** The negotiated cipher suite, IANA/JSSE name. */
    public Optional<String> cipherSuite() {
        return cipherSuite;
    }

    /** Bits of the bulk cipher; 0 when unknown or cleartext. */
    public int cipherBits() {
        return cipherBits;
    }

    /** The certificate the peer presented: the client's on inbound hops, the server's on outbound ones. */
    public Optional<CertificateSummary> peerCertificate() {
        return peerCertificate;
    }

    public CertificateVerification peerVerification() {
        return peerVerification;
    }

    /** The host that received (inbound) or sent (outbound) on this hop: this server. */
    public String localHost() {
        return localHost;
    }

    /** The peer's IP address (literal, no brackets). */
    public String remoteAddress() {
        return remoteAddress;
    }

    /** The peer's host name: reverse DNS inbound, the next-hop name outbound. */
    public Optional<String> remoteHost() {
        return remoteHost;
    }

    /** The name the client gave in HELO/EHLO (inbound) or the one we gave (outbound). */
    public Optional<String> heloName() {
        return heloName;
    }

    public boolean authenticated() {
        return authenticated;
    }

    /** RFC 8689 REQUIRETLS was requested for the message on this hop. */
    public boolean requireTls() {
        return requireTls;
    }

    public Optional<String> recipientDomain() {
        return recipientDomain;
    }

    /** {@code host:port} the delivery went to (outbound). */
    public Optional<String> nextHop() {
        return nextHop;
    }

    /** The policy level that governed the hop, e.g. {@code verify}. */
    public Optional<String> policyLevel() {
        return policyLevel;
    }

    /** Opportunistic delivery found no usable TLS and went on in cleartext. */
    public boolean fellBackToCleartext() {
        return fellBackToCleartext;
    }

    /** The SMTP result or failure reason of the hop (outbound). */
    public Optional<String> outcome() {
        return outcome;
    }

    /** Delivery attempt number, from 1; 0 for inbound hops. */
    public int attempt() {
        return attempt;
    }

    public Optional<String> sessionId() {
        return sessionId;
    }

    public Instant time() {
        return time;
    }

    /** The record as ordered name/value pairs; see {@link Fields}. */
    public Map<String, String> toFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(Fields.DIRECTION, direction.token());
        fields.put(Fields.TRANSPORT, transport.token());
        protocol.ifPresent(value -> fields.put(Fields.PROTOCOL, value));
        cipherSuite.ifPresent(value -> fields.put(Fields.CIPHER, value));
        if (cipherBits > 0) {
            fields.put(Fields.BITS, Integer.toString(cipherBits));
        }
        fields.put(Fields.LOCAL_HOST, localHost);
        fields.put(Fields.REMOTE_ADDRESS, remoteAddress);
        remoteHost.ifPresent(value -> fields.put(Fields.REMOTE_HOST, value));
        heloName.ifPresent(value -> fields.put(Fields.HELO, value));
        if (authenticated) {
            fields.put(Fields.AUTHENTICATED, YES);
        }
        if (requireTls) {
            fields.put(Fields.REQUIRE_TLS, YES);
        }
        fields.put(Fields.PEER_VERIFICATION, peerVerification.status().token());
        if (!peerVerification.trust().isEmpty()) {
            fields.put(Fields.VERIFICATION_TRUST, peerVerification.trust());
        }
        if (!peerVerification.reason().isEmpty()) {
            fields.put(Fields.VERIFICATION_REASON, peerVerification.reason());
        }
        peerCertificate.ifPresent(certificate -> {
            fields.put(Fields.PEER_SUBJECT, certificate.subject());
            fields.put(Fields.PEER_ISSUER, certificate.issuer());
            if (!certificate.subjectAltNames().isEmpty()) {
                fields.put(Fields.PEER_SANS, String.join(",", certificate.subjectAltNames()));
            }
            fields.put(Fields.PEER_SERIAL, certificate.serialNumberHex());
            fields.put(Fields.PEER_SHA256, certificate.sha256Fingerprint());
            fields.put(Fields.PEER_NOT_BEFORE, certificate.notBefore().toString());
            fields.put(Fields.PEER_NOT_AFTER, certificate.notAfter().toString());
        });
        recipientDomain.ifPresent(value -> fields.put(Fields.RECIPIENT_DOMAIN, value));
        nextHop.ifPresent(value -> fields.put(Fields.NEXT_HOP, value));
        policyLevel.ifPresent(value -> fields.put(Fields.POLICY_LEVEL, value));
        if (fellBackToCleartext) {
            fields.put(Fields.FELL_BACK, YES);
        }
        outcome.ifPresent(value -> fields.put(Fields.OUTCOME, value));
        if (attempt > 0) {
            fields.put(Fields.ATTEMPT, Integer.toString(attempt));
        }
        sessionId.ifPresent(value -> fields.put(Fields.SESSION, value));
        fields.put(Fields.TIME, time.toString());
        return fields;
    }

    /**
     * Reads a record back from {@link #toFields()} output.
     *
     * @throws MalformedProvenanceException naming the field when a required one is missing or a value is invalid
     */
    public static TlsProvenance fromFields(Map<String, String> fields) throws MalformedProvenanceException {
        FieldReader reader = new FieldReader(fields);
        try {
            Transport transport = Transport.fromToken(reader.required(Fields.TRANSPORT));
            Builder builder = builder(Direction.fromToken(reader.required(Fields.DIRECTION)))
                .transport(transport)
                .localHost(reader.required(Fields.LOCAL_HOST))
                // an attempt that reached no hop (DNS failure, no next hop) has no peer address
                .remoteAddress(transport == Transport.NONE ? reader.optional(Fields.REMOTE_ADDRESS).orElse("")
                    : reader.required(Fields.REMOTE_ADDRESS))
                .time(reader.instant(Fields.TIME))
                .authenticated(reader.flag(Fields.AUTHENTICATED))
                .requireTls(reader.flag(Fields.REQUIRE_TLS))
                .fellBackToCleartext(reader.flag(Fields.FELL_BACK))
                .cipherBits(reader.number(Fields.BITS))
                .attempt(reader.number(Fields.ATTEMPT));
            reader.optional(Fields.PROTOCOL).ifPresent(builder::protocol);
            reader.optional(Fields.CIPHER).ifPresent(builder::cipherSuite);
            reader.optional(Fields.REMOTE_HOST).ifPresent(builder::remoteHost);
            reader.optional(Fields.HELO).ifPresent(builder::heloName);
            reader.optional(Fields.RECIPIENT_DOMAIN).ifPresent(builder::recipientDomain);
            reader.optional(Fields.NEXT_HOP).ifPresent(builder::nextHop);
            reader.optional(Fields.POLICY_LEVEL).ifPresent(builder::policyLevel);
            reader.optional(Fields.OUTCOME).ifPresent(builder::outcome);
            reader.optional(Fields.SESSION).ifPresent(builder::sessionId);
            if (reader.optional(Fields.PEER_SHA256).isPresent()) {
                builder.peerCertificate(new CertificateSummary(
                    reader.required(Fields.PEER_SUBJECT),
                    reader.required(Fields.PEER_ISSUER),
                    reader.optional(Fields.PEER_SANS).map(sans -> Arrays.asList(sans.split(","))).orElse(List.of()),
                    reader.required(Fields.PEER_SERIAL),
                    reader.required(Fields.PEER_SHA256),
                    reader.instant(Fields.PEER_NOT_BEFORE),
                    reader.instant(Fields.PEER_NOT_AFTER)));
            }
            VerificationStatus status = VerificationStatus.fromToken(reader.required(Fields.PEER_VERIFICATION));
            builder.peerVerification(CertificateVerification.of(status,
                reader.optional(Fields.VERIFICATION_TRUST).orElse(""),
                reader.optional(Fields.VERIFICATION_REASON).orElse("")));
            return builder.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new MalformedProvenanceException(e.getMessage(), e);
        }
    }

    private static final class FieldReader {
        private final Map<String, String> fields;

        FieldReader(Map<String, String> fields) {
            this.fields = fields;
        }

        String required(String name) {
            String value = fields.get(name);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("missing field '" + name + "'");
            }
            return value;
        }

        Optional<String> optional(String name) {
            return nonBlank(fields.get(name));
        }

        boolean flag(String name) {
            return YES.equalsIgnoreCase(fields.get(name));
        }

        int number(String name) {
            String value = fields.get(name);
            if (value == null) {
                return 0;
            }
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("field '" + name + "' is not a number: '" + value + "'", e);
            }
        }

        Instant instant(String name) {
            String value = required(name);
            try {
                return InstantText.parse(value);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("field '" + name + "' is not an ISO-8601 instant: '" + value + "'", e);
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TlsProvenance && toFields().equals(((TlsProvenance) other).toFields());
    }

    @Override
    public int hashCode() {
        return toFields().hashCode();
    }

    @Override
    public String toString() {
        return "TlsProvenance" + toFields();
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private final Direction direction;
        private Transport transport = Transport.CLEARTEXT;
        private String protocol;
        private String cipherSuite;
        private int cipherBits = -1;
        private CertificateSummary peerCertificate;
        private CertificateVerification peerVerification;
        private String localHost;
        private String remoteAddress;
        private String remoteHost;
        private String heloName;
        private boolean authenticated;
        private boolean requireTls;
        private String recipientDomain;
        private String nextHop;
        private String policyLevel;
        private boolean fellBackToCleartext;
        private String outcome;
        private int attempt;
        private String sessionId;
        private Instant time;

        private Builder(Direction direction) {
            this.direction = Objects.requireNonNull(direction, "direction");
        }

        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        public Builder protocol(String protocol) {
            this.protocol = protocol;
            return this;
        }

        /** Also sets {@link #cipherBits(int)} from the name unless bits are given explicitly. */
        public Builder cipherSuite(String cipherSuite) {
            this.cipherSuite = cipherSuite;
            return this;
        }

        public Builder cipherBits(int cipherBits) {
            this.cipherBits = cipherBits;
            return this;
        }

        public Builder peerCertificate(CertificateSummary peerCertificate) {
            this.peerCertificate = peerCertificate;
            return this;
        }

        public Builder peerVerification(CertificateVerification peerVerification) {
            this.peerVerification = peerVerification;
            return this;
        }

        public Builder localHost(String localHost) {
            this.localHost = localHost;
            return this;
        }

        public Builder remoteAddress(String remoteAddress) {
            this.remoteAddress = remoteAddress;
            return this;
        }

        public Builder remoteHost(String remoteHost) {
            this.remoteHost = remoteHost;
            return this;
        }

        public Builder heloName(String heloName) {
            this.heloName = heloName;
            return this;
        }

        public Builder authenticated(boolean authenticated) {
            this.authenticated = authenticated;
            return this;
        }

        public Builder requireTls(boolean requireTls) {
            this.requireTls = requireTls;
            return this;
        }

        public Builder recipientDomain(String recipientDomain) {
            this.recipientDomain = recipientDomain;
            return this;
        }

        public Builder nextHop(String nextHop) {
            this.nextHop = nextHop;
            return this;
        }

        public Builder policyLevel(String policyLevel) {
            this.policyLevel = policyLevel;
            return this;
        }

        public Builder fellBackToCleartext(boolean fellBackToCleartext) {
            this.fellBackToCleartext = fellBackToCleartext;
            return this;
        }

        public Builder outcome(String outcome) {
            this.outcome = outcome;
            return this;
        }

        public Builder attempt(int attempt) {
            this.attempt = attempt;
            return this;
        }

        public Builder sessionId(String sessionId) {
            this.sessionId = sessionId;
            return this;
        }

        public Builder time(Instant time) {
            this.time = time;
            return this;
        }

        public TlsProvenance build() {
            return new TlsProvenance(this);
        }
    }
}
