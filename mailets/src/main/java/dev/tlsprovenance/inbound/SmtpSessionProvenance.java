package dev.tlsprovenance.inbound;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;

import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.CipherSuites;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.provenance.VerificationStatus;
import dev.tlsprovenance.smtpserver.WantClientAuthSMTPServer;

/**
 * Reads the TLS provenance of the current mail transaction from a James SMTP session.
 *
 * <p>How James 3.8.1 exposes the facts: {@code isTLSStarted()} is true once an SSL handler sits in the
 * connection's pipeline; {@code isStartTLSSupported()} is true only on a listener configured with
 * {@code startTLS="true"} (James refuses {@code socketTLS} and {@code startTLS} together), so an encrypted
 * session on a listener without STARTTLS is implicit TLS. A client certificate can only be present when
 * the listener has {@code <clientAuth>}, which James 3.8.1 always turns into "need": the engine has then
 * already checked the certificate against the listener's truststore, or the handshake would have failed.
 * A listener served by {@link WantClientAuthSMTPServer} ({@code wantClientAuth="true"}) accepts any
 * certificate and marks the session so: there the record says "not checked", and the namespace rules judge it;
 * when a rule did check and pass it in this transaction ({@link #rememberRuleVerification}), the record says
 * "verified" against that rule's trust, naming the name or pin that matched.
 *
 * <p>The record is computed once per transaction and kept on the session, so that the {@code Received:}
 * header and the mail attribute describe the very same hop (same time, same values).
 */
public final class SmtpSessionProvenance {

    /** Trust recorded for a client certificate accepted by the listener's TLS engine. */
    public static final String LISTENER_TRUST = "listener-truststore";
    static final String WANT_CLIENT_AUTH_NOT_CHECKED =
        "listener requests client certificates without verifying them (wantClientAuth); namespace rules check them";

    private static final AttachmentKey<TlsProvenance> CURRENT_TRANSACTION =
        AttachmentKey.of("dev.tlsprovenance.inbound.provenance", TlsProvenance.class);
    private static final AttachmentKey<ConnectionTls> CONNECTION_TLS =
        AttachmentKey.of("dev.tlsprovenance.inbound.connectionTls", ConnectionTls.class);
    private static final AttachmentKey<RuleVerifications> RULE_VERIFICATIONS =
        AttachmentKey.of("dev.tlsprovenance.inbound.ruleVerifications", RuleVerifications.class);
    private static final AttachmentKey<String> HELO_MODE = SMTPSession.CURRENT_HELO_MODE;

    private SmtpSessionProvenance() {
    }

    /** The provenance of the current transaction, computed on first use and then reused. */
    public static TlsProvenance of(SMTPSession session, Clock clock) {
        Optional<TlsProvenance> known = session.getAttachment(CURRENT_TRANSACTION, State.Transaction);
        if (known.isPresent()) {
            return known.get();
        }
        TlsProvenance provenance = read(session, clock);
        session.setAttachment(CURRENT_TRANSACTION, provenance, State.Transaction);
        return provenance;
    }

    /**
     * Remembers, for the current transaction, that a namespace rule checked the client certificate and passed it
     * (at MAIL or RCPT, by {@code RequireTlsForNamespacesHook}): on a listener that only requests certificates, that
     * check is what the record, the stamp and the {@code Received:} line then state.
     */
    public static void rememberRuleVerification(SMTPSession session, CertificateVerification verification) {
        RuleVerifications known = session.getAttachment(RULE_VERIFICATIONS, State.Transaction).orElse(RuleVerifications.NONE);
        session.setAttachment(RULE_VERIFICATIONS, known.with(verification), State.Transaction);
        session.removeAttachment(CURRENT_TRANSACTION, State.Transaction);
    }

    public static Optional<String> heloMode(SMTPSession session) {
        return session.getAttachment(HELO_MODE, State.Connection);
    }

    static TlsProvenance read(SMTPSession session, Clock clock) {
        TlsProvenance.Builder builder = TlsProvenance.builder(Direction.INBOUND)
            .remoteAddress(session.getRemoteAddress().getAddress().getHostAddress())
            .remoteHost(session.getRemoteAddress().getHostName())
            .localHost(session.getConfiguration().getHelloName())
            .time(clock.instant())
            .sessionId(session.getSessionID())
            .authenticated(session.getUsername() != null);
        session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).ifPresent(builder::heloName);

        Optional<SSLSession> tls = session.isTLSStarted() ? session.getSSLSession() : Optional.empty();
        if (tls.isEmpty()) {
            return builder.transport(Transport.CLEARTEXT)
                .peerVerification(CertificateVerification.notPresented())
                .build();
        }
        ConnectionTls connection = connectionTls(session, tls.get());
        connection.applyTo(builder);
        if (connection.clientCertificate.isPresent() && connection.verification.status() == VerificationStatus.NOT_CHECKED) {
            session.getAttachment(RULE_VERIFICATIONS, State.Transaction)
                .ifPresent(checked -> builder.peerVerification(checked.combined()));
        }
        return builder.build();
    }

    /**
     * The TLS facts of the connection, read from its {@link SSLSession} once and reused for every further mail on
     * the connection: asking a session without a client certificate for one throws (an exception with a deep
     * stack trace per mail), and summarising a client certificate hashes and parses it. Keyed by the session
     * object, so a new handshake on the same connection is read afresh.
     */
    private static ConnectionTls connectionTls(SMTPSession session, SSLSession ssl) {
        Optional<ConnectionTls> known = session.getAttachment(CONNECTION_TLS, State.Connection);
        if (known.isPresent() && known.get().sslSession == ssl) {
            return known.get();
        }
        ConnectionTls facts = new ConnectionTls(ssl, session.isStartTLSSupported() ? Transport.STARTTLS : Transport.IMPLICIT_TLS);
        session.setAttachment(CONNECTION_TLS, facts, State.Connection);
        return facts;
    }

    /** What one TLS session says about the client; immutable. */
    private static final class ConnectionTls {
        final SSLSession sslSession;
        final Transport transport;
        final String protocol;
        final String cipherSuite;
        final int cipherBits;
        final Optional<CertificateSummary> clientCertificate;
        final CertificateVerification verification;

        ConnectionTls(SSLSession ssl, Transport transport) {
            this.sslSession = ssl;
            this.transport = transport;
            this.protocol = ssl.getProtocol();
            this.cipherSuite = ssl.getCipherSuite();
            this.cipherBits = CipherSuites.strengthBits(cipherSuite);
            this.clientCertificate = clientCertificate(ssl).map(CertificateSummary::of);
            this.verification = clientCertificate.isPresent() ? listenerVerification(ssl) : CertificateVerification.notPresented();
        }

        void applyTo(TlsProvenance.Builder builder) {
            builder.transport(transport)
                .protocol(protocol)
                .cipherSuite(cipherSuite)
                .cipherBits(cipherBits)
                .peerVerification(verification);
            clientCertificate.ifPresent(builder::peerCertificate);
        }
    }

    /** The passed rule checks of one transaction, in order, each once; immutable. */
    private static final class RuleVerifications {
        static final RuleVerifications NONE = new RuleVerifications(List.of());
        final List<CertificateVerification> checks;

        RuleVerifications(List<CertificateVerification> checks) {
            this.checks = List.copyOf(checks);
        }

        RuleVerifications with(CertificateVerification check) {
            if (checks.contains(check)) {
                return this;
            }
            List<CertificateVerification> more = new ArrayList<>(checks);
            more.add(check);
            return new RuleVerifications(more);
        }

        /** One verification for the record: every trust that vouched and every row's detail. */
        CertificateVerification combined() {
            if (checks.size() == 1) {
                return checks.get(0);
            }
            String trusts = checks.stream().map(CertificateVerification::trust).distinct().collect(Collectors.joining(" + "));
            String details = checks.stream().map(CertificateVerification::reason).distinct().collect(Collectors.joining("; "));
            return CertificateVerification.verified(trusts, details);
        }
    }

    private static CertificateVerification listenerVerification(SSLSession ssl) {
        boolean acceptedWithoutChecking =
            WantClientAuthSMTPServer.WANT_UNVERIFIED.equals(ssl.getValue(WantClientAuthSMTPServer.CLIENT_AUTH_SESSION_VALUE));
        return acceptedWithoutChecking
            ? CertificateVerification.notChecked(WANT_CLIENT_AUTH_NOT_CHECKED)
            : CertificateVerification.verified(LISTENER_TRUST);
    }

    private static Optional<X509Certificate> clientCertificate(SSLSession ssl) {
        try {
            Certificate[] chain = ssl.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate) {
                return Optional.of((X509Certificate) chain[0]);
            }
            return Optional.empty();
        } catch (SSLPeerUnverifiedException noCertificate) {
            return Optional.empty();
        }
    }
}
