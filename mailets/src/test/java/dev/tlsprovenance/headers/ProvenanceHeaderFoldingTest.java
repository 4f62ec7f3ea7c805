package dev.tlsprovenance.headers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.provenance.ProvenanceHeaderCodec;
import dev.tlsprovenance.provenance.ProvenanceSamples;
import dev.tlsprovenance.provenance.TlsProvenance;

class ProvenanceHeaderFoldingTest {

    @Test
    void foldsBetweenPairsToShortLinesAndParsesBackUnchanged() throws Exception {
        TlsProvenance record = ProvenanceSamples.starttlsInboundWithClientCertificate().toBuilder()
            .peerCertificate(new dev.tlsprovenance.provenance.CertificateSummary(
                "CN=relay.partner.test,OU=A very long organisational unit; with=semicolons,O=Partner",
                "CN=Test Intermediate CA", java.util.List.of("DNS:relay.partner.test"), "1f2e", "ab".repeat(32),
                ProvenanceSamples.TIME, ProvenanceSamples.TIME))
            .build();
        String value = ProvenanceHeaderCodec.format(record);

        String folded = ProvenanceHeaderFolding.fold("X-TLS-Provenance", value);

        assertThat(folded.replace("\r\n", "")).as("RFC 5322 unfolding restores the value").isEqualTo(value);
        String[] lines = ("X-TLS-Provenance: " + folded).split("\r\n");
        assertThat(lines).hasSizeGreaterThan(3);
        for (String line : lines) {
            boolean theOneOverlongPair = line.trim().startsWith("peer-subject=") && line.trim().endsWith("Partner\";");
            assertThat(line.length() <= 78 || theOneOverlongPair).as(line).isTrue();
        }
        assertThat(ProvenanceHeaderCodec.parse(folded)).isEqualTo(record);
    }

    @Test
    void leavesAShortValueOnOneLine() {
        assertThat(ProvenanceHeaderFolding.fold("X-TLS-Provenance", "v=1; dir=inbound")).isEqualTo("v=1; dir=inbound");
    }
}
