package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.smtp.SmtpReply;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;

/**
 * RCPT arguments whose words repeat, through a real James 3.8.1 with {@link TlsProvenanceCoreHandlers} and James's
 * DSN hooks (which make NOTIFY and ORCPT supported parameters). Stock James answers every one of these {@code 451
 * Unable to process request} and logs a stack trace ({@link RcptOptionsCmdHandler}); here an address keeps its
 * normal outcome and a repeated parameter gets {@code 501 5.5.4}.
 */
class RcptParametersThroughJamesTest {
    private static final String SENDER = "sender@client.test";

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withCoreHandlersPackage(TlsProvenanceCoreHandlers.class.getName())
        .withHook("org.apache.james.smtpserver.dsn.DSNEhloHook")
        .withHook("org.apache.james.smtpserver.dsn.DSNMailParameterHook")
        .withHook("org.apache.james.smtpserver.dsn.DSNRcptParameterHook")
        .build();

    @Test
    void addressesWhoseWordsRepeatAreAcceptedInEveryPositionAndForm() throws Exception {
        List<String> words = List.of("a", "TO:<x>", "NOTIFY=NEVER", "tls", "(using", ">");
        List<String> localParts = new ArrayList<>();
        for (String word : words) {
            String quotable = word.replace("\\", "\\\\").replace("\"", "\\\"");
            localParts.add("\"" + quotable + " " + quotable + "\"");
            localParts.add("\"x " + quotable + " y " + quotable + "\"");
            localParts.add("\"" + quotable + " " + quotable + " " + quotable + "\"");
            localParts.add("\"x " + quotable + " " + quotable + " y\"");
        }
        List<String> refused = new ArrayList<>();
        try (SmtpTestClient client = connect()) {
            client.ehlo("client.test");
            assertThat(client.mailFrom(SENDER).code()).isEqualTo(250);
            for (String localPart : localParts) {
                for (String options : List.of("", " NOTIFY=NEVER", " ORCPT=rfc822;bob@remote.example NOTIFY=SUCCESS,FAILURE")) {
                    String command = "RCPT TO:<" + localPart + "@remote.example>" + options;
                    SmtpReply reply = client.command(command);
                    if (reply.code() != 250) {
                        refused.add(command + " -> " + reply.rawLines());
                    }
                }
            }
            assertThat(client.rset().code()).isEqualTo(250);
        }
        assertThat(refused).as("of %d RCPT commands", localParts.size() * 3).isEmpty();
    }

    @Test
    void aParameterGivenTwiceIsRefused501WithItsNameAndTheSessionGoesOn() throws Exception {
        List<String> twice = List.of("NOTIFY=NEVER NOTIFY=NEVER", "NOTIFY=NEVER notify=SUCCESS", "ORCPT=rfc822;a@b NOTIFY=NEVER ORCPT=rfc822;c@d");
        try (SmtpTestClient client = connect()) {
            client.ehlo("client.test");
            assertThat(client.mailFrom(SENDER).code()).isEqualTo(250);
            for (String options : twice) {
                String key = options.startsWith("ORCPT") ? "ORCPT" : "NOTIFY";
                assertThat(client.command("RCPT TO:<bob@remote.example> " + options).rawLines()).as(options)
                    .containsExactly("501 5.5.4 RCPT parameter " + key + " given more than once");
            }
            assertThat(client.command("RCPT TO:<bob@remote.example> NOTIFY=NEVER").code()).isEqualTo(250);
            assertThat(client.command("RCPT TO:<carol@remote.example>  NOTIFY=NEVER").code()).as("two spaces").isEqualTo(250);
            assertThat(client.data("Subject: t\r\n\r\nbody\r\n").code()).isEqualTo(250);
        }
        assertThat(james.awaitDeliveredMails(1)).singleElement()
            .satisfies(mail -> assertThat(mail.recipients()).containsExactly("bob@remote.example", "carol@remote.example"));
    }

    private static SmtpTestClient connect() throws Exception {
        return SmtpTestClient.connect("localhost", james.listenerPorts().get(0));
    }
}
