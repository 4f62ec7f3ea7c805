package dev.tlsprovenance.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a row means for one domain, in one sentence per direction, for administrators ({@code GET /tls/policy/check}).
 * The sentences state the consequences the enforcers produce: the reply codes of {@link InboundTlsEnforcer} inbound,
 * and outbound the deferral of the delivery mailet ({@code 4.7.10} when the next hop cannot give the TLS the level
 * demands, {@code 4.7.5} when the handshake or the certificate check fails; {@code 5.7.10}/{@code 5.7.5} once the
 * retries are exhausted). Pure: no lookup here, the caller passes the row {@link TlsPolicyTable#lookup} found.
 */
public final class PolicyExplanation {
    private PolicyExplanation() {
    }

    /** What happens to mail from outside addressed to {@code domain}, and to mail whose sender is in it. */
    public static String inbound(String domain, NamespacePolicy row) {
        StringBuilder says = new StringBuilder();
        InboundRule rule = row.inbound();
        CleartextReply reply = row.cleartextReply();
        if (!rule.requiresTls()) {
            says.append("mail from outside to ").append(domain)
                    .append(" is accepted over TLS or cleartext (inbound rule none): TLS is only recorded");
        } else {
            says.append("mail from outside to ").append(domain).append(" must arrive over TLS (STARTTLS or implicit TLS)");
            if (rule.requiresClientCertificate()) {
                says.append(" with a client certificate ").append(clientCertificateDemands(row.clientCertificate()));
            }
            says.append("; over cleartext it is refused with ").append(reply.replyCode()).append(' ')
                    .append(reply.enhanced("7.0")).append(' ').append(consequenceForSender(reply));
            if (rule.requiresClientCertificate()) {
                says.append(", and a session without such a certificate is refused with 550 5.7.1 (the sender bounces it)");
            }
        }
        if (row.requireTlsFromSenders()) {
            says.append("; mail whose sender is in ").append(domain).append(" must arrive over TLS too, else ")
                    .append(reply.replyCode()).append(' ').append(reply.enhanced("7.10"));
        }
        return says.append(" (").append(rowName(row)).append(").").toString();
    }

    /** What happens to mail this server delivers to recipients at {@code domain}. */
    public static String outbound(String domain, NamespacePolicy row) {
        OutboundPolicy outbound = row.outbound();
        OutboundLevel level = outbound.level();
        StringBuilder says = new StringBuilder("mail to someone@").append(domain);
        switch (level) {
            case NONE:
                says.append(" is delivered in cleartext, never over TLS, even when the next hop offers STARTTLS (level none)");
                break;
            case MAY:
                says.append(" goes over TLS when the next hop offers STARTTLS, without checking its certificate, and in"
                        + " cleartext otherwise (level may)");
                break;
            case DANE:
                says.append(" goes over TLS authenticated by DANE when the next hop publishes DNSSEC-signed TLSA records,"
                        + " over TLS without authentication when its signed TLSA records are all unusable, and as at level"
                        + " may otherwise; a bogus or failed DNSSEC answer keeps it queued (4.7.5), never cleartext (level dane)");
                break;
            case DANE_ONLY:
                says.append(" goes only over TLS authenticated by DANE (or, when the next hop's signed TLSA records are all"
                        + " unusable, over TLS without authentication); without DNSSEC-signed TLSA records, or on a bogus or"
                        + " failed DNSSEC answer, it stays queued (4.7.5) and is retried (level dane-only)");
                break;
            default:
                says.append(" must go over TLS (at least ").append(outbound.minProtocol()).append(')')
                        .append(certificateDemands(outbound))
                        .append(" (level ").append(level.token()).append("), else it stays queued (4.7.10 when the next"
                                + " hop offers no TLS")
                        .append(level.verifiesPeer() ? ", 4.7.5 when the certificate check fails" : "")
                        .append(") and is retried, and it bounces (5.7.x) once the retries are exhausted");
                break;
        }
        says.append("; next hop: ").append(nextHops(outbound, domain));
        return says.append(" (").append(rowName(row)).append(").").toString();
    }

    private static String certificateDemands(OutboundPolicy outbound) {
        switch (outbound.level()) {
            case ENCRYPT:
                return " without checking the certificate";
            case VERIFY:
                return " with a certificate chain verified against " + trustAnchors(outbound.trustAnchors().orElse(null))
                        + names(outbound.matchNames(), " and naming ") + revocation(outbound);
            case SECURE:
                return " with a certificate chain verified against " + trustAnchors(outbound.trustAnchors().orElse(null))
                        + (outbound.matchNames().isEmpty() ? " and matching the next hop's host name"
                        : names(outbound.matchNames(), " and naming ")) + revocation(outbound);
            case FINGERPRINT:
                return " with a certificate or public key whose SHA-256 is one of the " + outbound.pinsSha256().size()
                        + " pinned fingerprints";
            default:
                return "";
        }
    }

    private static String clientCertificateDemands(ClientCertificateConstraints constraints) {
        String demands = "verified against " + trustAnchors(constraints.trustAnchors().orElse(null))
                + names(new ArrayList<>(constraints.expectedNames()), " and naming ");
        if (!constraints.pinsSha256().isEmpty()) {
            demands += " and matching one of " + constraints.pinsSha256().size() + " pinned SHA-256 fingerprints";
        }
        if (constraints.revocationLists().isPresent()) {
            demands += ", not revoked by " + constraints.revocationLists().get();
        }
        return demands;
    }

    private static String trustAnchors(Path privateCa) {
        return privateCa == null ? "the JVM's default trust store" : "the private CA " + privateCa;
    }

    private static String names(List<String> names, String prefix) {
        if (names.isEmpty()) {
            return "";
        }
        return prefix + (names.size() == 1 ? names.get(0) : "one of " + String.join(", ", names));
    }

    private static String revocation(OutboundPolicy outbound) {
        return outbound.revocationLists().map(crl -> ", not revoked by " + crl).orElse("");
    }

    private static String nextHops(OutboundPolicy outbound, String domain) {
        if (outbound.routes().isEmpty()) {
            return "the MX hosts of " + domain;
        }
        return outbound.routes().stream().map(PolicyExplanation::route).collect(Collectors.joining(", then "));
    }

    /** A route as written in the file: {@code smtps:host:port} for implicit TLS, else {@code host:port}. */
    public static String route(Smarthost hop) {
        return (hop.implicitTls() ? "smtps:" : "") + hop.hostAndPort();
    }

    private static String consequenceForSender(CleartextReply reply) {
        return reply == CleartextReply.TEMPORARY ? "(the sender keeps the mail and retries)" : "(the sender bounces it)";
    }

    private static String rowName(NamespacePolicy row) {
        return row.isDefault() ? "default row " + row.source() : "row " + row.source() + ", namespace " + row.namespace();
    }
}
