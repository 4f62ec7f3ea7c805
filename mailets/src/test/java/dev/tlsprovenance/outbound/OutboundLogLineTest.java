package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class OutboundLogLineTest {
    @Test
    void oneGrepableLinePerAttempt() {
        TlsProvenance attempt = TlsProvenance.builder(Direction.OUTBOUND).transport(Transport.STARTTLS).protocol("TLSv1.3")
            .cipherSuite("TLS_AES_256_GCM_SHA384").cipherBits(256).localHost("james.sender.test").remoteAddress("192.0.2.7")
            .remoteHost("mx.partner.test").recipientDomain("partner.test").nextHop("mx.partner.test:25").policyLevel("verify")
            .peerVerification(CertificateVerification.verified("jvm-default")).outcome("250 2.0.0 Ok").attempt(1)
            .time(Instant.parse("2026-11-29T10:00:00Z")).build();
        assertThat(OutboundLogLine.format(attempt)).isEqualTo("domain=partner.test next-hop=mx.partner.test:25 addr=192.0.2.7"
            + " tls=verify transport=starttls protocol=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=verified"
            + " trust=jvm-default peer=- fallback=no requiretls=no attempt=1 outcome=\"250 2.0.0 Ok\"");
    }
}
