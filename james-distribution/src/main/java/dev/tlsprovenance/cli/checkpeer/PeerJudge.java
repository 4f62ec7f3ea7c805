package dev.tlsprovenance.cli.checkpeer;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import dev.tlsprovenance.dane.DaneCertificateVerifier;
import dev.tlsprovenance.dane.DaneHostPlan;
import dev.tlsprovenance.dane.DanePlan;
import dev.tlsprovenance.dane.DanePlanner;
import dev.tlsprovenance.dane.TlsaRecordSet;
import dev.tlsprovenance.dane.DaneVerdict;
import dev.tlsprovenance.metrics.TlsMetricNames;
import dev.tlsprovenance.outbound.OutboundTls;
import dev.tlsprovenance.outbound.StsAuthentication;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.sts.StsMxSelection;

/**
 * The delivery's decision for one observed session, taken with the delivery's own pieces: the row's
 * {@link dev.tlsprovenance.outbound.ServerCertificateCheck} for the row levels (the same rules {@code SmtpConnector}
 * applies after the handshake); for {@code dane}/{@code dane-only} the {@link DanePlanner}'s mode for the hop, mapped
 * to the level enforced there as the delivery maps it (authenticated: {@link DaneCertificateVerifier} against the
 * plan's TLSA records and reference identifiers; mandatory unauthenticated TLS: {@code encrypt}; no secure TLSA:
 * {@code may}; refused: {@code dane-required}; DNSSEC failure: {@code dnssec-invalid}); and
 * {@link TlsMetricNames#tlsFailureReason} for the failure word. Pure: no I/O.
 *
 */
final class PeerJudge {
    private static final String DANE_TRUST = "dane";

    private final Clock clock;

    PeerJudge(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param dane the planner's decision for this hop at {@code dane}/{@code dane-only} ({@link DaneStep#of}); empty at
     *             the row levels, and at the DANE levels when no DNSSEC lookups are configured (then the hop is judged
     *             as {@code SmtpConnector} judges a hop at that level)
     */
    HopCheck judge(String nextHop, String host, OutboundLevel level, OutboundTls tls, PeerObservation seen,
                   Optional<TlsaCheck> tlsa, Optional<DaneStep> dane) {
        Verdict verdict = decide(host, level, tls, seen, dane);
        String transport = verdict.outcome != Outcome.DELIVER ? Transport.NONE.token()
            : !seen.encrypted() ? Transport.CLEARTEXT.token()
            : seen.startTls() == PeerObservation.StartTls.IMPLICIT ? Transport.IMPLICIT_TLS.token() : Transport.STARTTLS.token();
        return new HopCheck(nextHop, host, seen, tlsa, verdict.verification, verdict.dane, verdict.outcome, transport,
            verdict.resultType, verdict.reason, Optional.empty());
    }

    /**
     * An MX host of a destination whose MTA-STS policy applies (no row, DANE did not apply), as {@code SmtpConnector}
     * treats a hop {@link dev.tlsprovenance.outbound.NextHop#underSts}: the chain judged by {@link StsAuthentication}
     * (PKIX with {@code sts.trustAnchors}, a SAN DNS-ID matching an {@code mx} pattern); under {@code enforce} TLS is
     * required and a failure refuses the host, under {@code testing} the failure is recorded (its word in
     * {@code resultType}) and the mail delivered, in cleartext when TLS could not be had.
     */
    HopCheck judgeSts(String nextHop, String host, PeerObservation seen, Optional<TlsaCheck> tlsa, StsAuthentication sts) {
        Verdict verdict = decideSts(seen, sts);
        String transport = verdict.outcome != Outcome.DELIVER ? Transport.NONE.token()
            : !seen.encrypted() ? Transport.CLEARTEXT.token()
            : seen.startTls() == PeerObservation.StartTls.IMPLICIT ? Transport.IMPLICIT_TLS.token() : Transport.STARTTLS.token();
        Optional<Boolean> named = seen.chain().isEmpty() ? Optional.empty()
            : Optional.of(StsMxSelection.certificateMatches(sts.policy(), seen.chain().get(0)));
        return new HopCheck(nextHop, host, seen, tlsa, verdict.verification, Optional.empty(), verdict.outcome, transport,
            verdict.resultType, verdict.reason, Optional.of(new StsHop(sts.policy().mode().word(), sts.policy().allowsMx(host), named)));
    }

    /** An MX host an {@code enforce} policy's {@code mx} patterns do not allow: the delivery never connects to it. */
    HopCheck excludedBySts(String nextHop, String host, StsAuthentication sts) {
        String reason = TlsMetricNames.STS_FAILURE_PREFIX + "validation-failure: " + host + " matches no mx pattern of the policy "
            + sts.policy().mx() + " (MTA-STS mode enforce): not tried";
        return new HopCheck(nextHop, host, PeerObservation.unreachable("", "not tried: excluded by the MTA-STS policy"),
            Optional.empty(), CertificateVerification.notChecked(), Optional.empty(), Outcome.REFUSE, Transport.NONE.token(),
            TlsMetricNames.tlsFailureReason(attempt(CertificateVerification.notChecked()), Optional.of(reason)), reason,
            Optional.of(new StsHop(sts.policy().mode().word(), false, Optional.empty())));
    }

    private Verdict decideSts(PeerObservation seen, StsAuthentication sts) {
        if (!seen.connected()) {
            String why = seen.failure().orElse("no session");
            return Verdict.of(Outcome.DEFER, CertificateVerification.notChecked(), why)
                .type(TlsMetricNames.tlsFailureReason(attempt(CertificateVerification.notChecked()), Optional.of(why)));
        }
        boolean handshakeFailed = seen.startTls() == PeerObservation.StartTls.HANDSHAKE_FAILED;
        if (!seen.encrypted()) {
            String why = seen.failure().orElse("no TLS");
            if (sts.enforced()) {
                // as SmtpConnector: a broken handshake keeps its own words, a missing or refused STARTTLS is the policy's
                String reason = handshakeFailed ? why
                    : TlsMetricNames.STS_FAILURE_PREFIX + "starttls-not-supported: " + why + " (MTA-STS mode enforce)";
                return Verdict.of(Outcome.REFUSE, CertificateVerification.notChecked(), reason)
                    .type(TlsMetricNames.tlsFailureReason(attempt(CertificateVerification.notChecked()), Optional.of(reason)));
            }
            CertificateVerification recorded = handshakeFailed ? sts.handshakeFailed(why) : sts.noTls(why);
            return Verdict.of(Outcome.DELIVER, recorded, recorded.reason())
                .type(TlsMetricNames.resultType(attempt(recorded), Optional.empty(), Optional.empty()));
        }
        CertificateVerification checked = sts.check(seen.chain().toArray(new X509Certificate[0]), clock);
        if (checked.isVerified()) {
            return Verdict.of(Outcome.DELIVER, checked, "MTA-STS mode " + sts.policy().mode() + ": certificate "
                + checked.status().token() + " (" + checked.trust() + "), " + checked.reason());
        }
        if (sts.enforced()) {
            return Verdict.of(Outcome.REFUSE, checked, checked.reason())
                .type(TlsMetricNames.tlsFailureReason(attempt(checked), Optional.empty()));
        }
        return Verdict.of(Outcome.DELIVER, checked, checked.reason() + "; delivered all the same")
            .type(TlsMetricNames.resultType(attempt(checked), Optional.empty(), Optional.empty()));
    }

    /**
     * What {@link DanePlanner} decided for one hop: its {@link DaneHostPlan.Mode}, why, and for an authenticated hop
     * the TLSA records and reference identifiers the certificate is held to.
     */
    record DaneStep(DaneHostPlan.Mode mode, String reason, TlsaRecordSet tlsa, List<String> referenceNames) {
        static DaneStep of(DaneHostPlan host) {
            return new DaneStep(host.mode(), host.reason(), host.tlsa(), host.referenceNames());
        }

        /** A host without DNSSEC address that is tried all the same: no secure TLSA records, {@code may} or refused. */
        static DaneStep withoutTlsa(DaneStep noAddress, boolean daneOnly) {
            String reason = noAddress.reason() + " in the DNSSEC lookups (connected through the system resolver)";
            return daneOnly ? new DaneStep(DaneHostPlan.Mode.REFUSED, "DANE required: " + reason + " (level dane-only)",
                TlsaRecordSet.of(), List.of()) : new DaneStep(DaneHostPlan.Mode.MAY, reason, TlsaRecordSet.of(), List.of());
        }

        /** A destination the plan refused as a whole (insecure MX at {@code dane-only}, failed MX lookup). */
        static DaneStep refused(DanePlan plan) {
            boolean dnssec = plan.deferralResultType().filter(DanePlan.DNSSEC_INVALID::equals).isPresent();
            return new DaneStep(dnssec ? DaneHostPlan.Mode.DNSSEC_FAILED : DaneHostPlan.Mode.REFUSED,
                plan.deferral().orElse(""), TlsaRecordSet.of(), List.of());
        }
    }

    private Verdict decide(String host, OutboundLevel level, OutboundTls tls, PeerObservation seen, Optional<DaneStep> dane) {
        if (dane.isPresent() && dane.get().mode() == DaneHostPlan.Mode.DNSSEC_FAILED) {
            return Verdict.of(Outcome.DEFER, CertificateVerification.notChecked(), dane.get().reason()
                + "; the mail waits, never falls back (RFC 7672 section 2.1.1)").type(DanePlan.DNSSEC_INVALID);
        }
        if (dane.isPresent() && dane.get().mode() == DaneHostPlan.Mode.NO_ADDRESS) {
            return Verdict.of(Outcome.DEFER, CertificateVerification.notChecked(), dane.get().reason());
        }
        if (!seen.connected()) {
            String why = seen.failure().orElse("no session");
            return Verdict.of(Outcome.DEFER, CertificateVerification.notChecked(), why)
                .type(TlsMetricNames.tlsFailureReason(attempt(CertificateVerification.notChecked()), Optional.of(why)));
        }
        if (level == OutboundLevel.NONE) {
            // As the delivery records it: an SMTPS hop is TLS even at none, and its chain is checked for the record.
            X509Certificate[] chain = seen.chain().toArray(new X509Certificate[0]);
            return seen.encrypted()
                ? Verdict.of(Outcome.DELIVER, tls.check().check(OutboundLevel.NONE, chain, host),
                    "level none: implicit TLS (the port speaks nothing else), certificate not enforced")
                : Verdict.of(Outcome.DELIVER, CertificateVerification.notChecked(), "level none: cleartext, STARTTLS not tried");
        }
        if (dane.isEmpty()) {
            return atLevel(level, host, tls, seen, "");
        }
        DaneStep step = dane.get();
        switch (step.mode()) {
            case REFUSED:
                return Verdict.of(Outcome.REFUSE, CertificateVerification.notChecked(),
                    seen.failure().map(why -> why + "; ").orElse("") + step.reason()).type(DanePlan.DANE_REQUIRED);
            case NO_ADDRESS:
                return Verdict.of(Outcome.DEFER, CertificateVerification.notChecked(), step.reason());
            case MAY:
                return atLevel(OutboundLevel.MAY, host, tls, seen, step.reason() + ": level " + level.token() + " delivers as may");
            case ENCRYPT:
                return atLevel(OutboundLevel.ENCRYPT, host, tls, seen, step.reason());
            default:
                return authenticated(step, seen);
        }
    }

    /** As {@code SmtpConnector} decides at {@code level} after the handshake (the row's certificate check). */
    private Verdict atLevel(OutboundLevel level, String host, OutboundTls tls, PeerObservation seen, String because) {
        String prefix = because.isEmpty() ? "" : because + "; ";
        if (!seen.encrypted()) {
            String why = seen.failure().orElse("no TLS");
            if (!level.requiresTls()) {
                // The delivery records a broken handshake as a failed check before it starts over in cleartext.
                CertificateVerification recorded = seen.startTls() == PeerObservation.StartTls.HANDSHAKE_FAILED
                    ? CertificateVerification.failed(tls.check().trust().name(), why) : CertificateVerification.notChecked();
                return Verdict.of(Outcome.DELIVER, recorded, prefix + why + ": level " + level.token() + " delivers in cleartext");
            }
            return Verdict.of(Outcome.REFUSE, CertificateVerification.notChecked(), prefix + why)
                .type(TlsMetricNames.tlsFailureReason(attempt(CertificateVerification.notChecked()), Optional.of(why)));
        }
        CertificateVerification checked = tls.check().check(level, seen.chain().toArray(new X509Certificate[0]), host);
        if (!level.verifiesPeer() || checked.isVerified()) {
            return Verdict.of(Outcome.DELIVER, checked, because.isEmpty() ? level.verifiesPeer()
                ? "certificate " + checked.status().token() + " (" + checked.trust() + ")"
                : "level " + level.token() + ": TLS, certificate not enforced" : because);
        }
        return Verdict.of(Outcome.REFUSE, checked, prefix + checked.reason())
            .type(TlsMetricNames.tlsFailureReason(attempt(checked), Optional.empty()));
    }

    /** Secure usable TLSA records: TLS is mandatory and the chain must satisfy them (RFC 7672 section 3). */
    private Verdict authenticated(DaneStep step, PeerObservation seen) {
        if (!seen.encrypted()) {
            String why = seen.failure().orElse("no TLS");
            return Verdict.of(Outcome.REFUSE, CertificateVerification.notChecked(), why + " (" + step.reason() + ")")
                .type(TlsMetricNames.tlsFailureReason(attempt(CertificateVerification.notChecked()), Optional.of(why)));
        }
        DaneVerdict dane = new DaneCertificateVerifier(clock).verify(seen.chain(), step.tlsa(), step.referenceNames());
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
