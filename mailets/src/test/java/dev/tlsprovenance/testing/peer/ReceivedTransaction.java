package dev.tlsprovenance.testing.peer;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * One SMTP transaction as the {@link TestSmtpPeer} saw it: envelope, content and the transport it arrived on.
 * Recorded when the DATA content has been read, whatever the peer then answered ({@link #finalReply()}).
 */
public final class ReceivedTransaction {
    private final int connectionNumber;
    private final String mailFrom;
    private final List<String> mailParameters;
    private final List<String> recipients;
    private final String data;
    private final boolean overTls;
    private final String protocol;
    private final String cipherSuite;
    private final X509Certificate clientCertificate;
    private final String heloName;
    private final String finalReply;

    ReceivedTransaction(int connectionNumber, String heloName, String mailFrom, List<String> mailParameters,
                        List<String> recipients, String data, TlsState tls, String finalReply) {
        this.connectionNumber = connectionNumber;
        this.heloName = heloName;
        this.mailFrom = mailFrom;
        this.mailParameters = List.copyOf(mailParameters);
        this.recipients = List.copyOf(recipients);
        this.data = data;
        this.overTls = tls != null;
        this.protocol = tls == null ? null : tls.protocol;
        this.cipherSuite = tls == null ? null : tls.cipherSuite;
        this.clientCertificate = tls == null ? null : tls.clientCertificate;
        this.finalReply = finalReply;
    }

    /** 1 for the first connection the peer accepted, 2 for the second... Lets a test prove connection reuse. */
    public int connectionNumber() {
        return connectionNumber;
    }

    public String heloName() {
        return heloName;
    }

    /** The reverse path without angle brackets ("" for the null sender). */
    public String mailFrom() {
        return mailFrom;
    }

    /** ESMTP parameters given on MAIL FROM, as sent (e.g. "REQUIRETLS", "SIZE=123"). */
    public List<String> mailParameters() {
        return mailParameters;
    }

    /** Recipients the peer accepted with 250, without angle brackets. */
    public List<String> recipients() {
        return recipients;
    }

    /** The message content after dot-unstuffing, lines joined with CRLF. */
    public String data() {
        return data;
    }

    public boolean overTls() {
        return overTls;
    }

    public Optional<String> protocol() {
        return Optional.ofNullable(protocol);
    }

    public Optional<String> cipherSuite() {
        return Optional.ofNullable(cipherSuite);
    }

    public Optional<X509Certificate> clientCertificate() {
        return Optional.ofNullable(clientCertificate);
    }

    /** What the peer answered after the terminating dot, e.g. "250 2.0.0 Ok: queued". */
    public String finalReply() {
        return finalReply;
    }

    public boolean accepted() {
        return finalReply.startsWith("2");
    }

    @Override
    public String toString() {
        return "ReceivedTransaction{conn=" + connectionNumber + ", from=" + mailFrom + ", params=" + mailParameters
            + ", rcpts=" + recipients + ", tls=" + (overTls ? protocol + "/" + cipherSuite : "no")
            + ", reply=" + finalReply + ", bytes=" + data.length() + "}";
    }

    /** The negotiated TLS state of a connection, captured once after the handshake. */
    static final class TlsState {
        final String protocol;
        final String cipherSuite;
        final X509Certificate clientCertificate;

        TlsState(String protocol, String cipherSuite, X509Certificate clientCertificate) {
            this.protocol = protocol;
            this.cipherSuite = cipherSuite;
            this.clientCertificate = clientCertificate;
        }
    }
}
