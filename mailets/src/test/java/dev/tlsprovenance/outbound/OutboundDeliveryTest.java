package dev.tlsprovenance.outbound;

import static dev.tlsprovenance.outbound.OutboundFixtures.PARTNER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.policy.ClientIdentity;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.testing.peer.ReceivedTransaction;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboundDeliveryTest {
    private static final Envelope TO_BOB = new Envelope("sender@james.test", List.of("bob@partner.test"), false);

    private static DomainDeliveryResult deliver(OutboundDelivery delivery, OutboundPolicy policy, NextHop hop, Envelope envelope) {
        return delivery.deliver("partner.test", policy, List.of(hop), envelope, MessageContent.of(OutboundFixtures.message("x")), 1);
    }

    @Test
    void mailsForTheSameHopShareOneTlsConnectionWithRsetBetween() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER)).start()) {
            OutboundDelivery delivery = OutboundFixtures.delivery(2);
            for (int i = 0; i < 5; i++) {
                assertThat(deliver(delivery, OutboundFixtures.policy(OutboundLevel.SECURE), OutboundFixtures.hop(peer), TO_BOB)
                    .outcomes().get(0).isDelivered()).isTrue();
            }
            assertThat(peer.connectionCount()).isEqualTo(1);
            assertThat(peer.tlsHandshakes()).isEqualTo(1);
            assertThat(peer.acceptedTransactions()).hasSize(5).allMatch(t -> t.connectionNumber() == 1 && t.overTls());
            assertThat(peer.commandLog().stream().filter(line -> line.endsWith(" RSET"))).hasSize(4);
        }
    }

    @Test
    void aPooledConnectionTheServerNoLongerWantsIsReplacedByANewOne() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER)).start()) {
            OutboundDelivery delivery = OutboundFixtures.delivery(2);
            assertThat(deliver(delivery, OutboundFixtures.policy(OutboundLevel.VERIFY), OutboundFixtures.hop(peer), TO_BOB)
                .outcomes().get(0).isDelivered()).isTrue();
            peer.replyTo("RSET", "421 4.4.2 Idle too long, closing");
            DomainDeliveryResult second = deliver(delivery, OutboundFixtures.policy(OutboundLevel.VERIFY), OutboundFixtures.hop(peer), TO_BOB);
            assertThat(second.outcomes().get(0).isDelivered()).isTrue();
            assertThat(peer.connectionCount()).isEqualTo(2);
            assertThat(peer.acceptedTransactions()).extracting(ReceivedTransaction::connectionNumber).containsExactly(1, 2);
        }
    }

    @Test
    void idleConnectionsAreClosedWithQuitAfterTheIdleTimeout() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER)).start()) {
            SmtpConnector connector = new SmtpConnector(OutboundFixtures.HELO, java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(5), java.time.Clock.systemUTC());
            ConnectionPool pool = new ConnectionPool(connector, 4, java.time.Duration.ofMillis(200));
            OutboundDelivery delivery = new OutboundDelivery(pool, new OutboundTlsCache(java.time.Clock.systemUTC()), java.time.Clock.systemUTC());
            assertThat(deliver(delivery, OutboundFixtures.policy(OutboundLevel.VERIFY), OutboundFixtures.hop(peer), TO_BOB)
                .outcomes().get(0).isDelivered()).isTrue();
            assertThat(pool.idleConnections()).isEqualTo(1);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
                pool.evictIdle();
                return pool.idleConnections() == 0;
            });
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> peer.commandLog().stream().anyMatch(line -> line.endsWith(" QUIT")));
            pool.close();
        }
    }

    @Test
    void newConnectionsResumeTheTlsSessionOfTheRow() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER)).start()) {
            OutboundDelivery delivery = OutboundFixtures.delivery(0);
            for (int i = 0; i < 3; i++) {
                DomainDeliveryResult result = deliver(delivery, OutboundFixtures.policy(OutboundLevel.VERIFY), OutboundFixtures.hop(peer), TO_BOB);
                assertThat(result.outcomes().get(0).isDelivered()).isTrue();
                assertThat(result.attempts().get(0).peerCertificate()).isPresent();
            }
            assertThat(peer.connectionCount()).isEqualTo(3);
            assertThat(peer.tlsSessionsResumed()).isEqualTo(2);
        }
    }

    @Test
    void thePeerSeesTheRowsClientCertificate(@TempDir Path dir) throws Exception {
        Path keyStore = TestPki.shared().clientTls("james.sender.test").writeKeyStorePkcs12(dir.resolve("client.p12"), "secret");
        OutboundPolicy mutual = OutboundPolicy.builder().level(OutboundLevel.VERIFY).trustAnchors(OutboundFixtures.caBundle())
            .clientIdentity(ClientIdentity.of(keyStore, "secret")).build();
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER))
                .clientAuth(TestSmtpPeer.ClientAuth.NEED).start()) {
            assertThat(deliver(OutboundFixtures.delivery(0), mutual, OutboundFixtures.hop(peer), TO_BOB).outcomes().get(0).isDelivered()).isTrue();
            assertThat(peer.acceptedTransactions().get(0).clientCertificate().get().getSubjectX500Principal().getName())
                .contains("CN=james.sender.test");
        }
    }

    @Test
    void withoutAClientIdentityAPeerDemandingOneFailsTheHandshake() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER))
                .clientAuth(TestSmtpPeer.ClientAuth.NEED).start()) {
            DomainDeliveryResult result = deliver(OutboundFixtures.delivery(0), OutboundFixtures.policy(OutboundLevel.VERIFY),
                OutboundFixtures.hop(peer), TO_BOB);
            assertThat(result.outcomes().get(0).failure().get().toString()).startsWith("4.7.5 ");
            assertThat(peer.transactions()).isEmpty();
        }
    }

    @Test
    void implicitTlsHop() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER)).implicitTls().start()) {
            DomainDeliveryResult result = deliver(OutboundFixtures.delivery(0), OutboundFixtures.policy(OutboundLevel.SECURE),
                NextHop.of("localhost", peer.port(), true), TO_BOB);
            assertThat(result.outcomes().get(0).isDelivered()).isTrue();
            assertThat(result.attempts().get(0).transport()).isEqualTo(Transport.IMPLICIT_TLS);
            assertThat(peer.startTlsCommands()).isZero();
            assertThat(peer.acceptedTransactions().get(0).overTls()).isTrue();
        }
    }

    @Test
    void minimumProtocolAboveWhatThePeerSpeaksFailsTheAttempt() throws Exception {
        OutboundPolicy tls13Only = OutboundPolicy.builder().level(OutboundLevel.ENCRYPT).minProtocol("TLSv1.3").build();
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER)).enabledProtocols("TLSv1.2").start()) {
            DomainDeliveryResult result = deliver(OutboundFixtures.delivery(0), tls13Only, OutboundFixtures.hop(peer), TO_BOB);
            assertThat(result.outcomes().get(0).failure().get().toString()).startsWith("4.7.5 TLS handshake failed");
            assertThat(peer.cleartextMessageBytes()).isZero();
        }
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER)).enabledProtocols("TLSv1.2").start()) {
            DomainDeliveryResult result = deliver(OutboundFixtures.delivery(0), OutboundFixtures.policy(OutboundLevel.ENCRYPT),
                OutboundFixtures.hop(peer), TO_BOB);
            assertThat(result.attempts().get(0).protocol()).contains("TLSv1.2");
        }
    }

    @Test
    void eachRecipientHasItsOwnOutcome() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER))
                .replyToRecipient("nobody@partner.test", "550 5.1.1 No such user").start()) {
            DomainDeliveryResult result = deliver(OutboundFixtures.delivery(0), OutboundFixtures.policy(OutboundLevel.VERIFY),
                OutboundFixtures.hop(peer), new Envelope("sender@james.test", List.of("bob@partner.test", "nobody@partner.test"), false));
            assertThat(result.outcomes()).extracting(RecipientOutcome::toString).containsExactlyInAnyOrder(
                "nobody@partner.test failed: 5.1.1 remote server answered to RCPT TO:<nobody@partner.test>: 550 5.1.1 No such user",
                "bob@partner.test delivered: 250 2.0.0 Ok: queued as 1.1");
            assertThat(result.outcomes().stream().filter(o -> !o.isDelivered()).findFirst().get().failure().get().isTemporary()).isFalse();
            assertThat(peer.acceptedTransactions().get(0).recipients()).containsExactly("bob@partner.test");
        }
    }

    @Test
    void aTemporaryMailFromRefusalIsRetryable() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER))
                .replyTo("MAIL", "451 4.3.0 Try again later").start()) {
            DomainDeliveryResult result = deliver(OutboundFixtures.delivery(0), OutboundFixtures.policy(OutboundLevel.VERIFY),
                OutboundFixtures.hop(peer), TO_BOB);
            DeliveryFailure failure = result.outcomes().get(0).failure().get();
            assertThat(failure.isTemporary()).isTrue();
            assertThat(failure.toString()).isEqualTo("4.3.0 remote server answered to MAIL FROM: 451 4.3.0 Try again later");
        }
    }

    @Test
    void requireTlsMailGoesOnlyToAHopAdvertisingItAfterStartTls() throws Exception {
        Envelope requireTls = new Envelope("sender@james.test", List.of("bob@partner.test"), true);
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER)).advertiseRequireTls(true).start()) {
            DomainDeliveryResult result = deliver(OutboundFixtures.delivery(0), OutboundFixtures.policy(OutboundLevel.MAY),
                OutboundFixtures.hop(peer), requireTls);
            assertThat(result.outcomes().get(0).isDelivered()).isTrue();
            ReceivedTransaction received = peer.acceptedTransactions().get(0);
            assertThat(received.mailParameters()).containsExactly("REQUIRETLS");
            assertThat(received.overTls()).isTrue();
            TlsProvenance attempt = result.attempts().get(0);
            assertThat(attempt.requireTls()).isTrue();
            assertThat(attempt.policyLevel()).contains("verify");
        }
    }

    @Test
    void requireTlsAdvertisedOnlyBeforeStartTlsDoesNotCount() throws Exception {
        Envelope requireTls = new Envelope("sender@james.test", List.of("bob@partner.test"), true);
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER))
                .advertiseRequireTlsInCleartext(true).advertiseRequireTls(false).start()) {
            DomainDeliveryResult result = deliver(OutboundFixtures.delivery(0), OutboundFixtures.policy(OutboundLevel.VERIFY),
                OutboundFixtures.hop(peer), requireTls);
            DeliveryFailure failure = result.outcomes().get(0).failure().get();
            assertThat(failure.toString()).isEqualTo("5.7.30 REQUIRETLS: next hop localhost:" + peer.port()
                + " did not offer REQUIRETLS after STARTTLS");
            assertThat(failure.isTemporary()).isFalse();
            assertThat(peer.transactions()).isEmpty();
            assertThat(peer.commandLog()).anyMatch(line -> line.endsWith("STARTTLS"));
        }
    }

    @Test
    void requireTlsMailIsHeldToAVerifiedChainEvenOnAnEncryptRow() throws Exception {
        Envelope requireTls = new Envelope("sender@james.test", List.of("bob@partner.test"), true);
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().selfSigned(PARTNER)).advertiseRequireTls(true).start()) {
            DomainDeliveryResult result = deliver(OutboundFixtures.delivery(0), OutboundFixtures.policy(OutboundLevel.ENCRYPT),
                OutboundFixtures.hop(peer), requireTls);
            DeliveryFailure failure = result.outcomes().get(0).failure().get();
            assertThat(failure.toString()).startsWith("4.7.5 REQUIRETLS: self-signed certificate not trusted");
            assertThat(failure.finalised().toString()).startsWith("5.7.30 REQUIRETLS: self-signed certificate not trusted");
            assertThat(peer.transactions()).isEmpty();
        }
    }

    @Test
    void theNextHopIsTriedWhenTheFirstFails() throws Exception {
        try (TestSmtpPeer broken = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER)).withholdStartTls().start();
             TestSmtpPeer good = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER)).start()) {
            DomainDeliveryResult result = OutboundFixtures.delivery(0).deliver("partner.test", OutboundFixtures.policy(OutboundLevel.VERIFY),
                List.of(OutboundFixtures.hop(broken), OutboundFixtures.hop(good)), TO_BOB, MessageContent.of(OutboundFixtures.message("y")), 1);
            assertThat(result.outcomes().get(0).isDelivered()).isTrue();
            assertThat(result.attempts()).hasSize(2);
            assertThat(result.attempts().get(0).outcome()).contains("4.7.10 server did not offer STARTTLS");
            assertThat(broken.cleartextMessageBytes()).isZero();
            assertThat(good.acceptedTransactions()).hasSize(1);
        }
    }
}
