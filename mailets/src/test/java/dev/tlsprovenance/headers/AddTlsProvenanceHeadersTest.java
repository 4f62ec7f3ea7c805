package dev.tlsprovenance.headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import dev.tlsprovenance.mail.TestRecords;
import dev.tlsprovenance.provenance.ProvenanceHeaderCodec;
import dev.tlsprovenance.provenance.ProvenanceSamples;
import dev.tlsprovenance.provenance.TlsProvenance;

class AddTlsProvenanceHeadersTest {

    private static final String FORGED = "v=1; dir=inbound; transport=starttls; protocol=TLSv1.3; by=mx.james.test; addr=1.2.3.4; verify=not-presented; time=2026-11-29T10:00:00Z";

    @Test
    void stampsOurRecordAndRemovesForgedCopiesByDefault() throws Exception {
        FakeMail mail = mailCarrying(FORGED, ProvenanceSamples.cleartextInbound());

        mailet(FakeMailetConfig.builder().build()).service(mail);

        String[] headers = mail.getMessage().getHeader("X-TLS-Provenance");
        assertThat(headers).hasSize(1);
        assertThat(ProvenanceHeaderCodec.parse(headers[0])).isEqualTo(ProvenanceSamples.cleartextInbound());
        assertThat(mail.getMessage().getHeader("X-TLS-Provenance-Untrusted")).isNull();
    }

    @Test
    void renamesForgedCopiesWhenAsked() throws Exception {
        FakeMail mail = mailCarrying(FORGED, ProvenanceSamples.cleartextInbound());

        mailet(FakeMailetConfig.builder().setProperty("untrustedHeaders", "rename").setProperty("renameTo", "X-Forged").build())
            .service(mail);

        assertThat(mail.getMessage().getHeader("X-Forged")).containsExactly(FORGED);
        assertThat(mail.getMessage().getHeader("X-TLS-Provenance")).hasSize(1);
    }

    @Test
    void keepsTheHeadersOfATrustedRelayBelowOurs() throws Exception {
        TlsProvenance relayHop = ProvenanceSamples.starttlsInboundWithClientCertificate();
        String relayStamp = FORGED.replace("addr=1.2.3.4", "addr=10.0.0.1");
        FakeMail mail = mailCarrying(relayStamp, relayHop);

        mailet(FakeMailetConfig.builder().setProperty("trustedRelays", "relay.partner.test").build()).service(mail);

        String[] headers = mail.getMessage().getHeader("X-TLS-Provenance");
        assertThat(headers).hasSize(2);
        assertThat(ProvenanceHeaderCodec.parse(headers[0])).isEqualTo(relayHop);
        assertThat(headers[1]).isEqualTo(relayStamp);
    }

    @Test
    void passingTheMailetTwiceKeepsOneStampOfOursAndRenamesNothingOfOurs() throws Exception {
        FakeMail mail = mailCarrying(FORGED, ProvenanceSamples.starttlsInboundWithClientCertificate());
        AddTlsProvenanceHeaders mailet = mailet(FakeMailetConfig.builder().setProperty("untrustedHeaders", "rename").build());

        mailet.service(mail);
        mailet.service(mail);

        assertThat(mail.getMessage().getHeader("X-TLS-Provenance")).hasSize(1);
        assertThat(mail.getMessage().getHeader("X-TLS-Provenance-Untrusted")).containsExactly(FORGED);
    }

    @Test
    void aMailWithoutRecordGetsNoHeaderOfOursAndLosesForgedOnes() throws Exception {
        FakeMail mail = FakeMail.builder().name("internal")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addHeader("X-TLS-Provenance", FORGED).setText("hi"))
            .build();

        mailet(FakeMailetConfig.builder().build()).service(mail);

        assertThat(mail.getMessage().getHeader("X-TLS-Provenance")).isNull();
    }

    @Test
    void badParametersAreNamedWithTheirValues() {
        assertThatThrownBy(() -> mailet(FakeMailetConfig.builder().setProperty("untrustedHeaders", "drop").build()))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("'untrustedHeaders'").hasMessageContaining("'drop'");
        assertThatThrownBy(() -> mailet(FakeMailetConfig.builder().setProperty("headerName", "X-TLS: bad").build()))
            .hasMessageContaining("'headerName'").hasMessageContaining("'X-TLS: bad'");
        assertThatThrownBy(() -> mailet(FakeMailetConfig.builder().setProperty("untrustedHeaders", "rename")
            .setProperty("renameTo", "x-tls-provenance").build()))
            .hasMessageContaining("'renameTo'").hasMessageContaining("'x-tls-provenance'");
        assertThatThrownBy(() -> mailet(FakeMailetConfig.builder().setProperty("trustedRelays", "relay.test, not a name").build()))
            .hasMessageContaining("'trustedRelays'").hasMessageContaining("'not a name'");
    }

    private static AddTlsProvenanceHeaders mailet(FakeMailetConfig config) throws MessagingException {
        AddTlsProvenanceHeaders mailet = new AddTlsProvenanceHeaders(TestRecords.RECORDS);
        mailet.init(config);
        return mailet;
    }

    private static FakeMail mailCarrying(String forgedHeader, TlsProvenance hop) throws MessagingException {
        MimeMessage message = MimeMessageBuilder.mimeMessageBuilder()
            .addHeader("X-TLS-Provenance", forgedHeader)
            .setSubject("test")
            .setText("hi")
            .build();
        FakeMail mail = FakeMail.builder().name("m").mimeMessage(message).build();
        TestRecords.recordInbound(mail, hop);
        return mail;
    }
}
