package dev.tlsprovenance.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TlsProvenanceTest {
    @Test
    void cleartextRecordSaysSoAndNamesNoCertificate() {
        Map<String, String> fields = ProvenanceSamples.cleartextInbound().toFields();

        assertThat(fields).containsExactly(
            Map.entry("dir", "inbound"),
            Map.entry("transport", "cleartext"),
            Map.entry("by", "mx.james.test"),
            Map.entry("addr", "127.0.0.1"),
            Map.entry("helo", "client.test"),
            Map.entry("verify", "not-presented"),
            Map.entry("session", "SMTP-7f3a"),
            Map.entry("time", "2026-11-29T10:15:30Z"));
    }

    @Test
    void tlsRecordCarriesProtocolCipherBitsAndCertificate() {
        Map<String, String> fields = ProvenanceSamples.starttlsInboundWithClientCertificate().toFields();

        assertThat(fields)
            .containsEntry("transport", "starttls")
            .containsEntry("protocol", "TLSv1.3")
            .containsEntry("cipher", "TLS_AES_256_GCM_SHA384")
            .containsEntry("bits", "256")
            .containsEntry("auth", "yes")
            .containsEntry("verify", "verified")
            .containsEntry("trust", "listener-truststore")
            .containsEntry("peer-subject", "CN=relay.partner.test,O=Partner\\, Inc.")
            .containsEntry("peer-san", "DNS:relay.partner.test,IP:127.0.0.1")
            .containsEntry("peer-sha256", "ab".repeat(32))
            .containsEntry("peer-not-after", "2027-01-01T00:00:00Z");
    }

    @Test
    void everyRecordSurvivesItsFields() throws Exception {
        for (TlsProvenance record : new TlsProvenance[] {ProvenanceSamples.cleartextInbound(),
            ProvenanceSamples.starttlsInboundWithClientCertificate(), ProvenanceSamples.failedOutboundAttempt()}) {
            assertThat(TlsProvenance.fromFields(record.toFields())).isEqualTo(record);
        }
    }

    @Test
    void unknownFieldsAreIgnoredSoNewerRecordsStayReadable() throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(ProvenanceSamples.cleartextInbound().toFields());
        fields.put("some-future-field", "x");

        assertThat(TlsProvenance.fromFields(fields)).isEqualTo(ProvenanceSamples.cleartextInbound());
    }

    @Test
    void missingOrBadFieldsAreNamed() {
        Map<String, String> noTransport = new LinkedHashMap<>(ProvenanceSamples.cleartextInbound().toFields());
        noTransport.remove("transport");
        Map<String, String> badTime = new LinkedHashMap<>(ProvenanceSamples.cleartextInbound().toFields());
        badTime.put("time", "yesterday");

        assertThatThrownBy(() -> TlsProvenance.fromFields(noTransport))
            .isInstanceOf(MalformedProvenanceException.class).hasMessageContaining("'transport'");
        assertThatThrownBy(() -> TlsProvenance.fromFields(badTime))
            .isInstanceOf(MalformedProvenanceException.class).hasMessageContaining("'time'").hasMessageContaining("yesterday");
    }

    @Test
    void aCleartextHopCannotClaimACipher() {
        assertThatThrownBy(() -> ProvenanceSamples.cleartextInbound().toBuilder().cipherSuite("TLS_AES_128_GCM_SHA256").build())
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void presentedButUncheckedCertificateIsNotCalledVerified() {
        TlsProvenance record = ProvenanceSamples.starttlsInboundWithClientCertificate().toBuilder()
            .peerVerification(null).build();

        assertThat(record.peerVerification().status()).isEqualTo(VerificationStatus.NOT_CHECKED);
    }

    @Test
    void aCopyWithAnotherCipherGetsThatCiphersStrength() {
        TlsProvenance copy = ProvenanceSamples.cleartextInbound().toBuilder()
            .transport(Transport.STARTTLS).protocol("TLSv1.2").cipherSuite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").build();

        assertThat(copy.cipherBits()).isEqualTo(128);
    }

    @Test
    void explicitBitsSurviveACopy() {
        TlsProvenance record = ProvenanceSamples.starttlsInboundWithClientCertificate().toBuilder().cipherBits(255).build();

        assertThat(record.toBuilder().build().cipherBits()).isEqualTo(255);
    }
}
