package dev.tlsprovenance.matchers;

import java.util.Arrays;
import java.util.Optional;

/**
 * The SSL/TLS protocol versions a JSSE engine reports, in increasing order of strength, so that a
 * condition such as {@code minProtocol=TLSv1.2} can be checked with a comparison.
 * Names are the JSSE names ({@code SSLSession.getProtocol()}), matched case-insensitively.
 */
public enum TlsProtocolVersion {
    SSL_V3("SSLv3"),
    TLS_V1("TLSv1"),
    TLS_V1_1("TLSv1.1"),
    TLS_V1_2("TLSv1.2"),
    TLS_V1_3("TLSv1.3");

    private final String jsseName;

    TlsProtocolVersion(String jsseName) {
        this.jsseName = jsseName;
    }

    public String jsseName() {
        return jsseName;
    }

    /** Empty for names this enum does not know (e.g. "NONE" or a future version). */
    public static Optional<TlsProtocolVersion> fromJsseName(String name) {
        return Arrays.stream(values())
            .filter(version -> version.jsseName.equalsIgnoreCase(name.trim()))
            .findFirst();
    }

    public boolean isAtLeast(TlsProtocolVersion minimum) {
        return compareTo(minimum) >= 0;
    }
}
