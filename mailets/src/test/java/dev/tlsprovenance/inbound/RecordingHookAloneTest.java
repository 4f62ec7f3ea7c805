package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.mail.ProvenanceAttributes;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;

/** The hook listed as a plain {@code <handler>} with James's own core: records, but Received stays stock. */
class RecordingHookAloneTest {

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withHook(RecordTlsProvenanceHook.class.getName())
        .build();

    @Test
    void recordsTheHopAndLeavesJamesOwnSingleReceivedLine() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "client.test", TestPki.shared().trustingRoot())) {
            assertThat(client.send("a@sender.test", List.of("bob@" + JamesTestServer.LOCAL_DOMAIN),
                "Subject: alone\r\n\r\nHello.\r\n").code()).isEqualTo(250);
        }

        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        assertThat(ProvenanceAttributes.fromAttributeValue(mail.attributes().get(ProvenanceAttributes.INBOUND.asString())).transport())
            .isEqualTo(Transport.STARTTLS);
        assertThat(mail.attributes()).containsEntry("org.apache.james.ssl.protocol", AttributeValue.of("TLSv1.3"));
        assertThat(mail.header("Received")).hasSize(1);
        assertThat(mail.header("Received").get(0)).contains(" with ESMTP ID ").doesNotContain("using TLS");
    }
}
