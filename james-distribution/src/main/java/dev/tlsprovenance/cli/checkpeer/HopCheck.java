package dev.tlsprovenance.cli.checkpeer;

import java.util.Optional;

import dev.tlsprovenance.dane.DaneVerdict;
import dev.tlsprovenance.provenance.CertificateVerification;

/**
 * One next hop checked at one level: what the session showed, the TLSA records (when a DNSSEC resolver was used),
 * the certificate verdict, and what the delivery would do. {@code transport} is the ledger's word for what the
 * delivery would record ({@code starttls}, {@code implicit-tls}, {@code cleartext}, or {@code none}: nothing sent),
 * {@code resultType} the RFC 8460 / {@code tls-failures} word of a TLS failure (for a hop delivered under an
 * MTA-STS {@code testing} policy: the failure recorded, not enforced), {@code sts} the hop's MTA-STS check.
 */
public record HopCheck(String nextHop, String host, PeerObservation observation, Optional<TlsaCheck> tlsa,
                       CertificateVerification verification, Optional<DaneVerdict> dane, Outcome outcome,
                       String transport, Optional<String> resultType, String reason, Optional<StsHop> sts) {
}
