package dev.tlsprovenance.policy;

import java.util.List;
import java.util.Optional;


import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

/**
 * Judges a mail's <em>recorded</em> inbound hop against a recipient's row, after the fact (in the mailet
 * container): {@code require} needs an encrypted hop; {@code require-verified-client-cert} also needs a
 * client certificate recorded as verified, carrying an expected name and, when pins are set, a pinned
 * certificate fingerprint. (The recorded summary has no public key, so public-key pins cannot match here;
 * the SMTP-time hook checks both.)
 */
public final class RecordedInboundCheck {
    private RecordedInboundCheck() {
    }

    /** @return the violation in one sentence, or empty when the hop satisfies the row */
    public static Optional<String> violation(NamespacePolicy row, Optional<TlsProvenance> recorded) {
        InboundRule rule = row.inbound();
        if (!rule.requiresTls()) {
            return Optional.empty();
        }
        String namespace = "namespace " + row.namespace() + " (" + row.source() + ") requires TLS";
        if (recorded.isEmpty()) {
            return Optional.of(namespace + " but the mail carries no inbound TLS record");
        }
        TlsProvenance hop = recorded.get();
        if (hop.transport() == Transport.UNKNOWN) {
            return Optional.of(namespace + " but the mail's inbound TLS record is not believed ("
                + hop.peerVerification().reason() + ")");
        }
        if (!hop.isEncrypted()) {
            return Optional.of(namespace + " but the mail was received in cleartext from " + hop.remoteAddress());
        }
        if (!rule.requiresClientCertificate()) {
            return Optional.empty();
        }
        String needsCertificate = "namespace " + row.namespace() + " (" + row.source() + ") requires a verified client certificate";
        if (hop.peerCertificate().isEmpty()) {
            return Optional.of(needsCertificate + " but the sender presented none");
        }
        if (!hop.peerVerification().isVerified()) {
            return Optional.of(needsCertificate + " but it was not verified (" + hop.peerVerification().status().token()
                + (hop.peerVerification().reason().isEmpty() ? "" : ": " + hop.peerVerification().reason()) + ")");
        }
        CertificateSummary certificate = hop.peerCertificate().get();
        List<String> names = CertificateIdentities.dnsIdentities(certificate);
        if (!row.clientCertificate().namesMatch(names)) {
            return Optional.of(needsCertificate + " but its names " + names + " match none of the expected "
                + row.clientCertificate().expectedNames());
        }
        if (!row.clientCertificate().pinsSha256().isEmpty()
            && !row.clientCertificate().pinsSha256().contains(certificate.sha256Fingerprint())
            && !verifiedByPublicKeyPin(hop, row)) {
            return Optional.of(needsCertificate + " but its fingerprint matches none of the pins");
        }
        return Optional.empty();
    }

    /**
     * The summary has no public key, but a sealed record whose RCPT-time check matched a public-key pin says which
     * ({@code InboundTlsEnforcer} writes {@code public-key pin <sha256>} in the verification detail).
     */
    private static boolean verifiedByPublicKeyPin(TlsProvenance hop, NamespacePolicy row) {
        String detail = hop.peerVerification().reason();
        return row.clientCertificate().pinsSha256().stream().anyMatch(pin -> detail.contains("public-key pin " + pin));
    }
}
