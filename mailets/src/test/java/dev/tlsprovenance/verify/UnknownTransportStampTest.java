package dev.tlsprovenance.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.ProvenanceHeaderCodec;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

/**
 * The stamp our server writes for a mail whose inbound record it did not believe ({@code transport=unknown}) is
 * never TLS for the verifier, even where the Received line of the same hop claims TLS.
 */
class UnknownTransportStampTest {
    private static final TlsProvenance UNKNOWN = TlsProvenance.builder(Direction.INBOUND).transport(Transport.UNKNOWN)
        .localHost("mx.example.test").remoteAddress("203.0.113.5").time(Instant.parse("2026-11-30T09:00:02Z"))
        .peerVerification(CertificateVerification.notChecked("no inbound TLS record sealed by this server: the record has no seal"))
        .build();

    @Test
    void theCodecReadsTransportUnknownBackAsNotEncrypted() throws Exception {
        String header = ProvenanceHeaderCodec.format(UNKNOWN);

        assertThat(header).startsWith("v=1; dir=inbound; transport=unknown; by=mx.example.test; addr=203.0.113.5; verify=not-checked; "
            + "reason=\"no inbound TLS record sealed by this server: the record has no seal\"; time=2026-11-30T09:00:02Z");
        TlsProvenance parsed = ProvenanceHeaderCodec.parse(header);
        assertThat(parsed).isEqualTo(UNKNOWN);
        assertThat(parsed.isEncrypted()).isFalse();
    }

    @Test
    void aHopStampedUnknownIsNotTlsWhateverItsReceivedLineSays() {
        String received = "Received: from edge.example.test ([203.0.113.5]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384"
            + " (256/256 bits)) by mx.example.test (JAMES SMTP Server) with ESMTPS ID 1; Mon, 30 Nov 2026 09:00:02 +0000\r\n";
        String stamp = "X-TLS-Provenance: " + ProvenanceHeaderCodec.format(UNKNOWN) + "\r\n";

        MessageReport report = new TraceAnalyzer(TrustBoundary.everything())
            .analyze(HeaderBlock.parse(stamp + received + "Subject: t\r\n\r\nbody\r\n"));

        assertThat(report.hops()).singleElement().satisfies(hop -> {
            assertThat(hop.source()).isEqualTo(HopSource.PROVENANCE);
            assertThat(hop.tls()).isNotEqualTo(TlsStatus.YES);
        });
        assertThat(report.verdict()).isNotEqualTo(Verdict.TLS_ALL_THE_WAY);
    }
}
