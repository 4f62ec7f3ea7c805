package dev.tlsprovenance.outbound;

import dev.tlsprovenance.metrics.TlsMetricNames;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.sts.StsMode;
import dev.tlsprovenance.sts.StsMxSelection;
import dev.tlsprovenance.sts.StsPolicy;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An MX host's MTA-STS check (RFC 8461 section 4.2): a PKIX-valid chain (the configured Web PKI trust, the JVM's by
 * default) whose leaf has a SAN DNS-ID matching one of the policy's {@code mx} patterns
 * ({@link StsMxSelection#certificateMatches}). Under {@code enforce} a failure ends the attempt before any envelope
 * byte (and TLS is required); under {@code testing} it is only recorded. A failure reads
 * {@code MTA-STS <result-type>: <detail>}, so the ledger, the log line and the metrics take the RFC 8460 word from
 * the verification itself.
 */
public final class StsAuthentication {
    private final StsPolicy policy;
    private final TrustMaterial trust;

    public StsAuthentication(StsPolicy policy, TrustMaterial trust) {
        this.policy = Objects.requireNonNull(policy);
        this.trust = Objects.requireNonNull(trust);
    }

    public StsPolicy policy() {
        return policy;
    }

    /** {@code enforce}: TLS required and a failed check refuses the host; {@code testing}: recorded only. */
    public boolean enforced() {
        return policy.mode() == StsMode.ENFORCE;
    }

    public CertificateVerification check(X509Certificate[] chain, Clock clock) {
        if (chain == null || chain.length == 0) {
            return failure("validation-failure", "the server presented no certificate");
        }
        CertificateVerification path = new ServerCertificateCheck(trust, List.of(), Set.of(), clock)
            .check(OutboundLevel.VERIFY, chain, "");
        if (!path.isVerified()) {
            String why = path.reason().toLowerCase(Locale.ROOT);
            String type = why.contains("expired") ? "certificate-expired"
                : why.contains("not trusted") || why.contains("trust anchor") ? "certificate-not-trusted" : "validation-failure";
            return failure(type, path.reason());
        }
        if (!StsMxSelection.certificateMatches(policy, chain[0])) {
            List<String> names = StsMxSelection.dnsIds(chain[0]);
            return failure("certificate-host-mismatch", "no SAN DNS-ID of the certificate ("
                + (names.isEmpty() ? "none" : String.join(", ", names)) + ") matches the policy's mx patterns "
                + patterns());
        }
        return CertificateVerification.verified(trust.name(), "MTA-STS mx " + patterns());
    }

    /** What a host without STARTTLS is recorded as under {@code testing} (delivered anyway, in cleartext). */
    public CertificateVerification noTls(String why) {
        return failure("starttls-not-supported", why + " (MTA-STS mode testing: delivered without TLS)");
    }

    /** What a broken handshake is recorded as under {@code testing} (delivered anyway, in cleartext, as {@code may}). */
    public CertificateVerification handshakeFailed(String why) {
        return failure("handshake-failed", why + " (MTA-STS mode testing: delivered without TLS)");
    }

    private CertificateVerification failure(String resultType, String detail) {
        return CertificateVerification.failed(trust.name(), TlsMetricNames.STS_FAILURE_PREFIX + resultType + ": " + detail
            + (enforced() ? "" : " (mode testing: not enforced)"));
    }

    private String patterns() {
        return policy.mx().stream().map(Object::toString).collect(Collectors.joining(",", "[", "]"));
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof StsAuthentication)) {
            return false;
        }
        StsAuthentication that = (StsAuthentication) other;
        return policy.equals(that.policy) && trust.name().equals(that.trust.name());
    }

    @Override
    public int hashCode() {
        return Objects.hash(policy, trust.name());
    }

    @Override
    public String toString() {
        return "MTA-STS " + policy.mode() + " " + patterns();
    }
}
