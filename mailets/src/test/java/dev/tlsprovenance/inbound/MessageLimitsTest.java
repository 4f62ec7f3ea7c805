package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;

/**
 * Size and recipient limits through a real James 3.8.1 with {@link TlsProvenanceCoreHandlers} and James's
 * {@code MaxRcptHandler}, as a drop-in user configures them: 552 5.3.4 at SIZE= and at the end of DATA alike, 452
 * 4.5.3 for the recipient past the limit, and a normal message still delivered after a flood of oversized ones.
 */
class MessageLimitsTest {
    private static final String TOO_BIG = "552 5.3.4 Message size exceeds fixed maximum message size";
    private static final String TOO_MANY_RECIPIENTS = "452 4.5.3 Requested action not taken: max recipients reached";
    private static final int LIMIT_BYTES = 64 * 1024;
    private static final int MAX_RECIPIENTS = 5;
    private static final String RECIPIENT = "bob@" + JamesTestServer.LOCAL_DOMAIN;

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withConfFile("smtpserver.xml", "<?xml version=\"1.0\"?>\n<smtpservers>\n"
            + "  <smtpserver enabled=\"true\">\n"
            + "    <jmxName>limits</jmxName>\n"
            + "    <bind>127.0.0.1:0</bind>\n"
            + "    <helloName autodetect=\"false\">" + TestPki.SERVER_HOST + "</helloName>\n"
            + "    <authorizedAddresses>127.0.0.0/8</authorizedAddresses>\n"
            + "    <maxmessagesize>64K</maxmessagesize>\n"
            + "    <handlerchain coreHandlersPackage=\"" + TlsProvenanceCoreHandlers.class.getName() + "\">\n"
            + "      <handler class=\"org.apache.james.smtpserver.fastfail.MaxRcptHandler\">\n"
            + "        <maxRcpt>" + MAX_RECIPIENTS + "</maxRcpt>\n"
            + "      </handler>\n"
            + "    </handlerchain>\n"
            + "    <gracefulShutdown>false</gracefulShutdown>\n"
            + "  </smtpserver>\n</smtpservers>\n")
        .build();

    @Test
    void oversizedMessagesAreRefusedWith552AtSizeAndAtTheEndOfDataThenANormalOneIsDelivered() throws Exception {
        String oversized = message("oversized", LIMIT_BYTES + 1024);
        for (int i = 0; i < 5; i++) {
            try (SmtpTestClient client = connect()) {
                assertThat(client.ehlo("client.test").extensions()).contains("SIZE " + LIMIT_BYTES);
                assertThat(client.mailFrom("sender@client.test", "SIZE=" + (LIMIT_BYTES + 1)).rawLines()).containsExactly(TOO_BIG);
                assertThat(client.send("sender@client.test", List.of(RECIPIENT), oversized).rawLines()).as("flood %d", i)
                    .containsExactly(TOO_BIG);
                // the session goes on: the refused transaction is over, the next one works
                assertThat(client.noop().code()).isEqualTo(250);
            }
        }

        try (SmtpTestClient client = connect()) {
            client.ehlo("client.test");
            assertThat(client.send("sender@client.test", List.of(RECIPIENT), message("normal", 2048)).code()).isEqualTo(250);
        }
        assertThat(james.awaitDeliveredMails(1)).singleElement().satisfies(mail -> assertThat(mail.recipients()).containsExactly(RECIPIENT));
        assertThat(james.deliveredMails()).hasSize(1);
    }

    @Test
    void theRecipientPastTheLimitGets452AndTheOthersStay() throws Exception {
        try (SmtpTestClient client = connect()) {
            client.ehlo("client.test");
            assertThat(client.mailFrom("sender@client.test").code()).isEqualTo(250);
            for (int i = 1; i <= MAX_RECIPIENTS; i++) {
                assertThat(client.rcptTo("rcpt" + i + "@remote.example").code()).isEqualTo(250);
            }

            assertThat(client.rcptTo("rcpt" + (MAX_RECIPIENTS + 1) + "@remote.example").rawLines()).containsExactly(TOO_MANY_RECIPIENTS);
            assertThat(client.rcptTo("rcpt" + (MAX_RECIPIENTS + 2) + "@remote.example").rawLines()).containsExactly(TOO_MANY_RECIPIENTS);
            assertThat(client.rset().code()).isEqualTo(250);
        }
    }

    private static SmtpTestClient connect() throws Exception {
        return SmtpTestClient.connect("localhost", james.listenerPorts().get(0));
    }

    private static String message(String subject, int bodyBytes) {
        StringBuilder body = new StringBuilder();
        while (body.length() < bodyBytes) {
            body.append("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\r\n");
        }
        return "From: sender@client.test\r\nTo: " + RECIPIENT + "\r\nSubject: " + subject + "\r\n\r\n" + body;
    }
}
