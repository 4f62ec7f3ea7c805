package dev.tlsprovenance.cli.checkpeer;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import dev.tlsprovenance.dane.DaneCertificateVerifier;
import dev.tlsprovenance.dane.DaneVerdict;
import dev.tlsprovenance.metrics.TlsMetricNames;
import dev.tlsprovenance.outbound.OutboundTls;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

/**
 * The delivery's decision for one observed session, taken with the delivery's own pieces: the row's
 * {@link dev.tlsprovenance.outbound.ServerCertificateCheck} for the row levels (the same rules {@code SmtpConnector}
 * applies after the handshake), {@link DaneCertificateVerifier} for {@code dane}/{@code dane-only}, and
 * {@link TlsMetricNames#tlsFailureReason} for the failure word. Pure: no I/O.
 *
 * <p>Should move next to the delivery's per-destination decision once {@code OutboundLevel} knows the DANE levels.
 */
final class PeerJudge {
    static final String DANE_REQUIRED = "dane-required";
    static final String DNSSEC_INVALID = "dnssec-invalid";
    private static final String DANE_TRUST = "dane";

    private final Clock clock;

    PeerJudge(Clock clock) {
        this.clock = clock;
    }

    HopCheck judge(String nextHop, String host, List<String> referenceNames, PeerLevel level, OutboundTls tls,
                   PeerObservation seen, Optional<TlsaCheck> tlsa) {
        Verdict verdict = decide(host, referenceNames, level, tls, seen, tlsa);
        String transport = verdict.outcome != Outcome.DELIVER ? Transport.NONE.token()
            : !seen.encrypted() ? Transport.CLEARTEXT.token()
            : seen.startTls() == PeerObservation.StartTls.IMPLICIT ? Transport.IMPLICIT_TLS.token() : Transport.STARTTLS.token();
        return new HopCheck(nextHop, host, seen, tlsa, verdict.verification, verdict.dane, verdict.outcome, transport,
            verdict.resultType, verdict.reason);
    }

    private Verdict decide(String host, List<String> referenceNames, PeerLevel level, OutboundTls tls,
                           PeerObservation seen, Optional<TlsaCheck> tlsa) {
        X509Certificate[] chain = seen.chain().toArray(new X509Certificate[0]);
        if (!seen.connected()) {
            String why = seen.failure().orElse("no session");
            return Verdict.of(Outcome.DEFER, CertificateVerification.notChecked(), why)
                .type(TlsMetricNames.tlsFailureReason(attempt(CertificateVerification.notChecked()), Optional.of(why)));
        }
        if (level == PeerLevel.NONE) {
            // As the delivery records it: an SMTPS hop is TLS even at none, and its chain is checked for the record.
            return seen.encrypted()
                ? Verdict.of(Outcome.DELIVER, tls.check().check(OutboundLevel.NONE, chain, host),
                    "level none: implicit TLS (the port speaks nothing else), certificate not enforced")
                : Verdict.of(Outcome.DELIVER, CertificateVerification.notChecked(), "level none: cleartext, STARTTLS not tried");
        }
        if (level.isDane() && tlsa.isPresent() && tlsa.get().status().isFailure()) {
            return Verdict.of(Outcome.DEFER, CertificateVerification.notChecked(), "TLSA lookup of " + tlsa.get().queryName()
                + " is " + tlsa.get().status().name() + ": " + tlsa.get().reason()
                + "; the mail waits, never falls back (RFC 7672 section 2.1.1)").type(DNSSEC_INVALID);
        }
        boolean daneApplies = level.isDane() && tlsa.map(TlsaCheck::applies).orElse(false);
        if (!seen.encrypted()) {
            String why = seen.failure().orElse("no TLS");
            if (level == PeerLevel.MAY || (level == PeerLevel.DANE && !daneApplies)) {
                // The delivery records a broken handshake as a failed check before it starts over in cleartext.
                CertificateVerification recorded = seen.startTls() == PeerObservation.StartTls.HANDSHAKE_FAILED
                    ? CertificateVerification.failed(tls.check().trust().name(), why) : CertificateVerification.notChecked();
                return Verdict.of(Outcome.DELIVER, recorded, why + ": level " + level.token() + " delivers in cleartext");
            }
            if (level == PeerLevel.DANE_ONLY && !daneApplies) {
                return Verdict.of(Outcome.REFUSE, CertificateVerification.notChecked(), why
                    + "; level dane-only needs DNSSEC-secure TLSA records" + noTlsa(tlsa)).type(DANE_REQUIRED);
            }
            return Verdict.of(Outcome.REFUSE, CertificateVerification.notChecked(), why)
                .type(TlsMetricNames.tlsFailureReason(attempt(CertificateVerification.notChecked()), Optional.of(why)));
        }
        if (level.outboundLevel().isPresent()) {
            OutboundLevel rowLevel = level.outboundLevel().get();
            CertificateVerification checked = tls.check().check(rowLevel, chain, host);
            if (!rowLevel.verifiesPeer() || checked.isVerified()) {
                return Verdict.of(Outcome.DELIVER, checked, rowLevel.verifiesPeer()
                    ? "certificate " + checked.status().token() + " (" + checked.trust() + ")"
                    : "level " + rowLevel.token() + ": TLS, certificate not enforced");
            }
            return Verdict.of(Outcome.REFUSE, checked, checked.reason())
                .type(TlsMetricNames.tlsFailureReason(attempt(checked), Optional.empty()));
        }
        if (!daneApplies) {
            if (level == PeerLevel.DANE_ONLY) {
                return Verdict.of(Outcome.REFUSE, CertificateVerification.notChecked(),
                    "level dane-only needs DNSSEC-secure TLSA records" + noTlsa(tlsa)).type(DANE_REQUIRED);
            }
            return Verdict.of(Outcome.DELIVER, tls.check().check(OutboundLevel.MAY, chain, host),
                "no DNSSEC-secure TLSA records" + noTlsa(tlsa) + ": level dane delivers as may");
        }
        DaneVerdict dane = new DaneCertificateVerifier(clock).verify(seen.chain(), tlsa.get().recordSet(), referenceNames);
        switch (dane.status()) {
            case AUTHENTICATED:
                return Verdict.of(Outcome.DELIVER, CertificateVerification.verified(DANE_TRUST, dane.detail()), dane.detail())
                    .with(dane);
            case NO_USABLE_RECORDS:
                return Verdict.of(Outcome.DELIVER, CertificateVerification.notChecked(dane.detail()),
                    dane.detail() + ": TLS is mandatory but unauthenticated (RFC 7672 section 2.2)").with(dane);
            default:
                return Verdict.of(Outcome.REFUSE, CertificateVerification.failed(DANE_TRUST, dane.detail()), dane.detail())
                    .type(dane.resultType()).with(dane);
        }
    }

    /** The attempt as the ledger would hold it, as far as the failure word needs it. */
    private TlsProvenance attempt(CertificateVerification verification) {
        return TlsProvenance.builder(Direction.OUTBOUND).transport(Transport.NONE).localHost("").remoteAddress("")
            .time(clock.instant()).peerVerification(verification).build();
    }

    private static String noTlsa(Optional<TlsaCheck> tlsa) {
        if (tlsa.isEmpty()) {
            return " (no DNSSEC resolver was asked)";
        }
        TlsaCheck check = tlsa.get();
        return " (" + check.queryName() + ": " + check.status().name().toLowerCase(java.util.Locale.ROOT) + " "
            + check.outcome().name().toLowerCase(java.util.Locale.ROOT) + (check.reason().isEmpty() ? "" : ", " + check.reason()) + ")";
    }

    private static final class Verdict {
        final Outcome outcome;
        final CertificateVerification verification;
        final String reason;
        Optional<String> resultType = Optional.empty();
        Optional<DaneVerdict> dane = Optional.empty();

        private Verdict(Outcome outcome, CertificateVerification verification, String reason) {
            this.outcome = outcome;
            this.verification = verification;
            this.reason = reason;
        }

        static Verdict of(Outcome outcome, CertificateVerification verification, String reason) {
            return new Verdict(outcome, verification, reason);
        }

        Verdict type(String word) {
            return type(Optional.of(word));
        }

        Verdict type(Optional<String> word) {
            this.resultType = word;
            return this;
        }

        Verdict with(DaneVerdict verdict) {
            this.dane = Optional.of(verdict);
            return this;
        }
    }
}
