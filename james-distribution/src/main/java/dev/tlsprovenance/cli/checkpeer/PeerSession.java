package dev.tlsprovenance.cli.checkpeer;

import java.io.IOException;
import java.net.InetAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import dev.tlsprovenance.cli.checkpeer.PeerObservation.StartTls;
import dev.tlsprovenance.outbound.OutboundTls;
import dev.tlsprovenance.outbound.SmtpClient;
import dev.tlsprovenance.outbound.SmtpReply;

/**
 * One SMTP session the way the delivery opens it ({@link SmtpClient}, the row's {@link OutboundTls}: its protocols,
 * its client certificate, its accept-then-judge trust manager), stopped right after the TLS handshake: greeting,
 * EHLO, STARTTLS when offered, handshake, EHLO again, QUIT. Never MAIL FROM. The chain is judged afterwards by the
 * caller, as the delivery does.
 */
final class PeerSession {
    private final String heloName;
    private final Duration timeout;

    PeerSession(String heloName, Duration timeout) {
        this.heloName = heloName;
        this.timeout = timeout;
    }

    /**
     * @param host       the next hop's name: SNI and the name the certificate is checked against
     * @param address    where to connect (an address from a DNSSEC lookup), or empty for the system resolver
     * @param tryTls     false at level {@code none}
     */
    PeerObservation observe(String host, Optional<InetAddress> address, int port, boolean implicitTls, boolean tryTls,
                            OutboundTls tls) {
        String connectTo = address.map(InetAddress::getHostAddress).orElse(host);
        SmtpClient client;
        try {
            client = SmtpClient.connect(connectTo, port, timeout, timeout);
        } catch (IOException e) {
            return PeerObservation.unreachable("", "cannot connect to " + host + ":" + port + ": " + describe(e));
        }
        String reached = client.remoteAddress();
        Optional<String> protocol = Optional.empty();
        Optional<String> cipher = Optional.empty();
        List<X509Certificate> chain = List.of();
        List<String> keywords = List.of();
        String greeting = "";
        StartTls startTls = StartTls.NOT_TRIED;
        try {
            if (implicitTls) {
                SSLSession session;
                try {
                    session = client.upgradeToTls(tls.socketFactory(), host, port, tls.protocols());
                } catch (IOException e) {
                    // No cleartext to fall back to on an SMTPS port: the attempt fails at every level, as in the delivery.
                    return failed(reached, "", List.of(), Optional.empty(), Optional.empty(), List.of(),
                        "TLS handshake failed: " + describe(e));
                }
                startTls = StartTls.IMPLICIT;
                protocol = Optional.of(session.getProtocol());
                cipher = Optional.of(session.getCipherSuite());
                chain = peerChain(session);
            }
            SmtpReply hello = client.readReply();
            greeting = String.join(" ", hello.lines());
            if (!hello.isPositive()) {
                return failed(reached, greeting, keywords, protocol, cipher, chain, "greeting refused: " + hello);
            }
            SmtpReply ehlo = ehlo(client);
            if (!ehlo.isPositive()) {
                return failed(reached, greeting, keywords, protocol, cipher, chain, "EHLO and HELO refused: " + ehlo);
            }
            keywords = ehlo.ehloKeywords();
            if (implicitTls || !tryTls) {
                return new PeerObservation(reached, greeting, keywords, startTls, protocol, cipher, chain, Optional.empty());
            }
            if (!ehlo.hasEhloKeyword("STARTTLS")) {
                return new PeerObservation(reached, greeting, keywords, StartTls.NOT_OFFERED, protocol, cipher, chain,
                    Optional.of("server did not offer STARTTLS"));
            }
            SmtpReply go = client.command("STARTTLS");
            if (go.code() != 220) {
                return new PeerObservation(reached, greeting, keywords, StartTls.REFUSED, protocol, cipher, chain,
                    Optional.of("STARTTLS refused: " + go));
            }
            SSLSession session;
            try {
                session = client.upgradeToTls(tls.socketFactory(), host, port, tls.protocols());
            } catch (IOException e) {
                return new PeerObservation(reached, greeting, keywords, StartTls.HANDSHAKE_FAILED, protocol, cipher, chain,
                    Optional.of("TLS handshake failed: " + describe(e)));
            }
            protocol = Optional.of(session.getProtocol());
            cipher = Optional.of(session.getCipherSuite());
            chain = peerChain(session);
            try {
                client.command("EHLO " + heloName);
            } catch (IOException e) {
                // TLS 1.3: a server refusing our client certificate says so on the first exchange after the handshake.
                // The delivery gives up on this attempt too (no cleartext retry once TLS was established).
                return failed(reached, greeting, keywords, protocol, cipher, chain,
                    "TLS session failed right after the handshake: " + describe(e));
            }
            return new PeerObservation(reached, greeting, keywords, StartTls.ESTABLISHED, protocol, cipher, chain, Optional.empty());
        } catch (IOException e) {
            return failed(reached, greeting, keywords, protocol, cipher, chain,
                "connection to " + host + ":" + port + " lost: " + describe(e));
        } finally {
            client.quitQuietly();
        }
    }

    private SmtpReply ehlo(SmtpClient client) throws IOException {
        SmtpReply ehlo = client.command("EHLO " + heloName);
        return ehlo.isPositive() ? ehlo : client.command("HELO " + heloName);
    }

    /** A session that ended before mail could be sent at any level: what was seen until then is kept for the report. */
    private static PeerObservation failed(String address, String greeting, List<String> keywords,
                                          Optional<String> protocol, Optional<String> cipher,
                                          List<X509Certificate> chain, String failure) {
        return new PeerObservation(address, greeting, keywords, StartTls.NOT_TRIED, protocol, cipher, chain, Optional.of(failure));
    }

    private static List<X509Certificate> peerChain(SSLSession session) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : session.getPeerCertificates()) {
                chain.add((X509Certificate) certificate);
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
