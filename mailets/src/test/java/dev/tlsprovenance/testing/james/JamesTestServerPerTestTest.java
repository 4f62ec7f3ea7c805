package dev.tlsprovenance.testing.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/** Instance-field registration (one James per test), an overridden conf file and an extra local domain. */
class JamesTestServerPerTestTest {
    private static final String ONE_CLEARTEXT_LISTENER = "<?xml version=\"1.0\"?>\n<smtpservers>\n"
        + "  <smtpserver enabled=\"true\">\n"
        + "    <jmxName>single-listener-" + System.nanoTime() + "</jmxName>\n"
        + "    <bind>127.0.0.1:0</bind>\n"
        + "    <helloName autodetect=\"false\">custom.james.test</helloName>\n"
        + "    <authorizedAddresses>127.0.0.0/8</authorizedAddresses>\n"
        + "    <handlerchain>\n"
        + "      <handler class=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\"/>\n"
        + "    </handlerchain>\n"
        + "    <gracefulShutdown>false</gracefulShutdown>\n"
        + "  </smtpserver>\n"
        + "</smtpservers>\n";

    @RegisterExtension
    JamesTestServer james = JamesTestServer.builder()
        .withConfFile("smtpserver.xml", ONE_CLEARTEXT_LISTENER)
        .withLocalDomain("other.test")
        .build();

    @Test
    void testSuppliedSmtpServerXmlReplacesTheGeneratedOne() throws Exception {
        assertThat(james.listenerPorts()).hasSize(1);
        assertThat(james.confDirectory().resolve("smtpserver.xml")).content().contains("custom.james.test");

        try (SmtpTestClient smtp = SmtpTestClient.connect("localhost", james.smtpPort())) {
            assertThat(smtp.greeting().text()).contains("custom.james.test");
            assertThat(smtp.ehlo("client.test").hasExtension("STARTTLS")).isFalse();
            assertThat(smtp.send("a@client.test", List.of("b@other.test"),
                TestMessages.simple("a@client.test", "b@other.test", "custom")).code()).isEqualTo(250);
        }

        assertThat(james.awaitDeliveredMails(1).get(0).recipients()).containsExactly("b@other.test");
    }
}
