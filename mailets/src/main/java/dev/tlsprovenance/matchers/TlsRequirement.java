package dev.tlsprovenance.matchers;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.VerificationStatus;

/**
 * What "received over TLS" has to mean for a hop: encrypted, optionally with at least a given protocol version
 * and/or a verified client certificate. Parsed from a matcher condition such as
 * {@code minProtocol=TLSv1.2,verifiedClientCert}; the empty condition means "any TLS".
 */
public final class TlsRequirement {

    static final String MIN_PROTOCOL = "minProtocol";
    static final String VERIFIED_CLIENT_CERT = "verifiedClientCert";

    private final Optional<TlsProtocolVersion> minimumProtocol;
    private final boolean verifiedClientCertificate;

    private TlsRequirement(Optional<TlsProtocolVersion> minimumProtocol, boolean verifiedClientCertificate) {
        this.minimumProtocol = minimumProtocol;
        this.verifiedClientCertificate = verifiedClientCertificate;
    }

    /**
     * @throws IllegalArgumentException naming the offending term
     */
    public static TlsRequirement parse(String condition) {
        Optional<TlsProtocolVersion> minimumProtocol = Optional.empty();
        boolean verifiedClientCertificate = false;
        for (String term : condition.split(",")) {
            String trimmed = term.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.equalsIgnoreCase(VERIFIED_CLIENT_CERT)) {
                verifiedClientCertificate = true;
            } else if (trimmed.regionMatches(true, 0, MIN_PROTOCOL + "=", 0, MIN_PROTOCOL.length() + 1)) {
                String version = trimmed.substring(MIN_PROTOCOL.length() + 1);
                minimumProtocol = Optional.of(TlsProtocolVersion.fromJsseName(version)
                    .orElseThrow(() -> new IllegalArgumentException("unknown protocol '" + version + "' in '" + trimmed
                        + "', expected one of " + knownProtocols())));
            } else {
                throw new IllegalArgumentException("unknown term '" + trimmed + "', expected " + MIN_PROTOCOL
                    + "=<protocol> or " + VERIFIED_CLIENT_CERT);
            }
        }
        return new TlsRequirement(minimumProtocol, verifiedClientCertificate);
    }

    public boolean isMetBy(TlsProvenance hop) {
        if (!hop.isEncrypted()) {
            return false;
        }
        boolean protocolOk = minimumProtocol
            .map(minimum -> hop.protocol().flatMap(TlsProtocolVersion::fromJsseName)
                .map(actual -> actual.isAtLeast(minimum))
                .orElse(false))
            .orElse(true);
        boolean clientCertificateOk = !verifiedClientCertificate
            || (hop.peerCertificate().isPresent() && hop.peerVerification().status() == VerificationStatus.VERIFIED);
        return protocolOk && clientCertificateOk;
    }

    private static String knownProtocols() {
        return Arrays.stream(TlsProtocolVersion.values()).map(TlsProtocolVersion::jsseName).collect(Collectors.joining(", "));
    }
}
