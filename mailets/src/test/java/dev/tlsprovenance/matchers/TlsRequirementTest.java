package dev.tlsprovenance.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.ProvenanceSamples;
import dev.tlsprovenance.provenance.TlsProvenance;

class TlsRequirementTest {

    private static final TlsProvenance TLS13_WITH_VERIFIED_CERT = ProvenanceSamples.starttlsInboundWithClientCertificate();
    private static final TlsProvenance TLS12_WITHOUT_CERT = ProvenanceSamples.cleartextInbound().toBuilder()
        .transport(dev.tlsprovenance.provenance.Transport.IMPLICIT_TLS).protocol("TLSv1.2")
        .cipherSuite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").build();

    @Test
    void emptyConditionMeansAnyTlsButNeverCleartext() {
        TlsRequirement anyTls = TlsRequirement.parse("");

        assertThat(anyTls.isMetBy(TLS13_WITH_VERIFIED_CERT)).isTrue();
        assertThat(anyTls.isMetBy(TLS12_WITHOUT_CERT)).isTrue();
        assertThat(anyTls.isMetBy(ProvenanceSamples.cleartextInbound())).isFalse();
    }

    @Test
    void minimumProtocolComparesVersions() {
        assertThat(TlsRequirement.parse("minProtocol=TLSv1.2").isMetBy(TLS12_WITHOUT_CERT)).isTrue();
        assertThat(TlsRequirement.parse("minProtocol=TLSv1.3").isMetBy(TLS12_WITHOUT_CERT)).isFalse();
        assertThat(TlsRequirement.parse(" minprotocol=tlsv1.3 ").isMetBy(TLS13_WITH_VERIFIED_CERT)).isTrue();
    }

    @Test
    void verifiedClientCertificateNeedsAPresentedAndVerifiedCertificate() {
        TlsRequirement mutualTls = TlsRequirement.parse("minProtocol=TLSv1.2, verifiedClientCert");

        assertThat(mutualTls.isMetBy(TLS13_WITH_VERIFIED_CERT)).isTrue();
        assertThat(mutualTls.isMetBy(TLS12_WITHOUT_CERT)).isFalse();
        assertThat(mutualTls.isMetBy(TLS13_WITH_VERIFIED_CERT.toBuilder()
            .peerVerification(CertificateVerification.failed("listener-truststore", "expired")).build())).isFalse();
    }

    @Test
    void badTermsAreNamed() {
        assertThatThrownBy(() -> TlsRequirement.parse("minProtocol=TLSv9"))
            .hasMessageContaining("unknown protocol 'TLSv9'")
            .hasMessageContaining("TLSv1.3");
        assertThatThrownBy(() -> TlsRequirement.parse("verifiedClientCert,strong"))
            .hasMessageContaining("unknown term 'strong'");
    }
}
