package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.testing.hostile.ForgeryCase;
import dev.tlsprovenance.testing.hostile.ForgeryRun;
import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.postfix.PostfixPeer;

/**
 * Issue 9, forged TLS clauses through a real Postfix (Debian package) in front of our James, everything in
 * cleartext: client -> Postfix (EHLO payload, or a quoted recipient local part) -> James. Postfix writes the
 * client's HELO after {@code from} (only {@code " <>()\";@"} neutralised, so {@code =} and {@code ,} survive) and
 * the recipient as an RFC 822 quoted string; James writes Postfix's HELO and the recipient. Stamp stripped, both
 * hosts trusted: neither the Postfix hop nor ours is ever {@code tls=yes}, the verdict never {@code tls-all-the-way}.
 * Run with {@code mvn -Pinterop}.
 */
@Tag("interop")
class ReceivedHeaderForgeryPostfixTest {
    private static final String RELAY_HOST = "mx.relay.test";

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withCoreHandlersPackage(TlsProvenanceCoreHandlers.class.getName())
        .withMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.headers.AddTlsProvenanceHeaders\"/>")
        .build();

    private static PostfixPeer postfix;

    @BeforeAll
    static void startPostfixInFrontOfJames() throws Exception {
        assumeTrue(PostfixPeer.isAvailable(), PostfixPeer::unavailableReason);
        postfix = PostfixPeer.builder().hostname(RELAY_HOST).domain("relay.invalid").tlsOff()
            .relayTo("127.0.0.1", james.smtpPort()).relayInCleartext().start();
    }

    @AfterAll
    static void stopPostfix() {
        if (postfix != null) {
            postfix.close();
        }
    }

    @Test
    void noHeloOrRecipientTextMakesThePostfixHopOrOursReadAsTls() throws Exception {
        List<ForgeryCase> cases = ForgeryCase.generateHeloAndRecipient(JamesTestServer.LOCAL_DOMAIN);
        List<ForgeryRun.Sent> sent = ForgeryRun.send(postfix.host(), postfix.port(), cases);
        long accepted = sent.stream().filter(ForgeryRun.Sent::accepted).count();

        List<DeliveredMail> delivered = james.awaitDeliveredMails((int) accepted, Duration.ofSeconds(120));
        Map<String, String> headersBySubject = delivered.stream()
            .collect(Collectors.toMap(mail -> mail.firstHeader("Subject").orElse(""), DeliveredMail::rawHeaderBlock,
                (first, second) -> first + "\r\nX-Duplicate-Delivery: yes\r\n"));
        List<ForgeryRun.Result> results = ForgeryRun.judge(sent, headersBySubject, List.of(RELAY_HOST, TestPki.SERVER_HOST));
        String summary = ForgeryRun.summary("postfix cleartext forgeries", results);
        System.out.println(summary);

        assertThat(accepted).as("Postfix accepts these commands; the test is about what it writes\n" + summary)
            .isEqualTo(cases.size());
        assertThat(delivered).as("one delivery per accepted case, nothing else").hasSize((int) accepted);
        assertThat(results.stream().collect(Collectors.groupingBy(r -> r.outcome, Collectors.counting())))
            .as(summary).containsOnlyKeys(ForgeryRun.Outcome.HARMLESS);
    }
}
