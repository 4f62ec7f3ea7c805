package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;
import dev.tlsprovenance.testing.smtp.SmtpReply;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;

/**
 * AUTH before STARTTLS through a real James 3.8.1 with {@link TlsProvenanceCoreHandlers}: every mechanism x right or
 * wrong password x listener {@code requireSSL} true/false x cleartext or after STARTTLS. Where the listener requires
 * TLS and the session is cleartext, every AUTH gets the same 538 whatever the password (no oracle), no continuation
 * starts, and the session stays unauthenticated (a remote recipient is not relayed); everywhere else James's own
 * AUTH answers as before.
 */
class AuthBeforeTlsTest {
    private static final String USER = "alice@" + JamesTestServer.LOCAL_DOMAIN;
    private static final String PASSWORD = "right-secret";
    private static final String WRONG_PASSWORD = "wrong-secret";
    private static final String REMOTE_RECIPIENT = "bob@remote.example";
    private static final String ENCRYPTION_REQUIRED = "538 5.7.11 Encryption required for requested authentication mechanism";
    private static final TestTls CLIENT_TLS = TestPki.shared().trustingRoot();

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withConfFile("smtpserver.xml", smtpServerXml())
        .build();

    enum Mechanism { PLAIN_INITIAL_RESPONSE, PLAIN_CONTINUATION, LOGIN, UNKNOWN }

    enum Listener {
        REQUIRE_SSL(0, true), ALLOW_CLEARTEXT(1, false);

        final int index;
        final boolean requireSsl;

        Listener(int index, boolean requireSsl) {
            this.index = index;
            this.requireSsl = requireSsl;
        }
    }

    @BeforeAll
    static void addUser() throws Exception {
        james.addUser(USER, PASSWORD);
    }

    static Stream<Arguments> sessions() {
        List<Arguments> cases = new ArrayList<>();
        for (Mechanism mechanism : Mechanism.values()) {
            for (boolean rightPassword : new boolean[] {true, false}) {
                for (Listener listener : Listener.values()) {
                    for (boolean startTls : new boolean[] {false, true}) {
                        cases.add(Arguments.of(mechanism, rightPassword, listener, startTls));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} rightPassword={1} {2} startTls={3}")
    @MethodSource("sessions")
    void authRepliesAndRelayingFollowTheListenerAndTheTransport(Mechanism mechanism, boolean rightPassword, Listener listener,
                                                                boolean startTls) throws Exception {
        String password = rightPassword ? PASSWORD : WRONG_PASSWORD;
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.listenerPorts().get(listener.index))) {
            client.ehlo("client.test");
            if (startTls) {
                assertThat(client.startTls(CLIENT_TLS).code()).isEqualTo(220);
                client.ehlo("client.test");
            }
            boolean refusedBeforeTls = listener.requireSsl && !startTls;

            List<SmtpReply> replies = authenticate(client, mechanism, password, refusedBeforeTls);
            SmtpReply last = replies.get(replies.size() - 1);
            boolean authenticated;
            if (refusedBeforeTls) {
                assertThat(replies).hasSize(1);
                assertThat(last.rawLines()).containsExactly(ENCRYPTION_REQUIRED);
                authenticated = false;
            } else if (mechanism == Mechanism.UNKNOWN) {
                assertThat(last.rawLines()).containsExactly("504 Unrecognized Authentication Type");
                authenticated = false;
            } else if (rightPassword) {
                assertThat(last.rawLines()).containsExactly("235 Authentication Successful");
                authenticated = true;
            } else {
                assertThat(last.rawLines()).containsExactly("535 Authentication Failed");
                authenticated = false;
            }

            assertThat(client.mailFrom(USER).code()).isEqualTo(250);
            SmtpReply rcpt = client.rcptTo(REMOTE_RECIPIENT);
            if (authenticated) {
                assertThat(rcpt.rawLines()).containsExactly("250 2.1.5 Recipient <" + REMOTE_RECIPIENT + "> OK");
            } else if (refusedBeforeTls) {
                // AUTH is not announced in cleartext on this listener, so James says relaying denied
                assertThat(rcpt.rawLines()).containsExactly("550 5.7.1 Requested action not taken: relaying denied");
            } else {
                assertThat(rcpt.rawLines()).containsExactly("530 5.7.1 Authentication Required");
            }
        }
    }

    @Test
    void cleartextEhloOnTheRequireSslListenerHidesAuthAndOffersStartTls() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.listenerPorts().get(Listener.REQUIRE_SSL.index))) {
            SmtpReply ehlo = client.ehlo("client.test");

            assertThat(ehlo.hasExtension("STARTTLS")).isTrue();
            assertThat(ehlo.hasExtension("AUTH")).isFalse();
            assertThat(client.startTls(CLIENT_TLS).code()).isEqualTo(220);
            assertThat(client.ehlo("client.test").extensions()).contains("AUTH LOGIN PLAIN");
        }
    }

    @Test
    void cancelledOrPipelinedCredentialsAfterTheRefusalAreReadAsCommandsNotAsAuthData() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.listenerPorts().get(Listener.REQUIRE_SSL.index))) {
            client.ehlo("client.test");
            client.write("AUTH LOGIN\r\n" + base64(USER) + "\r\n" + base64(PASSWORD) + "\r\n");

            assertThat(client.readReply().rawLines()).containsExactly(ENCRYPTION_REQUIRED);
            // the two base64 lines reach the command parser, never a LOGIN continuation
            assertThat(client.readReply().code()).isEqualTo(500);
            assertThat(client.readReply().code()).isEqualTo(500);
            assertThat(client.mailFrom(USER).code()).isEqualTo(250);
            assertThat(client.rcptTo(REMOTE_RECIPIENT).rawLines())
                .containsExactly("550 5.7.1 Requested action not taken: relaying denied");
        }
    }

    private static List<SmtpReply> authenticate(SmtpTestClient client, Mechanism mechanism, String password,
                                                boolean expectRefusal) throws Exception {
        String plain = base64("\0" + USER + "\0" + password);
        List<SmtpReply> replies = new ArrayList<>();
        switch (mechanism) {
            case PLAIN_INITIAL_RESPONSE:
                replies.add(client.command("AUTH PLAIN " + plain));
                break;
            case PLAIN_CONTINUATION:
                replies.add(client.command("AUTH PLAIN"));
                if (!expectRefusal) {
                    assertThat(replies.get(0).code()).isEqualTo(334);
                    replies.add(client.command(plain));
                }
                break;
            case LOGIN:
                replies.add(client.command("AUTH LOGIN"));
                if (!expectRefusal) {
                    assertThat(replies.get(0).rawLines()).containsExactly("334 VXNlcm5hbWU6");
                    replies.add(client.command(base64(USER)));
                    assertThat(replies.get(1).rawLines()).containsExactly("334 UGFzc3dvcmQ6");
                    replies.add(client.command(base64(password)));
                }
                break;
            case UNKNOWN:
                replies.add(client.command("AUTH X-UNKNOWN " + plain));
                break;
            default:
                throw new AssertionError(mechanism);
        }
        return replies;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String smtpServerXml() {
        return "<?xml version=\"1.0\"?>\n<smtpservers>\n"
            + listener("auth-require-ssl", true)
            + listener("auth-allow-cleartext", false)
            + "</smtpservers>\n";
    }

    private static String listener(String jmxName, boolean requireSsl) {
        return "  <smtpserver enabled=\"true\">\n"
            + "    <jmxName>" + jmxName + "</jmxName>\n"
            + "    <bind>127.0.0.1:0</bind>\n"
            + "    <tls socketTLS=\"false\" startTLS=\"true\">\n"
            + "      <keystore>file://conf/keystore.p12</keystore>\n"
            + "      <keystoreType>PKCS12</keystoreType>\n"
            + "      <secret>changeit</secret>\n"
            + "    </tls>\n"
            + "    <helloName autodetect=\"false\">" + TestPki.SERVER_HOST + "</helloName>\n"
            + "    <auth>\n"
            + "      <announce>always</announce>\n"
            + "      <requireSSL>" + requireSsl + "</requireSSL>\n"
            + "      <plainAuthEnabled>true</plainAuthEnabled>\n"
            + "    </auth>\n"
            + "    <verifyIdentity>false</verifyIdentity>\n"
            + "    <maxmessagesize>0</maxmessagesize>\n"
            + "    <handlerchain coreHandlersPackage=\"" + TlsProvenanceCoreHandlers.class.getName() + "\"/>\n"
            + "    <gracefulShutdown>false</gracefulShutdown>\n"
            + "  </smtpserver>\n";
    }
}
