package dev.tlsprovenance.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tlsprovenance.provenance.ProvenanceSamples;
import dev.tlsprovenance.provenance.TlsProvenance;

class ProvenanceAttributesTest {
    @Test
    void inboundRecordSurvivesTheJsonRoundTripOfJamesQueues() throws Exception {
        TlsProvenance record = ProvenanceSamples.starttlsInboundWithClientCertificate();
        AttributeValue<?> value = ProvenanceAttributes.toAttributeValue(record);

        JsonNode json = value.toJson().orElseThrow();
        AttributeValue<?> restored = AttributeValue.fromJsonString(json.toString());

        assertThat(restored).isEqualTo(value);
        assertThat(ProvenanceAttributes.fromAttributeValue(restored)).isEqualTo(record);
    }

    @Test
    void recordingInboundAlsoSetsTheJames39Attributes() throws Exception {
        FakeMail mail = FakeMail.builder().name("m1").mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("hi")).build();

        TestRecords.recordInbound(mail, ProvenanceSamples.starttlsInboundWithClientCertificate());

        assertThat(mail.getAttribute(ProvenanceAttributes.JAMES_SSL_PROTOCOL).map(Attribute::getValue))
            .contains(AttributeValue.of("TLSv1.3"));
        assertThat(mail.getAttribute(ProvenanceAttributes.JAMES_SSL_CIPHER).map(Attribute::getValue))
            .contains(AttributeValue.of("TLS_AES_256_GCM_SHA384"));
        assertThat(TestRecords.RECORDS.read(mail).trusted()).contains(ProvenanceSamples.starttlsInboundWithClientCertificate());
    }

    @Test
    void cleartextInboundSetsNoTlsAttributes() throws Exception {
        FakeMail mail = FakeMail.builder().name("m2").build();

        TestRecords.recordInbound(mail, ProvenanceSamples.cleartextInbound());

        assertThat(mail.getAttribute(ProvenanceAttributes.JAMES_SSL_PROTOCOL)).isEmpty();
        assertThat(TestRecords.RECORDS.read(mail).trusted()).contains(ProvenanceSamples.cleartextInbound());
    }

    @Test
    void outboundAttemptsAccumulatePerDomainAndSurviveJson() throws Exception {
        FakeMail mail = FakeMail.builder().name("m3").build();
        TlsProvenance first = ProvenanceSamples.failedOutboundAttempt();
        TlsProvenance second = first.toBuilder().attempt(3).outcome("250 2.0.0 OK").build();
        TlsProvenance other = first.toBuilder().recipientDomain("other.test").attempt(1).build();

        ProvenanceAttributes.appendOutbound(mail, first);
        ProvenanceAttributes.appendOutbound(mail, second);
        ProvenanceAttributes.appendOutbound(mail, other);

        assertThat(ProvenanceAttributes.outbound(mail)).isEqualTo(Map.of(
            "contoso1.microsoftonline.com", List.of(first, second),
            "other.test", List.of(other)));

        AttributeValue<?> value = mail.getAttribute(ProvenanceAttributes.OUTBOUND).orElseThrow().getValue();
        AttributeValue<?> restored = AttributeValue.fromJsonString(value.toJson().orElseThrow().toString());
        FakeMail copy = FakeMail.builder().name("m4").attribute(new Attribute(ProvenanceAttributes.OUTBOUND, restored)).build();
        assertThat(ProvenanceAttributes.outbound(copy).get("contoso1.microsoftonline.com")).containsExactly(first, second);
    }

    @Test
    void aMailWithoutARecordHasNone() throws Exception {
        assertThat(TestRecords.RECORDS.read(FakeMail.builder().name("m5").build()).vouchedHop()).isEmpty();
        assertThat(ProvenanceAttributes.outbound(FakeMail.builder().name("m6").build())).isEmpty();
    }
}
