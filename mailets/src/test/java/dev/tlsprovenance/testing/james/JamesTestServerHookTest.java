package dev.tlsprovenance.testing.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/** Test hooks are in the chain of every listener, and their attributes are readable from delivered mail. */
class JamesTestServerHookTest {
    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withHook(SessionTlsMarkerHook.class.getName())
        .build();

    @Test
    void hookAttributesAreReadBackAsPlainValuesAndJson() throws Exception {
        try (SmtpTestClient smtp = SmtpTestClient.connectImplicitTls("localhost", james.smtpsPort(),
            TestPki.shared().trustingRoot())) {
            smtp.ehlo("client.test");
            assertThat(smtp.send("a@client.test", List.of("b@james.test"),
                TestMessages.simple("a@client.test", "b@james.test", "marked")).code()).isEqualTo(250);
        }
        try (SmtpTestClient smtp = SmtpTestClient.connect("localhost", james.smtpPort())) {
            smtp.ehlo("client.test");
            assertThat(smtp.send("a@client.test", List.of("c@remote.test"),
                TestMessages.simple("a@client.test", "c@remote.test", "cleartext")).code()).isEqualTo(250);
        }

        List<DeliveredMail> mails = james.awaitDeliveredMails(2);

        DeliveredMail encrypted = mails.stream().filter(mail -> mail.header("Subject").contains("marked")).findFirst().orElseThrow();
        Map<?, ?> session = (Map<?, ?>) encrypted.attribute(SessionTlsMarkerHook.ATTRIBUTE).orElseThrow();
        assertThat(session.get("tls")).isEqualTo(true);
        assertThat(session.get("protocol")).asString().startsWith("TLSv1.");
        assertThat(session.get("ports")).isEqualTo(List.of(james.smtpsPort()));
        assertThat(encrypted.attributeJson(SessionTlsMarkerHook.ATTRIBUTE)).hasValueSatisfying(json -> assertThat(json)
            .contains("\"tls\"").contains("true"));

        DeliveredMail cleartext = mails.stream().filter(mail -> mail.header("Subject").contains("cleartext")).findFirst().orElseThrow();
        assertThat(cleartext.attribute(SessionTlsMarkerHook.ATTRIBUTE)).hasValue(
            Map.of("tls", false, "protocol", "", "ports", List.of(james.smtpPort())));
    }
}
