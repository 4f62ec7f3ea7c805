package dev.tlsprovenance.headers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers;
import dev.tlsprovenance.mail.ProvenanceAttributes;
import dev.tlsprovenance.provenance.ProvenanceHeaderCodec;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;

/**
 * The stamp where the shipped mailetcontainer.xml puts it (first in the root processor), through a real James 3.8.1:
 * SMTP over STARTTLS, the spool queue's copy, the mailet, the transport's {@code RemoveMimeHeader bcc}
 * (which James requires with {@code match="All"}; it marks every message changed, so James runs javax.mail's
 * {@code saveChanges} when storing, which edits some of these shapes itself) and the repository's copy.
 * Generated over {@link MessageShapes}, each sent to two servers, one without the mailet: what ours stores is what the
 * other stores plus our one stamp, directly above this server's {@code Received:} (whose ID and date differ, as do the
 * values of a {@code Date} or {@code Message-ID} that saveChanges invents for a message without one; saveChanges also
 * moves such fields, and {@code MIME-Version}, to the top, above the trace fields, on both servers).
 */
class AddTlsProvenanceHeadersJamesTest {

    private static final String RECIPIENT = "bob@" + JamesTestServer.LOCAL_DOMAIN;

    @RegisterExtension
    static JamesTestServer withoutMailet = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withCoreHandlersPackage(TlsProvenanceCoreHandlers.class.getName())
        .build();

    @RegisterExtension
    static JamesTestServer stamping = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withCoreHandlersPackage(TlsProvenanceCoreHandlers.class.getName())
        .withRootMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.headers.AddTlsProvenanceHeaders\"/>")
        .build();

    @TestFactory
    Stream<DynamicTest> ourServerStoresOneStampOnTopOfWhatJamesStoresWithoutTheMailet() {
        return MessageShapes.SHAPES.entrySet().stream().map(shape -> DynamicTest.dynamicTest(shape.getKey(), () -> {
            DeliveredMail reference = sendAndAwait(withoutMailet, shape.getValue());
            DeliveredMail mail = sendAndAwait(stamping, shape.getValue());

            TlsProvenance hop = ProvenanceAttributes.fromAttributeValue(mail.attributes().get(ProvenanceAttributes.INBOUND.asString()));
            String stamp = "X-TLS-Provenance: " + ProvenanceHeaderFolding.fold("X-TLS-Provenance", ProvenanceHeaderCodec.format(hop));
            List<String> fields = fields(mail.rawHeaderBlock());
            assertThat(fields).containsOnlyOnce(stamp);
            assertThat(mail.header("X-TLS-Provenance")).hasSize(1);
            assertThat(fields.get(fields.indexOf(stamp) + 1)).startsWith("Received: from localhost (EHLO client.test)");
            assertThat(reference.header("X-TLS-Provenance")).isEmpty();
            fields.remove(stamp);
            assertThat(comparable(fields)).isEqualTo(comparable(fields(reference.rawHeaderBlock())));
            assertThat(mail.body()).isEqualTo(reference.body());
            String sent = shape.getValue();
            assertThat(mail.body()).isEqualTo(sent.substring(sent.indexOf("\r\n\r\n") + 4));
        }));
    }

    private static DeliveredMail sendAndAwait(JamesTestServer james, String message) throws Exception {
        james.clearDelivered();
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "client.test", TestPki.shared().trustingRoot())) {
            assertThat(client.send("a@client.test", List.of(RECIPIENT), message).code()).isEqualTo(250);
        }
        return james.awaitDeliveredMails(1).get(0);
    }

    private static List<String> fields(String headerBlock) {
        return new ArrayList<>(List.of(headerBlock.split("\r\n(?![ \t])")));
    }

    /** The fields but this server's Received: (one), with the values saveChanges invents masked. */
    private static List<String> comparable(List<String> fields) {
        assertThat(fields.stream().filter(field -> field.startsWith("Received: from localhost (EHLO client.test)"))).hasSize(1);
        return fields.stream()
            .filter(field -> !field.startsWith("Received: from localhost (EHLO client.test)"))
            .map(field -> field.startsWith("Date: ") || field.startsWith("Message-ID: ") ? field.substring(0, field.indexOf(':')) + ": (value)" : field)
            .collect(Collectors.toList());
    }
}
