package dev.tlsprovenance.outbound;

import dev.tlsprovenance.metrics.TlsMetricNames;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.CipherSuites;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Opens an SMTP session to a next hop at the TLS level a policy row demands.
 * <ul>
 *   <li>{@code none}: never STARTTLS.</li>
 *   <li>{@code may}: STARTTLS when offered; on no offer, a refusal or a failed handshake, carries on (or reconnects)
 *   in cleartext and records that it fell back.</li>
 *   <li>{@code encrypt} and above: no STARTTLS, a refusal or a failed handshake ends the attempt before any
 *   envelope or message byte is sent; {@code verify}, {@code secure} and {@code fingerprint} also end it when the
 *   {@link ServerCertificateCheck} fails.</li>
 * </ul>
 * A mail that demands REQUIRETLS is held to at least {@code verify}, and needs REQUIRETLS in the EHLO reply given
 * after TLS was established (the reply before STARTTLS does not count).
 * A hop with {@link NextHop#dane()} (secure usable TLSA records) is held to TLS and its chain is judged by those
 * records instead of the row's check ({@link DaneAuthentication}); the hop is connected to at
 * {@link NextHop#connectAddress()}, the DNSSEC-validated address.
 * A hop with {@link NextHop#sts()} (a destination's MTA-STS policy, no DANE) has its chain judged by
 * {@link StsAuthentication}: under {@code enforce} TLS is required and a failure ends the attempt (the diagnostic
 * starts {@code MTA-STS <result-type>:}); under {@code testing} the failure, or a missing STARTTLS, is only recorded.
 */
public final class SmtpConnector {
    private final String heloName;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Clock clock;

    public SmtpConnector(String heloName, Duration connectTimeout, Duration readTimeout, Clock clock) {
        this.heloName = heloName;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.clock = clock;
    }

    public String heloName() {
        return heloName;
    }

    /** The level actually enforced: REQUIRETLS mail is never sent with less than a verified chain. */
    public static OutboundLevel effectiveLevel(OutboundLevel rowLevel, boolean requireTls) {
        return requireTls && !rowLevel.verifiesPeer() ? OutboundLevel.VERIFY : rowLevel;
    }

    /** At one hop: a DANE-authenticated hop is verified by its TLSA records, which REQUIRETLS accepts (RFC 8689 4.2). */
    public static OutboundLevel effectiveLevel(OutboundLevel rowLevel, NextHop hop, boolean requireTls) {
        OutboundLevel atHop = hop.level().orElse(rowLevel);
        return hop.dane().isPresent() || hop.sts().filter(StsAuthentication::enforced).isPresent() ? atHop
            : effectiveLevel(atHop, requireTls);
    }

    private static boolean tlsRequired(OutboundLevel level, NextHop hop) {
        return level.requiresTls() || hop.dane().isPresent() || hop.sts().filter(StsAuthentication::enforced).isPresent();
    }

    /** Whether a failed certificate check ends the attempt: the level's, DANE's, or an enforced MTA-STS policy's. */
    private static boolean verificationEnforced(OutboundLevel level, NextHop hop) {
        return level.verifiesPeer() || hop.dane().isPresent() || hop.sts().filter(StsAuthentication::enforced).isPresent();
    }

    public SmtpConnection open(NextHop hop, OutboundTls tls, OutboundLevel level, boolean requireTls)
            throws AttemptFailedException {
        TlsProvenance.Builder facts = TlsProvenance.builder(Direction.OUTBOUND)
            .localHost(heloName).remoteHost(hop.host()).remoteAddress(hop.host()).nextHop(hop.toString())
            .policyLevel(level.token()).requireTls(requireTls).peerVerification(CertificateVerification.notChecked())
            .time(clock.instant());
        try {
            return attempt(hop, tls, level, requireTls, facts, true);
        } catch (CleartextRetry retry) {
            facts.fellBackToCleartext(true);
            try {
                return attempt(hop, tls, level, requireTls, facts, false);
            } catch (CleartextRetry impossible) {
                throw new IllegalStateException("no TLS was tried", impossible);
            }
        }
    }

    private SmtpConnection attempt(NextHop hop, OutboundTls tls, OutboundLevel level, boolean requireTls,
                                   TlsProvenance.Builder facts, boolean tryTls)
            throws AttemptFailedException, CleartextRetry {
        SmtpClient client;
        try {
            client = SmtpClient.connect(hop.connectAddress(), hop.port(), connectTimeout, readTimeout);
        } catch (IOException e) {
            throw new AttemptFailedException(DeliveryFailure.network("cannot connect to " + hop + ": " + e.getMessage()), facts);
        }
        facts.remoteAddress(client.remoteAddress());
        try {
            if (hop.implicitTls()) {
                facts.transport(Transport.IMPLICIT_TLS);
                handshake(client, hop, tls, facts);
            }
            expect(hop.implicitTls() ? firstReplyOverTls(client::readReply, hop, facts) : client.readReply(), "greeting", facts);
            SmtpReply ehlo = ehlo(client, facts);
            if (!hop.implicitTls() && level != OutboundLevel.NONE && tryTls) {
                ehlo = startTls(client, hop, tls, level, ehlo, facts);
            }
            boolean encrypted = client.sslSession().isPresent();
            if (encrypted) {
                X509Certificate[] chain = peerChain(client.sslSession().get());
                CertificateVerification verification = hop.dane().isPresent()
                    ? (chain.length == 0 ? CertificateVerification.failed(DaneAuthentication.TRUST,
                        "DANE validation-failure: the server presented no certificate") : hop.dane().get().check(chain, clock))
                    : hop.sts().isPresent() ? hop.sts().get().check(chain, clock)
                    : tls.check().check(level, chain, hop.host());
                facts.peerVerification(verification);
                if (verificationEnforced(level, hop) && !verification.isVerified()) {
                    client.quitQuietly();
                    throw new AttemptFailedException(DeliveryFailure.cryptographicFailure(verification.reason()), facts);
                }
            }
            boolean offersRequireTls = encrypted && ehlo.hasEhloKeyword("REQUIRETLS");
            if (requireTls && !offersRequireTls) {
                client.quitQuietly();
                throw new AttemptFailedException(DeliveryFailure.requireTlsUnsupported(
                    "REQUIRETLS: next hop " + hop + " did not offer REQUIRETLS after STARTTLS"), facts);
            }
            return new SmtpConnection(client, hop, level, facts.build(), offersRequireTls);
        } catch (SSLException e) {
            // TLS 1.3: a server rejecting our certificate says so only after our side finished the handshake.
            client.close();
            throw new AttemptFailedException(DeliveryFailure.cryptographicFailure("TLS failure after handshake: " + e.getMessage()), facts);
        } catch (IOException e) {
            client.close();
            throw new AttemptFailedException(DeliveryFailure.network("connection to " + hop + " lost: " + e.getMessage()), facts);
        } catch (AttemptFailedException | CleartextRetry e) {
            client.close();
            throw e;
        }
    }

    private SmtpReply ehlo(SmtpClient client, TlsProvenance.Builder facts) throws IOException, AttemptFailedException {
        SmtpReply ehlo = client.command("EHLO " + heloName);
        if (ehlo.isPositive()) {
            return ehlo;
        }
        SmtpReply helo = client.command("HELO " + heloName);
        expect(helo, "HELO", facts);
        return helo;
    }

    /** Returns the EHLO reply to use from now on: the one given after TLS when TLS was established. */
    private SmtpReply startTls(SmtpClient client, NextHop hop, OutboundTls tls, OutboundLevel level, SmtpReply ehlo,
                               TlsProvenance.Builder facts) throws IOException, AttemptFailedException, CleartextRetry {
        if (!ehlo.hasEhloKeyword("STARTTLS")) {
            return cleartextOrFail(client, hop, tlsRequired(level, hop), facts, DeliveryFailure.encryptionNeeded("server did not offer STARTTLS"));
        }
        SmtpReply go = client.command("STARTTLS");
        if (go.code() != 220) {
            return cleartextOrFail(client, hop, tlsRequired(level, hop), facts, DeliveryFailure.encryptionNeeded("STARTTLS refused: " + go));
        }
        facts.transport(Transport.STARTTLS);
        try {
            handshake(client, hop, tls, facts);
        } catch (AttemptFailedException e) {
            if (!tlsRequired(level, hop)) {
                // Postfix does the same at "may": a broken handshake leaves no usable session, so start over in cleartext.
                facts.transport(Transport.CLEARTEXT);
                facts.peerVerification(hop.sts().map(sts -> sts.handshakeFailed(e.getMessage()))
                    .orElse(CertificateVerification.failed(tls.check().trust().name(), e.getMessage())));
                throw new CleartextRetry();
            }
            throw e;
        }
        SmtpReply secured = firstReplyOverTls(() -> client.command("EHLO " + heloName), hop, facts);
        expect(secured, "EHLO after STARTTLS", facts);
        return secured;
    }

    private SmtpReply cleartextOrFail(SmtpClient client, NextHop hop, boolean tlsRequired, TlsProvenance.Builder facts,
                                      DeliveryFailure failure) throws AttemptFailedException, IOException {
        if (tlsRequired) {
            client.quitQuietly();
            throw new AttemptFailedException(hop.sts().filter(StsAuthentication::enforced).isPresent()
                ? DeliveryFailure.encryptionNeeded(TlsMetricNames.STS_FAILURE_PREFIX + "starttls-not-supported: "
                    + failure.diagnostic() + " (MTA-STS mode enforce)") : failure, facts);
        }
        facts.fellBackToCleartext(true).outcome(failure.diagnostic());
        hop.sts().ifPresent(sts -> facts.peerVerification(sts.noTls(failure.diagnostic())));
        // After a refused STARTTLS the session is still a valid cleartext one; a fresh EHLO keeps it clean.
        return client.command("EHLO " + heloName);
    }

    private void handshake(SmtpClient client, NextHop hop, OutboundTls tls, TlsProvenance.Builder facts)
            throws AttemptFailedException {
        try {
            SSLSession session = client.upgradeToTls(tls.socketFactory(), hop.host(), hop.port(), tls.protocols());
            facts.protocol(session.getProtocol()).cipherSuite(session.getCipherSuite())
                .cipherBits(CipherSuites.strengthBits(session.getCipherSuite()));
            X509Certificate[] chain = peerChain(session);
            if (chain.length > 0) {
                facts.peerCertificate(CertificateSummary.of(chain[0]));
            }
        } catch (SSLException e) {
            throw new AttemptFailedException(DeliveryFailure.cryptographicFailure("TLS handshake failed: " + e.getMessage()), facts);
        } catch (IOException e) {
            throw new AttemptFailedException(DeliveryFailure.cryptographicFailure(
                "TLS handshake failed: connection closed by " + hop + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")")), facts);
        }
    }

    /**
     * With TLS 1.3 the client finishes its handshake before the server has judged the client's certificate; a
     * rejection then shows up as an alert or a broken pipe on the first exchange, which is a TLS failure.
     */
    private static SmtpReply firstReplyOverTls(Exchange exchange, NextHop hop, TlsProvenance.Builder facts)
            throws AttemptFailedException {
        try {
            return exchange.run();
        } catch (IOException e) {
            throw new AttemptFailedException(DeliveryFailure.cryptographicFailure(
                "TLS session with " + hop + " failed right after the handshake: " + e.getMessage()), facts);
        }
    }

    @FunctionalInterface
    private interface Exchange {
        SmtpReply run() throws IOException;
    }

    private static X509Certificate[] peerChain(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return Arrays.copyOf(chain, chain.length, X509Certificate[].class);
        } catch (SSLPeerUnverifiedException e) {
            return new X509Certificate[0];
        }
    }

    private static void expect(SmtpReply reply, String during, TlsProvenance.Builder facts) throws AttemptFailedException {
        if (!reply.isPositive()) {
            throw new AttemptFailedException(DeliveryFailure.remote(reply, "to " + during), facts);
        }
    }

    /** Internal signal: a {@code may} handshake failed, reconnect without STARTTLS. */
    private static final class CleartextRetry extends Exception {
        private static final long serialVersionUID = 1L;

        CleartextRetry() {
            super(null, null, false, false);
        }
    }
}
