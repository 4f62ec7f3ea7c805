package dev.tlsprovenance.headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.james.transport.mailets.RemoveMimeHeader;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

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

    /**
     * Generated over message shapes x hops, as in James: the mailet, then the transport's {@code RemoveMimeHeader bcc}
     * (James requires it, with {@code match="All"}), then the repository writes the mail. javax.mail's updateHeaders
     * (which parses every part of a multipart message) runs once, when James writes; it ran twice while the mailet
     * saved the message itself. What is written has our one stamp and the sent body unchanged.
     */
    @TestFactory
    Stream<DynamicTest> theMessageIsSavedOnceWhenJamesWritesIt() {
        Map<String, TlsProvenance> hops = Map.of("cleartext", ProvenanceSamples.cleartextInbound(),
            "starttls with client certificate", ProvenanceSamples.starttlsInboundWithClientCertificate());
        return hops.entrySet().stream().flatMap(hop -> MessageShapes.SHAPES.entrySet().stream().map(shape ->
            DynamicTest.dynamicTest(shape.getKey() + ", " + hop.getKey(), () -> {
                CountingSaves message = new CountingSaves(shape.getValue().getBytes(StandardCharsets.ISO_8859_1));
                FakeMail mail = FakeMail.builder().name("m").mimeMessage(message).build();
                TestRecords.recordInbound(mail, hop.getValue());

                mailet(FakeMailetConfig.builder().build()).service(mail);
                removeBcc().service(mail);
                String written = new String(bytesOf(mail.getMessage()), StandardCharsets.ISO_8859_1);

                assertThat(message.saves).isEqualTo(1);
                String[] stamps = mail.getMessage().getHeader("X-TLS-Provenance");
                assertThat(stamps).hasSize(1);
                assertThat(ProvenanceHeaderCodec.parse(stamps[0])).isEqualTo(hop.getValue());
                assertThat(written).contains("X-TLS-Provenance: "
                    + ProvenanceHeaderFolding.fold("X-TLS-Provenance", ProvenanceHeaderCodec.format(hop.getValue())) + "\r\n");
                String sent = shape.getValue();
                assertThat(written.substring(written.indexOf("\r\n\r\n"))).isEqualTo(sent.substring(sent.indexOf("\r\n\r\n")));
            })));
    }

    /** A message as James's spool hands it over, counting javax.mail's updateHeaders (the work of saveChanges). */
    private static final class CountingSaves extends MimeMessageWrapper {
        int saves;

        CountingSaves(byte[] received) throws MessagingException {
            super(MimeMessageInputStreamSource.create("received", new ByteArrayInputStream(received)));
        }

        @Override
        protected void updateHeaders() throws MessagingException {
            saves++;
            super.updateHeaders();
        }
    }

    private static RemoveMimeHeader removeBcc() throws MessagingException {
        RemoveMimeHeader removeBcc = new RemoveMimeHeader();
        removeBcc.init(FakeMailetConfig.builder().setProperty("name", "bcc").build());
        return removeBcc;
    }

    /**
     * Generated: the same shapes with a forged copy of the field (either case of the name) or a change by an earlier
     * mailet. The mailet no longer saves, so this checks what is written when James saves: our one stamp, no forged
     * copy, the earlier change kept, the body unchanged.
     */
    @TestFactory
    Stream<DynamicTest> aForgedCopyOrAnEarlierChangeStillEndsWithOneStampOfOurs() {
        TlsProvenance hop = ProvenanceSamples.starttlsInboundWithClientCertificate();
        Map<String, String> before = Map.of("forged X-TLS-Provenance", "X-TLS-Provenance: " + FORGED + "\r\n",
            "forged x-tls-provenance", "x-tls-provenance: " + FORGED + "\r\n",
            "Bcc removed by an earlier mailet", "Bcc: <hidden@james.test>\r\n");
        return before.entrySet().stream().flatMap(extra -> MessageShapes.SHAPES.entrySet().stream().map(shape ->
            DynamicTest.dynamicTest(shape.getKey() + ", " + extra.getKey(), () -> {
                MimeMessageWrapper message = wrapperOf((extra.getValue() + shape.getValue()).getBytes(StandardCharsets.ISO_8859_1));
                message.removeHeader("Bcc");
                FakeMail mail = FakeMail.builder().name("m").mimeMessage(message).build();
                TestRecords.recordInbound(mail, hop);

                mailet(FakeMailetConfig.builder().build()).service(mail);

                String[] stamps = mail.getMessage().getHeader("X-TLS-Provenance");
                assertThat(stamps).hasSize(1);
                assertThat(ProvenanceHeaderCodec.parse(stamps[0])).isEqualTo(hop);
                String written = new String(bytesOf(mail.getMessage()), StandardCharsets.ISO_8859_1);
                assertThat(written).doesNotContain(FORGED).doesNotContain("hidden@james.test");
                assertThat(written).endsWith(shape.getValue().substring(shape.getValue().indexOf("\r\n\r\n")));
            })));
    }

    private static MimeMessageWrapper wrapperOf(byte[] received) throws MessagingException {
        return new MimeMessageWrapper(MimeMessageInputStreamSource.create("received", new ByteArrayInputStream(received)));
    }

    private static byte[] bytesOf(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
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
