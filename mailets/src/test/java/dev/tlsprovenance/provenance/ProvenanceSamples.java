package dev.tlsprovenance.provenance;

import java.time.Instant;
import java.util.List;

/** Hand-built records shared by the core's tests. */
public final class ProvenanceSamples {
    public static final Instant TIME = Instant.parse("2026-11-29T10:15:30Z");

    private ProvenanceSamples() {
    }

    public static TlsProvenance cleartextInbound() {
        return TlsProvenance.builder(Direction.INBOUND)
            .transport(Transport.CLEARTEXT)
            .localHost("mx.james.test")
            .remoteAddress("127.0.0.1")
            .heloName("client.test")
            .sessionId("SMTP-7f3a")
            .time(TIME)
            .build();
    }

    public static CertificateSummary clientCertificate() {
        return new CertificateSummary("CN=relay.partner.test,O=Partner\\, Inc.", "CN=Test Intermediate CA",
            List.of("DNS:relay.partner.test", "IP:127.0.0.1"), "1f2e", "ab".repeat(32),
            Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));
    }

    public static TlsProvenance starttlsInboundWithClientCertificate() {
        return TlsProvenance.builder(Direction.INBOUND)
            .transport(Transport.STARTTLS)
            .protocol("TLSv1.3")
            .cipherSuite("TLS_AES_256_GCM_SHA384")
            .peerCertificate(clientCertificate())
            .peerVerification(CertificateVerification.verified("listener-truststore"))
            .localHost("mx.james.test")
            .remoteAddress("127.0.0.1")
            .heloName("relay.partner.test")
            .authenticated(true)
            .sessionId("SMTP-8b01")
            .time(TIME)
            .build();
    }

    public static TlsProvenance failedOutboundAttempt() {
        return TlsProvenance.builder(Direction.OUTBOUND)
            .transport(Transport.CLEARTEXT)
            .peerVerification(CertificateVerification.failed("jvm-default", "server did not offer STARTTLS"))
            .localHost("mx.james.test")
            .remoteAddress("127.0.0.2")
            .remoteHost("smarthost.contoso.test")
            .recipientDomain("contoso1.microsoftonline.com")
            .nextHop("smarthost.contoso.test:25")
            .policyLevel("verify")
            .outcome("not delivered: server did not offer STARTTLS")
            .attempt(2)
            .time(TIME)
            .build();
    }
}
