package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.postfix.PostfixPeer;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/**
 * A real Postfix 3.7 as the hosted edge relaying to our James, and its TLS to us fails: it offers only protocols our
 * listener refuses (a handshake failure, then Postfix's opportunistic {@code may} level delivers in plaintext) or it
 * has TLS turned off. With {@code cleartext-reply=temporary} (the default) Postfix keeps the mail queued
 * ({@code postqueue -p} lists it with our 450) to retry later; with {@code permanent} it bounces it (530), and its
 * bounce reaches the sender. Run with {@code mvn -Pinterop}.
 */
@Tag("interop")
class PostfixCleartextReplyInteropTest {
    private static final String SENDER = "edge-user@partner.test";
    private static final String RECIPIENT = "alice@coexist.test";

    @BeforeAll
    static void needsPostfix() {
        assumeTrue(PostfixPeer.isAvailable(), PostfixPeer::unavailableReason);
    }

    @ParameterizedTest(name = "{0}, Postfix TLS {1}")
    @CsvSource({
        "temporary, handshake-fails",
        "temporary, off",
        "permanent, handshake-fails",
        "permanent, off",

    })
    void postfixWhoseTlsFailedKeepsTheMailOn450AndBouncesItOn530(String cleartextReply, String postfixTls) throws Exception {
        String row = "coexist.test  inbound=require" + ("temporary".equals(cleartextReply) ? "" : "  cleartext-reply=permanent");
        try (JamesTestServer james = JamesTestServer.builder()
                .withLocalDomain("coexist.test")
                .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
                .withHook("dev.tlsprovenance.inbound.RequireTlsForNamespacesHook")
                .withConfFile("tls-policy.conf", row + "\n")
                .build().start()) {
            PostfixPeer.Builder edge = PostfixPeer.builder().hostname("edge.partner.test").domain("partner.test")
                .relayTo("127.0.0.1", james.smtpPort()).relayTlsLevel("handshake-fails".equals(postfixTls) ? "may" : "none").fastRetries();
            if ("handshake-fails".equals(postfixTls)) {
                // Our listener speaks TLS 1.2 and 1.3 only.
                edge.relayTlsProtocols("!TLSv1.2, !TLSv1.3");
            }
            try (PostfixPeer postfix = edge.start()) {
                try (SmtpTestClient client = SmtpTestClient.connect(postfix.host(), postfix.port())) {
                    client.ehlo("client.partner.test");
                    assertThat(client.send(SENDER, List.of(RECIPIENT), TestMessages.simple(SENDER, RECIPIENT, "via the edge"))
                        .code()).as(postfix.log()).isEqualTo(250);
                }
                if ("temporary".equals(cleartextReply)) {
                    String deferred = postfix.awaitLogLineRetryingDeferredMail("said: 450");
                    assertThat(deferred).as(postfix.log()).contains("to=<" + RECIPIENT + ">")
                        .contains("said: 450 4.7.0 Must issue a STARTTLS command first (in reply to RCPT TO command)");
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> postfix.queue().contains(RECIPIENT));
                    assertThat(postfix.queue()).contains(SENDER).contains(RECIPIENT)
                        .contains("450 4.7.0 Must issue a STARTTLS command first");
                    assertThat(postfix.log()).doesNotContain("status=bounced");
                } else {
                    String bounced = postfix.awaitLogLineRetryingDeferredMail("said: 530");
                    assertThat(bounced).as(postfix.log()).contains("to=<" + RECIPIENT + ">")
                        .contains("said: 530 5.7.0 Must issue a STARTTLS command first (in reply to RCPT TO command)");
                    String bounce = postfix.awaitMessages(1).get(0);
                    assertThat(bounce).contains("Final-Recipient: rfc822; " + RECIPIENT)
                        .contains("Status: 5.7.0")
                        .contains("530 5.7.0 Must issue a STARTTLS command first");
                    assertThat(postfix.queue()).doesNotContain(RECIPIENT);
                }
                if ("handshake-fails".equals(postfixTls)) {
                    assertThat(postfix.log()).as("Postfix tried TLS first, then plaintext")
                        .contains("status=deferred (Cannot start TLS: handshake failure)");
                }
                assertThat(james.deliveredMails()).isEmpty();
            }
        }
    }
}
