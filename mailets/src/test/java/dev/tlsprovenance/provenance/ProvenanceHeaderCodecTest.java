package dev.tlsprovenance.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProvenanceHeaderCodecTest {
    @Test
    void cleartextHeaderText() {
        assertThat(ProvenanceHeaderCodec.format(ProvenanceSamples.cleartextInbound())).isEqualTo(
            "v=1; dir=inbound; transport=cleartext; by=mx.james.test; addr=127.0.0.1; helo=client.test;"
                + " verify=not-presented; session=SMTP-7f3a; time=2026-11-29T10:15:30Z");
    }

    @Test
    void tlsHeaderQuotesDistinguishedNamesSoTheirCommasAndEqualsSignsStayInside() {
        String header = ProvenanceHeaderCodec.format(ProvenanceSamples.starttlsInboundWithClientCertificate());

        assertThat(header)
            .startsWith("v=1; dir=inbound; transport=starttls; protocol=TLSv1.3; cipher=TLS_AES_256_GCM_SHA384; bits=256;")
            .contains("; verify=verified; trust=listener-truststore;")
            .contains("; peer-subject=\"CN=relay.partner.test,O=Partner\\\\, Inc.\";")
            .contains("; peer-san=\"DNS:relay.partner.test,IP:127.0.0.1\";");
    }

    @Test
    void formatThenParseIsIdentity() throws Exception {
        for (TlsProvenance record : new TlsProvenance[] {ProvenanceSamples.cleartextInbound(),
            ProvenanceSamples.starttlsInboundWithClientCertificate(), ProvenanceSamples.failedOutboundAttempt()}) {
            assertThat(ProvenanceHeaderCodec.parse(ProvenanceHeaderCodec.format(record))).isEqualTo(record);
        }
    }

    @Test
    void foldedHeaderParses() throws Exception {
        String folded = ProvenanceHeaderCodec.format(ProvenanceSamples.starttlsInboundWithClientCertificate())
            .replace("; ", ";\r\n\t");

        assertThat(ProvenanceHeaderCodec.parse(folded)).isEqualTo(ProvenanceSamples.starttlsInboundWithClientCertificate());
    }

    @Test
    void nonAsciiIsEscapedAndRestored() throws Exception {
        TlsProvenance record = ProvenanceSamples.cleartextInbound().toBuilder().heloName("mäil.test \"quoted\"").build();
        String header = ProvenanceHeaderCodec.format(record);

        assertThat(header).contains("helo=\"m\\u00e4il.test \\\"quoted\\\"\"");
        assertThat(header.chars().allMatch(c -> c < 0x7F)).isTrue();
        assertThat(ProvenanceHeaderCodec.parse(header)).isEqualTo(record);
    }

    @Test
    void malformedHeadersAreRejectedWithAReason() {
        assertThatThrownBy(() -> ProvenanceHeaderCodec.parse("dir=inbound; transport=starttls"))
            .isInstanceOf(MalformedProvenanceException.class).hasMessageContaining("version");
        assertThatThrownBy(() -> ProvenanceHeaderCodec.parse("v=2; dir=inbound"))
            .isInstanceOf(MalformedProvenanceException.class).hasMessageContaining("v=2");
        assertThatThrownBy(() -> ProvenanceHeaderCodec.parse("v=1; helo=\"unterminated"))
            .isInstanceOf(MalformedProvenanceException.class).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> ProvenanceHeaderCodec.parse("v=1; v=1"))
            .isInstanceOf(MalformedProvenanceException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> ProvenanceHeaderCodec.parse("v=1; dir=inbound transport=starttls"))
            .isInstanceOf(MalformedProvenanceException.class).hasMessageContaining("expected ';'");
    }
}
