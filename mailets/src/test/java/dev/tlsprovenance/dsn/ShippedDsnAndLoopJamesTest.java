package dev.tlsprovenance.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.guice.TlsProvenanceModule;
import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/**
 * The shipped {@code conf/mailetcontainer.xml} in a real James 3.8.1 (its repositories in memory, local delivery into a
 * test repository): a mail that has passed 30 servers and a mail whose route is this server's own SMTP listener are
 * kept in the loop repository and their sender gets a 5.4.6 DSN; a peer's 5xx and the after-DATA 5.7.10 enforcement
 * give RFC 3464 DSNs with the exact fields; no DSN carries the original's X-TLS-Provenance or Received lines as its own.
 */
class ShippedDsnAndLoopJamesTest {
    private static final String HOST_NAME = "mx.loopdsn.test";
    private static final String SENDER = "sender@" + JamesTestServer.LOCAL_DOMAIN;
    private static final String LOOP_REPOSITORY = "memory://var/mail/loop/";
    private static final TestSmtpPeer REFUSING_PEER;

    static {
        // re-read tls-policy.conf at every lookup: the route to this server's own port is written once James has bound it
        System.setProperty(TlsProvenanceModule.CHECK_INTERVAL_PROPERTY, "0");
        try {
            REFUSING_PEER = TestSmtpPeer.builder().serverName("mx.partner.test")
                .replyToRecipient("nobody@partner.test", "550 5.1.1 <nobody@partner.test>: Recipient address rejected: User unknown")
                .start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withCoreHandlersPackage("dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers")
        .withConfFile("tls-policy.conf", policy(""))
        // the shipped mailet container names conf/dane.properties and conf/mta-sts.properties; the rows above decide
        // every destination, so no DNSSEC lookup or policy fetch is made
        .withConfFile("dane.properties", shipped("dane.properties"))
        .withConfFile("mta-sts.properties", shipped("mta-sts.properties"))
        .withMailetContainer(shippedMailetContainer())
        .build();

    private static String policy(String extraRows) {
        return "partner.test    outbound=may  route=[localhost]:" + REFUSING_PEER.port() + "\n"
            + "protected.test  inbound=require  outbound=may  route=[localhost]:" + REFUSING_PEER.port() + "\n"
            + extraRows
            + "default         inbound=none  outbound=may\n";
    }

    private static String shipped(String file) {
        try {
            return Files.readString(Path.of("..", "conf", file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The shipped file, with memory repositories, our host name and a test repository in place of mailbox delivery. */
    private static String shippedMailetContainer() {
        try {
            String shipped = Files.readString(Path.of("..", "conf", "mailetcontainer.xml"), StandardCharsets.UTF_8);
            String adapted = shipped.replace("file://var/mail/", "memory://var/mail/")
                .replace("${sys:james.hostname:-localhost}", HOST_NAME)
                .replace("<enableJmx=\"false\">", "")
                .replace("<mailet match=\"All\" class=\"LocalDelivery\"/>",
                    "<mailet match=\"All\" class=\"ToRepository\"><repositoryPath>" + JamesTestServer.DELIVERED + "</repositoryPath></mailet>")
                .replace("<postmaster>postmaster</postmaster>", "<postmaster>postmaster@" + JamesTestServer.LOCAL_DOMAIN + "</postmaster>")
                .replace("<delays>5s, 1m, 5m, 30m, 2h</delays>", "<delays>500ms</delays>")
                .replace("<maxRetries>8</maxRetries>", "<maxRetries>1</maxRetries>");
            if (adapted.equals(shipped) || !adapted.contains("memory://var/mail/loop/")) {
                throw new IllegalStateException("conf/mailetcontainer.xml has changed shape: adapt this test");
            }
            return adapted;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void restoreCheckInterval() {
        System.clearProperty(TlsProvenanceModule.CHECK_INTERVAL_PROPERTY);
        REFUSING_PEER.close();
    }

    @BeforeEach
    void clean() throws Exception {
        if (james.mailCount(LOOP_REPOSITORY) > 0) {
            james.clear(LOOP_REPOSITORY);
        }
        james.clearDelivered();
        REFUSING_PEER.resetRecords();
        try {
            james.addUser(SENDER, "secret");
        } catch (Exception alreadyThere) {
            // one user for the class
        }
    }

    private static void submit(String recipient, String message) throws IOException {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.test");
            assertThat(client.send(SENDER, List.of(recipient), message).code()).isEqualTo(250);
            client.quit();
        }
    }

    private static DeliveredMail awaitDsnFor(String recipient) {
        String marker = "Final-Recipient: rfc822; " + recipient + "\r\n";
        await().atMost(Duration.ofSeconds(20)).until(() -> james.deliveredMails().stream().anyMatch(m -> m.body().contains(marker)));
        return james.deliveredMails().stream().filter(m -> m.body().contains(marker)).findFirst().get();
    }

    /** The DSN is a new message from the postmaster to the sender, envelope sender <>, with nothing of the original's path. */
    private static void assertIsOurDsnToTheSender(DeliveredMail dsn) {
        assertThat(dsn.sender()).isEmpty();
        assertThat(dsn.recipients()).containsExactly(SENDER);
        assertThat(dsn.firstHeader("From")).contains("postmaster@" + JamesTestServer.LOCAL_DOMAIN);
        assertThat(dsn.firstHeader("Subject")).contains("Undelivered Mail Returned to Sender");
        assertThat(dsn.firstHeader("Content-Type").get()).startsWith("multipart/report;").contains("report-type=delivery-status");
        assertThat(dsn.header("X-TLS-Provenance")).as("the original's provenance stamp is not the DSN's own").isEmpty();
        assertThat(dsn.header("X-TLS-Provenance-Untrusted")).isEmpty();
        assertThat(dsn.header("Received")).as("the DSN never made the original's hops").isEmpty();
        assertThat(dsn.body()).contains("Content-Type: message/delivery-status", "Content-Type: text/rfc822-headers",
            "Reporting-MTA: dns; " + HOST_NAME + "\r\n");
    }

    @Test
    void aMailThatPassedThirtyServersIsKeptInTheLoopRepositoryAndItsSenderGetsA546Dsn() throws Exception {
        StringBuilder received = new StringBuilder();
        for (int hop = 31; hop > 0; hop--) {
            received.append("Received: from relay").append(hop).append(".loop.test by relay").append(hop + 1)
                .append(".loop.test with ESMTP; Sun, 29 Nov 2026 10:00:00 +0000\r\n");
        }
        submit("bob@" + JamesTestServer.LOCAL_DOMAIN,
            received + TestMessages.simple(SENDER, "bob@" + JamesTestServer.LOCAL_DOMAIN, "round and round"));

        List<DeliveredMail> kept = james.awaitMailsIn(LOOP_REPOSITORY, 1);
        assertThat(kept.get(0).recipients()).containsExactly("bob@" + JamesTestServer.LOCAL_DOMAIN);
        assertThat(kept.get(0).firstHeader("Subject")).contains("round and round");
        DeliveredMail dsn = awaitDsnFor("bob@" + JamesTestServer.LOCAL_DOMAIN);
        assertIsOurDsnToTheSender(dsn);
        assertThat(dsn.body()).contains("Final-Recipient: rfc822; bob@" + JamesTestServer.LOCAL_DOMAIN + "\r\n"
            + "Action: failed\r\n"
            + "Status: 5.4.6\r\n"
            + "Diagnostic-Code: x-tls-provenance; routing loop detected: the message has passed through 30 mail servers (RelayLimit=30)\r\n",
            "Subject: round and round");
        assertThat(james.deliveredMails()).as("only the DSN was delivered, not the looping mail").hasSize(1);
    }

    @Test
    void aRouteToThisServersOwnListenerIsALoopAtOnceNotAfterThirtyHops() throws Exception {
        Path conf = james.confDirectory();
        Path edit = conf.resolve("tls-policy.conf.new");
        Files.writeString(edit, policy("loop.test  outbound=may  route=[127.0.0.1]:" + james.smtpPort() + "\n"));
        Files.move(edit, conf.resolve("tls-policy.conf"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        submit("carol@loop.test", TestMessages.simple(SENDER, "carol@loop.test", "to myself"));

        List<DeliveredMail> kept = james.awaitMailsIn(LOOP_REPOSITORY, 1);
        assertThat(kept.get(0).recipients()).containsExactly("carol@loop.test");
        assertThat(kept.get(0).header("Received")).as("it never went round: only our own inbound hop").hasSize(1);
        DeliveredMail dsn = awaitDsnFor("carol@loop.test");
        assertIsOurDsnToTheSender(dsn);
        assertThat(dsn.body()).contains("Final-Recipient: rfc822; carol@loop.test\r\n"
            + "Action: failed\r\n"
            + "Status: 5.4.6\r\n"
            + "Diagnostic-Code: x-tls-provenance; mail for loop.test loops back to myself (next hop 127.0.0.1:" + james.smtpPort()
            + " is 127.0.0.1, where this server's SMTP listener 127.0.0.1:" + james.smtpPort() + " accepts connections)\r\n");
        assertThat(james.mailCount(LOOP_REPOSITORY)).isEqualTo(1);
    }

    @Test
    void aPeersPermanentRefusalIsReportedWithItsReplyItsHostAndOurHostName() throws Exception {
        submit("nobody@partner.test", TestMessages.simple(SENDER, "nobody@partner.test", "to nobody"));

        DeliveredMail dsn = awaitDsnFor("nobody@partner.test");
        assertIsOurDsnToTheSender(dsn);
        assertThat(dsn.body()).contains("Reporting-MTA: dns; " + HOST_NAME + "\r\nArrival-Date: ",
            "Final-Recipient: rfc822; nobody@partner.test\r\n"
                + "Action: failed\r\n"
                + "Status: 5.1.1\r\n"
                + "Remote-MTA: dns; localhost\r\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 <nobody@partner.test>: Recipient address rejected: User unknown\r\n"
                + "Last-Attempt-Date: ",
            "Subject: to nobody");
        assertThat(dsn.body()).doesNotContain("X-James", "Status: 550");
    }

    @Test
    void inboundEnforcementBouncesWith5710AndOurOwnDiagnosticType() throws Exception {
        submit("bob@protected.test", TestMessages.simple(SENDER, "bob@protected.test", "in cleartext"));

        DeliveredMail dsn = awaitDsnFor("bob@protected.test");
        assertIsOurDsnToTheSender(dsn);
        assertThat(dsn.body()).contains("Final-Recipient: rfc822; bob@protected.test\r\n"
            + "Action: failed\r\n"
            + "Status: 5.7.10\r\n"
            + "Diagnostic-Code: x-tls-provenance; Encryption needed: namespace protected.test (tls-policy.conf:2) requires TLS "
            + "but the mail was received in cleartext from 127.0.0.1\r\n");
        // the original's stamp is where RFC 3464 puts the original's header section: in the text/rfc822-headers part
        String headersPart = dsn.body().substring(dsn.body().indexOf("Content-Type: text/rfc822-headers"));
        assertThat(headersPart).contains("X-TLS-Provenance: ", "Subject: in cleartext");
        assertThat(REFUSING_PEER.connectionCount()).as("nothing was relayed to the protected namespace").isZero();
    }
}
