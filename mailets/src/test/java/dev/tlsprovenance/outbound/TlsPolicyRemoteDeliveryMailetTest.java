package dev.tlsprovenance.outbound;

import static dev.tlsprovenance.outbound.OutboundFixtures.PARTNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tlsprovenance.mail.ProvenanceAttributes;
import dev.tlsprovenance.policy.TlsPolicySource;
import dev.tlsprovenance.policy.TlsPolicyTable;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;

import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.mail.MessagingException;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The mailet with James's in-memory queue and a fake mailet context: routing, retries, bounces, validation. */
class TlsPolicyRemoteDeliveryMailetTest {
    private final FakeMailContext context = FakeMailContext.defaultContext();
    private TlsPolicyRemoteDelivery mailet;

    @AfterEach
    void stop() {
        if (mailet != null) {
            mailet.destroy();
        }
    }

    private TlsPolicyRemoteDelivery start(String policy, NextHopResolver resolver, String... parameters) throws Exception {
        TlsPolicyTable table = TlsPolicyTable.parse("tls-policy.conf", new StringReader(policy));
        mailet = new TlsPolicyRemoteDelivery(TlsPolicySource.fixed(table),
            new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()), resolver, null, Clock.systemUTC());
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("TlsPolicyRemoteDelivery").mailetContext(context)
            .setProperty("ledger", "none").setProperty("heloName", OutboundFixtures.HELO).setProperty("delays", "300ms");
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static FakeMail mail(String sender, String... recipients) throws Exception {
        return FakeMail.builder().name("mail-" + System.nanoTime()).sender(sender).recipients(recipients)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addFrom("sender@james.test").setSubject("mailet test").setText("hello"))
            .build();
    }

    @Test
    void withoutARouteTheNextHopsComeFromTheResolverAndTheMailIsGhosted() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER)).start()) {
            start("partner.test outbound=verify ca=" + OutboundFixtures.caBundle() + "\n",
                domain -> List.of(NextHop.of("localhost", peer.port(), false)));
            FakeMail mail = mail("sender@james.test", "bob@partner.test");
            mailet.service(mail);

            assertThat(mail.getState()).isEqualTo(Mail.GHOST);
            assertThat(peer.awaitTransactions(1).get(0).recipients()).containsExactly("bob@partner.test");
            assertThat(peer.transactions().get(0).overTls()).isTrue();
        }
    }

    @Test
    void deliveredRecipientsAreNeverSentAgainOnlyTheDeferredOnesAreRetried() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER))
                .replyToRecipient("carol@partner.test", "451 4.2.0 Mailbox busy").start()) {
            start("partner.test outbound=verify ca=" + OutboundFixtures.caBundle() + " route=[localhost]:" + peer.port() + "\n",
                domain -> List.of(), "delays", "1s");
            mailet.service(mail("sender@james.test", "bob@partner.test", "carol@partner.test"));
            assertThat(peer.awaitTransactions(1).get(0).recipients()).containsExactly("bob@partner.test");
            peer.clearReplies();

            assertThat(peer.awaitTransactions(2).get(1).recipients()).containsExactly("carol@partner.test");
            assertThat(peer.acceptedTransactions()).hasSize(2);
            assertThat(context.getSentMails()).isEmpty();
        }
    }

    @Test
    void exhaustedRetriesGoToTheBounceProcessorWithTheErrorAndEveryAttemptRecorded() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER)).withholdStartTls().start()) {
            start("stripped.test outbound=encrypt route=[localhost]:" + peer.port() + "\n", domain -> List.of(),
                "maxRetries", "1", "bounceProcessor", "bounces");
            mailet.service(mail("sender@james.test", "dave@stripped.test"));

            await().atMost(Duration.ofSeconds(20)).until(() -> !context.getSentMails().isEmpty());
            FakeMailContext.SentMail bounced = context.getSentMails().get(0);
            assertThat(bounced.getState()).isEqualTo("bounces");
            assertThat(bounced.getRecipients()).extracting(Object::toString).containsExactly("dave@stripped.test");
            assertThat(bounced.getAttributes().get(TlsPolicyRemoteDelivery.DELIVERY_ERROR).getValue().value())
                .isEqualTo("5.7.10 server did not offer STARTTLS");
            FakeMail copy = FakeMail.builder().name("copy").build();
            bounced.getAttributes().values().forEach(copy::setAttribute);
            Map<String, List<TlsProvenance>> attempts = ProvenanceAttributes.outbound(copy);
            assertThat(attempts.get("stripped.test")).hasSize(2)
                .extracting(TlsProvenance::attempt).containsExactly(1, 2);
            assertThat(attempts.get("stripped.test")).allSatisfy(attempt -> {
                assertThat(attempt.policyLevel()).contains("encrypt");
                assertThat(attempt.outcome()).contains("4.7.10 server did not offer STARTTLS");
            });
            assertThat(peer.connectionCount()).isEqualTo(2);
            assertThat(peer.cleartextMessageBytes()).isZero();
        }
    }

    @Test
    void withoutABounceProcessorTheSenderGetsOurDsnAndTheNullSenderNone() throws Exception {
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER))
                .replyToRecipient("nobody@partner.test", "550 5.1.1 No such user").start()) {
            start("partner.test outbound=encrypt route=[localhost]:" + peer.port() + "\n", domain -> List.of());
            mailet.service(mail("sender@james.test", "nobody@partner.test"));
            mailet.service(FakeMail.builder().name("bounce-of-bounce").recipients("nobody@partner.test")
                .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("x").setText("y")).build());

            await().atMost(Duration.ofSeconds(20)).until(() -> context.getSentMails().size() == 2);
            await().atMost(Duration.ofSeconds(20)).until(() -> peer.commandLog().stream().filter(l -> l.contains("RCPT")).count() == 2);
            assertThat(context.getSentMails()).hasSize(2);
            // the null-sender mail gets no DSN, and is not dropped either: its copy goes to the error processor
            FakeMailContext.SentMail kept = context.getSentMails().stream().filter(m -> Mail.ERROR.equals(m.getState())).findFirst().get();
            assertThat(kept.getSender() == null || kept.getSender().isNullSender()).as("null sender").isTrue();
            assertThat(kept.getRecipients()).extracting(Object::toString).containsExactly("nobody@partner.test");
            FakeMailContext.SentMail dsn = context.getSentMails().stream().filter(m -> !Mail.ERROR.equals(m.getState())).findFirst().get();
            assertThat(dsn.getRecipients()).extracting(Object::toString).containsExactly("sender@james.test");
            assertThat(dsn.getSubject()).contains("Undelivered Mail Returned to Sender");
            assertThat(dsn.getMsg().getContentType()).contains("multipart/report", "report-type=delivery-status");
        }
    }

    @Test
    void aBadLedgerRequiredFromNamesTheAcceptedValues() {
        TlsPolicyRemoteDelivery candidate = new TlsPolicyRemoteDelivery(TlsPolicySource.fixed(TlsPolicyTable.empty()),
            new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()), domain -> List.of(), null, Clock.systemUTC());
        assertThatThrownBy(() -> candidate.init(FakeMailetConfig.builder().mailetName("x").mailetContext(context)
                .setProperty("ledger", "none").setProperty("ledgerRequiredFrom", "always").build()))
            .isInstanceOf(MessagingException.class)
            .hasMessage("Invalid value for parameter ledgerRequiredFrom: 'always' (unknown outbound level 'always' "
                + "(expected one of none, may, dane, encrypt, dane-only, verify, secure, fingerprint), or never)");
    }

    @Test
    void everyBadParameterFailsInitNamingParameterAndValue() {
        TlsPolicySource none = TlsPolicySource.fixed(TlsPolicyTable.empty());
        for (String[] bad : List.of(new String[] {"delays", "soon"}, new String[] {"maxRetries", "-1"},
                new String[] {"deliveryThreads", "0"}, new String[] {"connectionTimeout", "fast"},
                new String[] {"maxIdleConnectionsPerHop", "many"}, new String[] {"ledgerRequiredFrom", "sometimes"})) {
            TlsPolicyRemoteDelivery candidate = new TlsPolicyRemoteDelivery(none,
                new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()), domain -> List.of(), null, Clock.systemUTC());
            assertThatThrownBy(() -> candidate.init(FakeMailetConfig.builder().mailetName("x").mailetContext(context)
                    .setProperty("ledger", "none").setProperty(bad[0], bad[1]).build()))
                .isInstanceOf(MessagingException.class)
                .hasMessageStartingWith("Invalid value for parameter " + bad[0] + ": '" + bad[1] + "'");
        }
    }
}
