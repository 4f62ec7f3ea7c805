package dev.tlsprovenance.outbound;

import static dev.tlsprovenance.outbound.OutboundFixtures.PARTNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.peer.ReceivedTransaction;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TlsPolicyRemoteDelivery inside a real James 3.8.1: mail submitted over SMTP goes through the mailet container,
 * our queue and our SMTP client to loopback peers that each play one role.
 */
class TlsPolicyRemoteDeliveryJamesTest {
    private static final String SENDER = "sender@" + JamesTestServer.LOCAL_DOMAIN;
    private static final TestSmtpPeer PARTNER_PEER;
    private static final TestSmtpPeer STRIPPING_PEER;
    private static final TestSmtpPeer CLEARTEXT_PEER;
    private static final TestSmtpPeer MUTUAL_PEER;
    private static final TestSmtpPeer EXPIRED_PEER;
    private static final TestSmtpPeer EVIL_PEER;
    private static final TestSmtpPeer SMTPS_PEER;
    private static final TestSmtpPeer REVOKED_PEER;
    private static final Path CLIENT_KEYSTORE;

    static {
        try {
            TestPki pki = TestPki.shared();
            PARTNER_PEER = TestSmtpPeer.builder().serverName(PARTNER).identity(pki.peer(PARTNER)).advertiseRequireTls(true).start();
            STRIPPING_PEER = TestSmtpPeer.builder().serverName("mx.stripped.test").identity(pki.peer(PARTNER)).withholdStartTls().start();
            CLEARTEXT_PEER = TestSmtpPeer.builder().serverName("mx.open.test").start();
            MUTUAL_PEER = TestSmtpPeer.builder().serverName("mx.mutual.test").identity(pki.peer(PARTNER))
                .clientAuth(TestSmtpPeer.ClientAuth.NEED).start();
            EXPIRED_PEER = TestSmtpPeer.builder().serverName("mx.expired.test").identity(pki.expired("mx.expired.test")).start();
            EVIL_PEER = TestSmtpPeer.builder().serverName("mx.evil.test").identity(pki.peer("mx.evil.test")).start();
            SMTPS_PEER = TestSmtpPeer.builder().serverName(PARTNER).identity(pki.peer(PARTNER)).implicitTls().start();
            REVOKED_PEER = TestSmtpPeer.builder().serverName("mx.revoked.test").identity(pki.revoked(PARTNER)).start();
            CLIENT_KEYSTORE = pki.clientTls("james.sender.test")
                .writeKeyStorePkcs12(Files.createTempFile("client", ".p12"), "secret");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String policyFile() {
        String ca = OutboundFixtures.caBundle().toString();
        String crl = OutboundFixtures.crlFile().toString();
        return "partner.test   outbound=secure  match=" + PARTNER + "  ca=" + ca + "  crl=" + crl
            + "  route=[localhost]:" + PARTNER_PEER.port() + "\n"
            + "revoked.test   outbound=verify  ca=" + ca + "  crl=" + crl + "  route=[localhost]:" + REVOKED_PEER.port() + "\n"
            + "stripped.test  outbound=encrypt  route=[localhost]:" + STRIPPING_PEER.port() + "\n"
            + "open.test      outbound=may  route=[localhost]:" + CLEARTEXT_PEER.port() + "\n"
            + "mutual.test    outbound=verify  ca=" + ca + "  client-cert=" + CLIENT_KEYSTORE
            + "  client-cert-password=secret  route=[localhost]:" + MUTUAL_PEER.port() + "\n"
            + "expired.test   outbound=verify  ca=" + ca + "  route=[localhost]:" + EXPIRED_PEER.port() + "\n"
            + "contoso1.microsoftonline.com  outbound=secure  match=*.mail.protection.outlook.com  ca=" + ca
            + "  route=[localhost]:" + EVIL_PEER.port() + "\n"
            + "smtps.test     outbound=secure  match=" + PARTNER + "  ca=" + ca + "  route=smtps:[localhost]:" + SMTPS_PEER.port() + "\n"
            + "default        outbound=may\n";
    }

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withConfFile("tls-policy.conf", policyFile())
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withHook("dev.tlsprovenance.requiretls.RequireTlsReceivingHook")
        .withMailets("<mailet match=\"HasHeader=X-Require-Tls\" class=\"SetMailAttribute\">\n"
            + "  <REQUIRETLS>true</REQUIRETLS>\n"
            + "</mailet>\n"
            + "<mailet match=\"HostIsLocal\" class=\"ToRepository\">\n"
            + "  <repositoryPath>" + JamesTestServer.DELIVERED + "</repositoryPath>\n"
            + "</mailet>\n"
            + "<mailet match=\"All\" class=\"dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery\">\n"
            + "  <delays>200ms</delays>\n"
            + "  <maxRetries>2</maxRetries>\n"
            + "  <heloName>james.sender.test</heloName>\n"
            + "  <connectionTimeout>5s</connectionTimeout>\n"
            + "  <readTimeout>10s</readTimeout>\n"
            + "  <idleTimeout>10s</idleTimeout>\n"
            + "</mailet>\n")
        .build();

    @BeforeEach
    void forgetPeersLedgerAndDeliveries() throws IOException {
        List.of(PARTNER_PEER, STRIPPING_PEER, CLEARTEXT_PEER, MUTUAL_PEER, EXPIRED_PEER, EVIL_PEER, SMTPS_PEER, REVOKED_PEER)
            .forEach(TestSmtpPeer::resetRecords);
        Files.deleteIfExists(james.workingDirectory().resolve("var/tls-ledger/outbound.jsonl"));
        james.clearDelivered();
    }

    /** The DSN (delivered locally to the sender) that reports on this recipient. */
    private static DeliveredMail awaitDsnFor(String recipient) {
        String marker = "Final-Recipient: rfc822; " + recipient;
        await().atMost(Duration.ofSeconds(20)).until(() -> james.deliveredMails().stream().anyMatch(m -> m.body().contains(marker)));
        return james.deliveredMails().stream().filter(m -> m.body().contains(marker)).findFirst().get();
    }

    private static void submit(List<String> recipients, String message) throws IOException {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.test");
            assertThat(client.send(SENDER, recipients, message).code()).isEqualTo(250);
            client.quit();
        }
    }

    private static List<String> ledgerLines() throws IOException {
        Path ledger = james.workingDirectory().resolve("var/tls-ledger/outbound.jsonl");
        return Files.exists(ledger) ? Files.readAllLines(ledger) : List.of();
    }

    @Test
    void deliversAtSecureAndRecordsTheAttemptInTheLedger() throws Exception {
        submit(List.of("bob@partner.test"), TestMessages.simple(SENDER, "bob@partner.test", "secure delivery"));

        ReceivedTransaction received = PARTNER_PEER.awaitTransactions(1).get(0);
        assertThat(received.overTls()).isTrue();
        assertThat(received.recipients()).containsExactly("bob@partner.test");
        assertThat(received.heloName()).isEqualTo("james.sender.test");
        assertThat(received.data()).contains("Subject: secure delivery");
        await().atMost(Duration.ofSeconds(10)).until(() -> ledgerLines().stream().anyMatch(l -> l.contains("\"domain\":\"partner.test\"")));
        String line = ledgerLines().stream().filter(l -> l.contains("\"domain\":\"partner.test\"")).findFirst().get();
        assertThat(line).contains("\"dir\":\"outbound\"", "\"transport\":\"starttls\"", "\"level\":\"secure\"",
            "\"verify\":\"verified\"", "\"next-hop\":\"localhost:" + PARTNER_PEER.port() + "\"", "\"attempt\":\"1\"",
            "\"outcome\":\"250 2.0.0 Ok: queued as");
        assertThat(PARTNER_PEER.cleartextMessageBytes()).isZero();
    }

    @Test
    void aStrippingPeerGetsNoMessageByteAcrossAllRetriesAndTheSenderGetsADsn() throws Exception {
        submit(List.of("dave@stripped.test"), TestMessages.simple(SENDER, "dave@stripped.test", "stripping attempt"));

        DeliveredMail dsn = awaitDsnFor("dave@stripped.test");
        assertThat(STRIPPING_PEER.connectionCount()).isEqualTo(3);
        assertThat(STRIPPING_PEER.cleartextMessageBytes()).isZero();
        assertThat(STRIPPING_PEER.transactions()).isEmpty();
        assertThat(STRIPPING_PEER.commandLog()).noneMatch(l -> l.contains("MAIL FROM") || l.contains("RCPT TO"));
        assertThat(dsn.recipients()).containsExactly(SENDER);
        assertThat(dsn.firstHeader("Subject")).contains("Undelivered Mail Returned to Sender");
        assertThat(dsn.firstHeader("Content-Type").get()).contains("multipart/report", "report-type=delivery-status");
        assertThat(dsn.body()).contains(
            "Content-Type: message/delivery-status",
            "Final-Recipient: rfc822; dave@stripped.test\r\nAction: failed\r\nStatus: 5.7.10\r\n"
                + "Remote-MTA: dns; localhost\r\n"
                + "Diagnostic-Code: x-tls-provenance; server did not offer STARTTLS\r\n",
            "<dave@stripped.test>: server did not offer STARTTLS (5.7.10)",
            "Subject: stripping attempt");
        assertThat(ledgerLines().stream().filter(l -> l.contains("\"domain\":\"stripped.test\"")).collect(Collectors.toList()))
            .hasSize(3)
            .allMatch(l -> l.contains("\"outcome\":\"4.7.10 server did not offer STARTTLS\""));
    }

    @Test
    void mixedRecipientsAreSplitByTheirDomainsPolicy() throws Exception {
        submit(List.of("bob@partner.test", "carol@open.test", "dave@stripped.test"),
            TestMessages.simple(SENDER, "bob@partner.test", "mixed recipients"));

        assertThat(PARTNER_PEER.awaitTransactions(1).get(0).recipients()).containsExactly("bob@partner.test");
        assertThat(PARTNER_PEER.transactions().get(0).overTls()).isTrue();
        ReceivedTransaction open = CLEARTEXT_PEER.awaitTransactions(1).get(0);
        assertThat(open.recipients()).containsExactly("carol@open.test");
        assertThat(open.overTls()).isFalse();
        DeliveredMail dsn = awaitDsnFor("dave@stripped.test");
        assertThat(dsn.body()).contains("Final-Recipient: rfc822; dave@stripped.test")
            .doesNotContain("Final-Recipient: rfc822; bob@partner.test", "Final-Recipient: rfc822; carol@open.test");
        assertThat(STRIPPING_PEER.cleartextMessageBytes()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> ledgerLines().stream().anyMatch(l -> l.contains("\"domain\":\"open.test\"")));
        assertThat(ledgerLines().stream().filter(l -> l.contains("\"domain\":\"open.test\"")).findFirst().get())
            .contains("\"transport\":\"cleartext\"", "\"fallback\":\"yes\"", "\"level\":\"may\"");
        assertThat(PARTNER_PEER.acceptedTransactions()).hasSize(1);
        assertThat(CLEARTEXT_PEER.acceptedTransactions()).hasSize(1);
    }

    @Test
    void thePeerSeesOurClientCertificate() throws Exception {
        submit(List.of("erin@mutual.test"), TestMessages.simple(SENDER, "erin@mutual.test", "mutual"));

        ReceivedTransaction received = MUTUAL_PEER.awaitTransactions(1).get(0);
        assertThat(received.clientCertificate().get().getSubjectX500Principal().getName()).contains("CN=james.sender.test");
    }

    @Test
    void requireTlsMailGoesWithItsParameterToAHopThatOffersIt() throws Exception {
        submit(List.of("bob@partner.test"), "X-Require-Tls: yes\r\n" + TestMessages.simple(SENDER, "bob@partner.test", "requiretls ok"));

        ReceivedTransaction received = PARTNER_PEER.awaitTransactions(1).get(0);
        assertThat(received.mailParameters()).containsExactly("REQUIRETLS");
        assertThat(received.overTls()).isTrue();
    }

    @Test
    void requireTlsMailToAHopWithoutTlsIsBouncedWith5730() throws Exception {
        submit(List.of("carol@open.test"), "X-Require-Tls: yes\r\n" + TestMessages.simple(SENDER, "carol@open.test", "requiretls refused"));

        DeliveredMail dsn = awaitDsnFor("carol@open.test");
        assertThat(dsn.body()).contains("Final-Recipient: rfc822; carol@open.test\r\nAction: failed\r\nStatus: 5.7.30\r\n",
            "Diagnostic-Code: x-tls-provenance; REQUIRETLS: server did not offer STARTTLS");
        assertThat(CLEARTEXT_PEER.transactions()).isEmpty();
        assertThat(CLEARTEXT_PEER.cleartextMessageBytes()).isZero();
    }

    @Test
    void anExpiredCertificateAtVerifyIsBouncedWithTheExpiryDate() throws Exception {
        submit(List.of("frank@expired.test"), TestMessages.simple(SENDER, "frank@expired.test", "expired peer"));

        DeliveredMail dsn = awaitDsnFor("frank@expired.test");
        String expiry = TestPki.shared().expired("mx.expired.test").certificate().getNotAfter().toInstant()
            .atOffset(java.time.ZoneOffset.UTC).toLocalDate().toString();
        assertThat(dsn.body()).contains("Status: 5.7.5\r\n",
            "Diagnostic-Code: x-tls-provenance; certificate expired " + expiry + "\r\n");
        assertThat(EXPIRED_PEER.transactions()).isEmpty();
        assertThat(EXPIRED_PEER.tlsHandshakes()).isEqualTo(3);
    }

    @Test
    void aRevokedCertificateAtVerifyWithCrlIsBouncedNamingTheRevocation() throws Exception {
        submit(List.of("henry@revoked.test"), TestMessages.simple(SENDER, "henry@revoked.test", "revoked peer"));

        DeliveredMail dsn = awaitDsnFor("henry@revoked.test");
        assertThat(dsn.body()).contains("Status: 5.7.5\r\n", "Diagnostic-Code: x-tls-provenance; certificate revoked on ",
            "(KEY_COMPROMISE) per crl " + OutboundFixtures.crlFile() + "\r\n");
        assertThat(REVOKED_PEER.transactions()).isEmpty();
        assertThat(REVOKED_PEER.cleartextMessageBytes()).isZero();
        assertThat(ledgerLines()).filteredOn(l -> l.contains("\"domain\":\"revoked.test\"")).hasSize(3)
            .allMatch(l -> l.contains("\"verify\":\"failed\"") && l.contains("\"outcome\":\"4.7.5 certificate revoked on "));
    }

    @Test
    void theCoexistenceRowRefusesAServerWhoseNameDoesNotMatch() throws Exception {
        submit(List.of("user@contoso1.microsoftonline.com"),
            TestMessages.simple(SENDER, "user@contoso1.microsoftonline.com", "to the hosted namespace"));

        DeliveredMail dsn = awaitDsnFor("user@contoso1.microsoftonline.com");
        assertThat(dsn.body()).contains("Status: 5.7.5\r\n", "Diagnostic-Code: x-tls-provenance; name mismatch: got mx.evil.test,"
            + " localhost, expected *.mail.protection.outlook.com\r\n");
        assertThat(EVIL_PEER.transactions()).isEmpty();
        assertThat(EVIL_PEER.cleartextMessageBytes()).isZero();
    }

    @Test
    void implicitTlsRouteAndOneConnectionForSeveralMails() throws Exception {
        for (int i = 0; i < 3; i++) {
            submit(List.of("gina@smtps.test"), TestMessages.simple(SENDER, "gina@smtps.test", "smtps " + i));
            SMTPS_PEER.awaitTransactions(i + 1);
        }
        assertThat(SMTPS_PEER.transactions()).allMatch(ReceivedTransaction::overTls)
            .extracting(ReceivedTransaction::connectionNumber).containsOnly(1);
        assertThat(SMTPS_PEER.connectionCount()).isEqualTo(1);
        assertThat(SMTPS_PEER.startTlsCommands()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> ledgerLines().stream().filter(l -> l.contains("\"domain\":\"smtps.test\"")).count() == 3);
        assertThat(ledgerLines()).filteredOn(l -> l.contains("\"domain\":\"smtps.test\""))
            .allMatch(l -> l.contains("\"transport\":\"implicit-tls\"") && l.contains("\"next-hop\":\"localhost:" + SMTPS_PEER.port() + "\""));
    }

    @Test
    void requireTlsReceivedOverStartTlsIsPassedOnToTheNextHop() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.test");
            assertThat(client.startTls(TestPki.shared().trustingRoot()).code()).isEqualTo(220);
            assertThat(client.ehlo("client.test").text()).contains("REQUIRETLS");
            assertThat(client.mailFrom(SENDER, "REQUIRETLS").code()).isEqualTo(250);
            assertThat(client.rcptTo("bob@partner.test").code()).isEqualTo(250);
            assertThat(client.data(TestMessages.simple(SENDER, "bob@partner.test", "requiretls end to end")).code()).isEqualTo(250);
            client.quit();
        }

        ReceivedTransaction received = PARTNER_PEER.awaitTransactions(1).get(0);
        assertThat(received.mailParameters()).containsExactly("REQUIRETLS");
        assertThat(received.data()).contains("Subject: requiretls end to end");
        await().atMost(Duration.ofSeconds(10)).until(() -> ledgerLines().stream().anyMatch(l -> l.contains("\"requiretls\":\"yes\"")));
    }
}
