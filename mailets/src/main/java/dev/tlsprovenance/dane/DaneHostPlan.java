package dev.tlsprovenance.dane;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * What RFC 7672 section 2.2 makes of one candidate host (an MX host, the domain itself, or a route host): whether
 * and how it may be tried, with the DNSSEC facts that decided it. Immutable.
 */
public final class DaneHostPlan {
    /** The host of a null MX (RFC 7505: {@code MX 0 .}), which names no host. */
    public static final String NULL_MX_HOST = ".";

    /** How a host is tried. */
    public enum Mode {
        /** Secure usable TLSA records: STARTTLS required and the chain must satisfy them (no cleartext). */
        AUTHENTICATED,
        /** A secure TLSA RRset without a usable record: STARTTLS required, certificate not authenticated. */
        ENCRYPT,
        /** No secure TLSA records (secure denial, or insecure DNS): opportunistic, as level {@code may}. */
        MAY,
        /** {@code dane-only} and no secure TLSA records: not tried ({@code dane-required}). */
        REFUSED,
        /** A bogus or indeterminate answer for its addresses or TLSA records: not tried ({@code dnssec-invalid}). */
        DNSSEC_FAILED,
        /** The host has no address record: not tried. */
        NO_ADDRESS;

        /** Whether the host is connected to at all. */
        public boolean isTried() {
            return this == AUTHENTICATED || this == ENCRYPT || this == MAY;
        }
    }

    private final String host;
    private final int port;
    private final List<InetAddress> addresses;
    private final Mode mode;
    private final DnssecStatus dnssec;
    private final TlsaRecordSet tlsa;
    private final List<String> referenceNames;
    private final String reason;

    DaneHostPlan(String host, int port, List<InetAddress> addresses, Mode mode, DnssecStatus dnssec,
                 TlsaRecordSet tlsa, List<String> referenceNames, String reason) {
        this.host = Objects.requireNonNull(host);
        this.port = port;
        this.addresses = List.copyOf(addresses);
        this.mode = Objects.requireNonNull(mode);
        this.dnssec = Objects.requireNonNull(dnssec);
        this.tlsa = Objects.requireNonNull(tlsa);
        this.referenceNames = List.copyOf(referenceNames);
        this.reason = Objects.requireNonNull(reason);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The host's addresses as the DNSSEC lookup gave them (connect to these, not to a fresh system lookup). */
    public List<InetAddress> addresses() {
        return addresses;
    }

    public Mode mode() {
        return mode;
    }

    /** The weakest DNSSEC status met on the way to this host's decision (MX, addresses, TLSA). */
    public DnssecStatus dnssec() {
        return dnssec;
    }

    /** The TLSA RRset that applies (empty unless it was SECURE). */
    public TlsaRecordSet tlsa() {
        return tlsa;
    }

    /** RFC 7672 section 3.2.2 reference identifiers for DANE-TA(2): next-hop domain, MX host, TLSA base domain. */
    public List<String> referenceNames() {
        return referenceNames;
    }

    /** Why the host got its mode, in words for the log and the DSN. */
    public String reason() {
        return reason;
    }

    /** The RFC 8460 result type when the host is not tried for a DANE/DNSSEC reason. */
    public java.util.Optional<String> resultType() {
        switch (mode) {
            case REFUSED:
                return java.util.Optional.of(DanePlan.DANE_REQUIRED);
            case DNSSEC_FAILED:
                return java.util.Optional.of(DanePlan.DNSSEC_INVALID);
            default:
                return java.util.Optional.empty();
        }
    }

    @Override
    public String toString() {
        return host + ":" + port + " " + mode + " dnssec=" + dnssec + " tlsa=" + tlsa.policyStrings() + " (" + reason + ")";
    }
}
