package dev.tlsprovenance.requiretls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpReply;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

class RequireTlsReceivingHookTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String RECIPIENT = "user@james.test";

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withHook("dev.tlsprovenance.requiretls.RequireTlsReceivingHook")
        .build();

    @AfterEach
    void clear() {
        james.clearDelivered();
    }

    @Test
    void ehloAdvertisesRequireTlsOnlyAfterStartTls() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            SmtpReply before = client.ehlo("client.example.test");
            assertThat(before.rawLines()).containsExactly(
                "250-mx.james.test Hello client.example.test [127.0.0.1])",
                "250-PIPELINING",
                "250-ENHANCEDSTATUSCODES",
                "250-8BITMIME",
                "250 STARTTLS");
            client.startTls(PKI.trustingRoot());
            SmtpReply after = client.ehlo("client.example.test");
            assertThat(after.rawLines()).containsExactly(
                "250-mx.james.test Hello client.example.test [127.0.0.1])",
                "250-REQUIRETLS",
                "250-PIPELINING",
                "250-ENHANCEDSTATUSCODES",
                "250 8BITMIME");
        }
    }

    @Test
    void ehloOverImplicitTlsAdvertisesRequireTls() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectImplicitTls("localhost", james.smtpsPort(), PKI.trustingRoot())) {
            assertThat(client.ehlo("client.example.test").hasExtension("REQUIRETLS")).isTrue();
        }
    }

    @Test
    void requireTlsParameterInCleartextIsRefused() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.example.test");
            SmtpReply refused = client.mailFrom("sender@example.test", "REQUIRETLS");
            assertThat(refused.code()).isEqualTo(530);
            assertThat(refused.text()).isEqualTo("5.7.10 REQUIRETLS needs a TLS session: issue STARTTLS first");
            assertThat(client.mailFrom("sender@example.test").code()).isEqualTo(250);
        }
    }

    @Test
    void duplicateRequireTlsIsRefusedAndACorrectedCommandAccepted() throws Exception {
        try (SmtpTestClient client = tlsSession()) {
            SmtpReply refused = client.mailFrom("sender@example.test", "REQUIRETLS", "REQUIRETLS");
            assertThat(refused.code()).isEqualTo(501);
            assertThat(refused.text()).isEqualTo("5.5.4 REQUIRETLS may be given only once");
            assertThat(client.mailFrom("sender@example.test", "REQUIRETLS").code()).isEqualTo(250);
        }
    }

    @Test
    void requireTlsWithValueIsRefused() throws Exception {
        try (SmtpTestClient client = tlsSession()) {
            SmtpReply refused = client.mailFrom("sender@example.test", "REQUIRETLS=YES");
            assertThat(refused.code()).isEqualTo(501);
            assertThat(refused.text()).isEqualTo("5.5.4 REQUIRETLS takes no value");
        }
    }

    @Test
    void acceptedRequireTlsIsRecordedOnTheMail() throws Exception {
        try (SmtpTestClient client = tlsSession()) {
            assertThat(client.mailFrom("sender@example.test", "REQUIRETLS").code()).isEqualTo(250);
            client.rcptTo(RECIPIENT);
            assertThat(client.data(TestMessages.simple("sender@example.test", RECIPIENT, "requiretls")).code()).isEqualTo(250);
        }
        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        assertThat(mail.attribute("REQUIRETLS")).contains(true);
        assertThat(mail.attributeJson("REQUIRETLS")).contains("{\"serializer\":\"BooleanSerializer\",\"value\":true}");
    }

    @Test
    void tlsRequiredNoHeaderRecordsFalse() throws Exception {
        try (SmtpTestClient client = tlsSession()) {
            client.mailFrom("sender@example.test");
            client.rcptTo(RECIPIENT);
            client.data("TLS-Required: No\r\n" + TestMessages.simple("sender@example.test", RECIPIENT, "waived"));
        }
        assertThat(james.awaitDeliveredMails(1).get(0).attribute("REQUIRETLS")).contains(false);
    }

    @Test
    void parameterWinsOverTheHeader() throws Exception {
        try (SmtpTestClient client = tlsSession()) {
            client.mailFrom("sender@example.test", "REQUIRETLS");
            client.rcptTo(RECIPIENT);
            client.data("TLS-Required: No\r\n" + TestMessages.simple("sender@example.test", RECIPIENT, "both"));
        }
        assertThat(james.awaitDeliveredMails(1).get(0).attribute("REQUIRETLS")).contains(true);
    }

    @Test
    void plainMailHasNoAttribute() throws Exception {
        try (SmtpTestClient client = tlsSession()) {
            client.send("sender@example.test", List.of(RECIPIENT), TestMessages.simple("sender@example.test", RECIPIENT, "plain"));
        }
        assertThat(james.awaitDeliveredMails(1).get(0).attribute("REQUIRETLS")).isEmpty();
    }

    private static SmtpTestClient tlsSession() throws Exception {
        return SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "client.example.test", PKI.trustingRoot());
    }
}
