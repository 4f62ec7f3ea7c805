package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.testing.peer.ReceivedTransaction;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/**
 * No silent discard and RFC 3464 DSNs in the packaged server: a route pointing at the server's own SMTP port and a
 * mail that has passed 30 servers are kept under var/mail/loop/ and their (remote) sender gets a 5.4.6 DSN naming the
 * loop; a peer's 5xx gives a DSN with the peer's reply, its host and the configured host name; no DSN carries the
 * original's X-TLS-Provenance as its own header.
 */
class DsnAndLoopIT {
    private static final String HOST_NAME = "mx.dsn-it.test";
    private static final String SENDER = "alice@sender.test";

    @TempDir
    static Path directory;
    static DistributionProcess server;
    /** The sender's own server: DSNs to alice@sender.test arrive here. */
    static TestSmtpPeer senderMx;
    static TestSmtpPeer refusingPeer;

    @BeforeAll
    static void start() throws Exception {
        senderMx = TestSmtpPeer.builder().serverName("mx.sender.test").start();
        refusingPeer = TestSmtpPeer.builder().serverName("mx.partner.test")
            .replyToRecipient("nobody@partner.test", "550 5.1.1 <nobody@partner.test>: Recipient address rejected: User unknown").start();
        server = DistributionProcess.installInto(directory).withJavaOption("-Djames.hostname=" + HOST_NAME);
        Path conf = server.home().resolve("conf");
        Files.writeString(conf.resolve("tls-policy.conf"), Files.readString(conf.resolve("tls-policy.conf"))
            + "\nsender.test   outbound=may  route=[127.0.0.1]:" + senderMx.port()
            + "\npartner.test  outbound=may  route=[127.0.0.1]:" + refusingPeer.port()
            + "\nloop.test     outbound=may  route=[127.0.0.1]:" + server.port("smtp") + "\n");
        server.start().awaitStarted();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (senderMx != null) {
            senderMx.close();
        }
        if (refusingPeer != null) {
            refusingPeer.close();
        }
    }

    private static void submit(String recipient, String message) throws IOException {
        try (SmtpTestClient client = SmtpTestClient.connect("127.0.0.1", server.port("smtp"))) {
            client.ehlo("client.sender.test");
            assertThat(client.send(SENDER, List.of(recipient), message).code()).isEqualTo(250);
            client.quit();
        }
    }

    private static ReceivedTransaction awaitDsnFor(String recipient) {
        String marker = "Final-Recipient: rfc822; " + recipient + "\r\n";
        await().atMost(Duration.ofSeconds(60)).until(() -> senderMx.transactions().stream().anyMatch(t -> t.data().contains(marker)));
        ReceivedTransaction dsn = senderMx.transactions().stream().filter(t -> t.data().contains(marker)).findFirst().get();
        assertThat(dsn.recipients()).containsExactly(SENDER);
        String topLevelHeaders = dsn.data().substring(0, dsn.data().indexOf("\r\n\r\n") + 2);
        assertThat(topLevelHeaders).contains("Subject: Undelivered Mail Returned to Sender\r\n", "Auto-Submitted: auto-replied\r\n")
            .doesNotContainIgnoringCase("X-TLS-Provenance").doesNotContain("Received:");
        assertThat(dsn.data()).contains("Content-Type: message/delivery-status", "Reporting-MTA: dns; " + HOST_NAME + "\r\n",
            "Content-Type: text/rfc822-headers");
        return dsn;
    }

    /** The file repository's stored messages that contain {@code text}. */
    private static List<Path> storedIn(String repository, String text) throws IOException {
        Path directory = server.home().resolve("var/mail").resolve(repository);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> {
                try {
                    return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
                } catch (IOException e) {
                    return false;
                }
            }).collect(Collectors.toList());
        }
    }

    @Test
    void aRouteToTheServersOwnSmtpPortIsKeptInTheLoopRepositoryAndTheSenderGetsA546Dsn() throws Exception {
        submit("carol@loop.test", TestMessages.simple(SENDER, "carol@loop.test", "to myself"));

        ReceivedTransaction dsn = awaitDsnFor("carol@loop.test");
        assertThat(dsn.data()).contains("Final-Recipient: rfc822; carol@loop.test\r\nAction: failed\r\nStatus: 5.4.6\r\n"
            + "Diagnostic-Code: x-tls-provenance; mail for loop.test loops back to myself (next hop 127.0.0.1:" + server.port("smtp")
            + " is 127.0.0.1, where this server's SMTP listener 127.0.0.1:" + server.port("smtp") + " accepts connections)\r\n",
            "Subject: to myself");
        await().atMost(Duration.ofSeconds(20)).until(() -> !storedIn("loop", "Subject: to myself").isEmpty());
        assertThat(server.console()).contains("not delivered to [carol@loop.test]: <carol@loop.test> 5.4.6 x-tls-provenance; mail for loop.test loops back to myself");
    }

    @Test
    void aMailThatHasPassedThirtyServersIsKeptInTheLoopRepositoryAndTheSenderGetsA546Dsn() throws Exception {
        StringBuilder received = new StringBuilder();
        for (int hop = 31; hop > 0; hop--) {
            received.append("Received: from relay").append(hop).append(".elsewhere.test by relay").append(hop + 1)
                .append(".elsewhere.test with ESMTP; Sun, 29 Nov 2026 10:00:00 +0000\r\n");
        }
        submit("dave@elsewhere.test", received + TestMessages.simple(SENDER, "dave@elsewhere.test", "round and round"));

        ReceivedTransaction dsn = awaitDsnFor("dave@elsewhere.test");
        assertThat(dsn.data()).contains("Final-Recipient: rfc822; dave@elsewhere.test\r\nAction: failed\r\nStatus: 5.4.6\r\n"
            + "Diagnostic-Code: x-tls-provenance; routing loop detected: the message has passed through 30 mail servers (RelayLimit=30)\r\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> !storedIn("loop", "Subject: round and round").isEmpty());
        assertThat(server.console()).containsPattern("WARN .*Mail \\S+ from <alice@sender.test> not delivered to \\[dave@elsewhere.test\\]: "
            + "<dave@elsewhere.test> 5.4.6 x-tls-provenance; routing loop detected");
    }

    @Test
    void aPeersPermanentRefusalGivesADsnWithItsReplyItsHostAndOurHostName() throws Exception {
        submit("nobody@partner.test", TestMessages.simple(SENDER, "nobody@partner.test", "to nobody"));

        ReceivedTransaction dsn = awaitDsnFor("nobody@partner.test");
        assertThat(dsn.data()).contains("Final-Recipient: rfc822; nobody@partner.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            + "Remote-MTA: dns; 127.0.0.1\r\n"
            + "Diagnostic-Code: smtp; 550 5.1.1 <nobody@partner.test>: Recipient address rejected: User unknown\r\n",
            "Subject: to nobody");
        // the original's stamp is in the rfc822-headers part, where the original's header section belongs
        assertThat(dsn.data().substring(dsn.data().indexOf("Content-Type: text/rfc822-headers"))).contains("X-TLS-Provenance: ");
    }
}
