package dev.tlsprovenance.headers;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.tlsprovenance.policy.CertificateIdentities;
import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.VerificationStatus;

/**
 * The relays whose own provenance headers we keep: a hop is trusted only when it was encrypted and the client
 * presented a certificate that was VERIFIED, and that certificate is listed by SHA-256 fingerprint or by name.
 * This is RFC 8601's rule for Authentication-Results applied to TLS provenance: a claim made by someone else is
 * worth only what the authenticated channel it came over is worth.
 *
 * <p>Entries (comma separated): a SHA-256 fingerprint of the DER certificate as 64 hex digits, optionally with
 * colons and/or a {@code sha256:} prefix; or a host name, matched case-insensitively against the certificate's
 * DNS identities by RFC 6125 ({@code CertificateIdentities}): its DNS subject alternative names, and its common name
 * only when it has no DNS name and exactly one CN.
 */
public final class TrustedRelays {

    private static final Pattern FINGERPRINT = Pattern.compile("(?i)(sha256:)?([0-9a-f]{2}:?){31}[0-9a-f]{2}");
    private static final Pattern HOST_NAME = Pattern.compile("(?i)[a-z0-9*_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\\.?");

    private static final TrustedRelays NONE = new TrustedRelays(Set.of(), Set.of());

    private final Set<String> fingerprints;
    private final Set<String> names;

    private TrustedRelays(Set<String> fingerprints, Set<String> names) {
        this.fingerprints = Set.copyOf(fingerprints);
        this.names = Set.copyOf(names);
    }

    public static TrustedRelays none() {
        return NONE;
    }

    /**
     * @throws IllegalArgumentException naming the first entry that is neither a fingerprint nor a host name
     */
    public static TrustedRelays parse(String commaSeparated) {
        List<String> entries = Arrays.stream(commaSeparated.split(","))
            .map(String::trim)
            .filter(entry -> !entry.isEmpty())
            .collect(Collectors.toList());
        for (String entry : entries) {
            if (!FINGERPRINT.matcher(entry).matches() && !HOST_NAME.matcher(entry).matches()) {
                throw new IllegalArgumentException("'" + entry
                    + "' is neither a SHA-256 fingerprint (64 hex digits) nor a host name");
            }
        }
        return new TrustedRelays(
            entries.stream().filter(entry -> FINGERPRINT.matcher(entry).matches())
                .map(TrustedRelays::normalisedFingerprint).collect(Collectors.toSet()),
            entries.stream().filter(entry -> !FINGERPRINT.matcher(entry).matches())
                .map(TrustedRelays::normalisedName).collect(Collectors.toSet()));
    }

    public boolean isEmpty() {
        return fingerprints.isEmpty() && names.isEmpty();
    }

    /** True when this hop came from a listed relay over TLS with a verified client certificate. */
    public boolean trusts(TlsProvenance hop) {
        if (!hop.isEncrypted() || hop.peerVerification().status() != VerificationStatus.VERIFIED) {
            return false;
        }
        return hop.peerCertificate().map(this::lists).orElse(false);
    }

    private boolean lists(CertificateSummary certificate) {
        if (fingerprints.contains(normalisedFingerprint(certificate.sha256Fingerprint()))) {
            return true;
        }
        // RFC 6125, as for client-names and server names: the DNS SANs when there are any, else the sole CN.
        return CertificateIdentities.dnsIdentities(certificate).stream()
            .map(TrustedRelays::normalisedName).anyMatch(names::contains);
    }

    private static String normalisedFingerprint(String fingerprint) {
        return fingerprint.toLowerCase(Locale.ROOT).replaceFirst("^sha256:", "").replace(":", "");
    }

    private static String normalisedName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    @Override
    public String toString() {
        return "TrustedRelays" + fingerprints + names;
    }
}
