package dev.tlsprovenance.outbound;

import static dev.tlsprovenance.outbound.OutboundFixtures.PARTNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tlsprovenance.policy.TlsPolicySource;
import dev.tlsprovenance.policy.TlsPolicyTable;
import dev.tlsprovenance.testing.peer.ReceivedTransaction;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Publisher;

/**
 * A dequeued mail is acknowledged only once its next state is stored. James's in-memory queue (where RETRY puts the
 * item back, as the ActiveMQ queue's rollback does) with a full disk simulated where the store is written: the
 * queue's enqueue of a re-queued mail, or the mailet context that takes a DSN. Each test records the completion status of every item
 * the mailet finished, then frees the space and counts what the peer and the sender received.
 */
class TlsPolicyRemoteDeliveryAcknowledgementTest {
    private static final String NO_SPACE = "No space left on device";

    private final FakeMailContext context = FakeMailContext.defaultContext();
    private final AtomicBoolean diskFull = new AtomicBoolean();
    private final List<MailQueue.MailQueueItem.CompletionStatus> completions = new CopyOnWriteArrayList<>();
    private final AtomicInteger failedStores = new AtomicInteger();
    private TlsPolicyRemoteDelivery mailet;

    @AfterEach
    void stop() {
        if (mailet != null) {
            mailet.destroy();
        }
    }

    @ParameterizedTest(name = "directFirstAttempts={0}")
    @ValueSource(ints = {0, 4})
    void aFailedRequeueIsRolledBackNeverAcknowledgedAndTheMailIsDeliveredOnceSpaceReturns(int directFirstAttempts) throws Exception {
        try (TestSmtpPeer peer = partner().replyToRecipient("bob@partner.test", "451 4.3.1 try later").start()) {
            start(peer, MailetContextDisk.WORKING, directFirstAttempts);
            diskFull.set(true);
            mailet.service(mail("bob@partner.test"));

            // a direct first attempt's failed re-queue has no queue item to roll back: wait for the queue's own RETRY
            await().atMost(Duration.ofSeconds(20)).until(() -> failedStores.get() >= 2
                && completions.contains(MailQueue.MailQueueItem.CompletionStatus.RETRY));
            assertThat(completions).doesNotContain(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);

            diskFull.set(false);
            await().atMost(Duration.ofSeconds(20)).until(() -> completions.contains(MailQueue.MailQueueItem.CompletionStatus.SUCCESS));
            peer.clearReplies();
            await().atMost(Duration.ofSeconds(20)).until(() -> peer.acceptedTransactions().size() == 1);
            assertThat(peer.acceptedTransactions().get(0).recipients()).containsExactly("bob@partner.test");
            assertThat(context.getSentMails()).isEmpty();
        }
    }

    @ParameterizedTest(name = "directFirstAttempts={0}")
    @ValueSource(ints = {0, 4})
    void afterAPartialDeliveryAFailedRequeueKeepsTheMailButTheDeliveredRecipientIsNeverSentAgain(int directFirstAttempts) throws Exception {
        try (TestSmtpPeer peer = partner().replyToRecipient("carol@partner.test", "451 4.3.1 try later").start()) {
            start(peer, MailetContextDisk.WORKING, directFirstAttempts);
            diskFull.set(true);
            mailet.service(mail("bob@partner.test", "carol@partner.test"));

            await().atMost(Duration.ofSeconds(20)).until(() -> failedStores.get() >= 3);
            assertThat(completions).doesNotContain(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
            assertThat(recipientsSent(peer)).containsExactly(List.of("bob@partner.test"));

            diskFull.set(false);
            peer.clearReplies();
            await().atMost(Duration.ofSeconds(20)).until(() -> peer.acceptedTransactions().size() == 2);
            assertThat(recipientsSent(peer)).containsExactly(List.of("bob@partner.test"), List.of("carol@partner.test"));
            await().atMost(Duration.ofSeconds(20)).until(() -> completions.contains(MailQueue.MailQueueItem.CompletionStatus.SUCCESS));
        }
    }

    @ParameterizedTest(name = "directFirstAttempts={0}")
    @ValueSource(ints = {0, 4})
    void aFailedBounceIsRolledBackNeverAcknowledgedAndTheSenderGetsExactlyOneDsnOnceSpaceReturns(int directFirstAttempts) throws Exception {
        try (TestSmtpPeer peer = partner().replyToRecipient("nobody@partner.test", "550 5.1.1 No such user").start()) {
            start(peer, MailetContextDisk.FULL_WHEN_FLAGGED, directFirstAttempts);
            diskFull.set(true);
            mailet.service(mail("nobody@partner.test", "bob@partner.test"));

            // a direct first attempt's failed re-queue has no queue item to roll back: wait for the queue's own RETRY
            await().atMost(Duration.ofSeconds(20)).until(() -> failedStores.get() >= 4
                && completions.contains(MailQueue.MailQueueItem.CompletionStatus.RETRY));
            assertThat(completions).doesNotContain(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
            assertThat(context.getSentMails()).isEmpty();

            diskFull.set(false);
            await().atMost(Duration.ofSeconds(20)).until(() -> completions.contains(MailQueue.MailQueueItem.CompletionStatus.SUCCESS));
            assertThat(context.getSentMails()).hasSize(1);
            assertThat(context.getSentMails().get(0).getRecipients()).extracting(Object::toString).containsExactly("sender@james.test");
            // bob was delivered on the first try and never again, however often the bounce was retried
            assertThat(peer.acceptedTransactions()).hasSize(1);
            assertThat(peer.acceptedTransactions().get(0).recipients()).containsExactly("bob@partner.test");
        }
    }

    @Test
    void aDirectFirstAttemptDeliversBeforeServiceReturnsAndTheMailNeverEntersTheOutgoingQueue() throws Exception {
        try (TestSmtpPeer peer = partner().start()) {
            start(peer, MailetContextDisk.WORKING, 1);
            FakeMail mail = mail("bob@partner.test");
            mailet.service(mail);

            // no await: the direct attempt is over when service returns (through the queue, it has not even started)
            assertThat(recipientsSent(peer)).containsExactly(List.of("bob@partner.test"));
            assertThat(mail.getState()).isEqualTo(Mail.GHOST);
            assertThat(completions).as("items taken from the outgoing queue").isEmpty();
        }
    }

    @Test
    void aDirectFirstAttemptThatFailsIsRetriedFromTheOutgoingQueue() throws Exception {
        try (TestSmtpPeer peer = partner().replyToRecipient("bob@partner.test", "451 4.3.1 try later").start()) {
            start(peer, MailetContextDisk.WORKING, 1);
            mailet.service(mail("bob@partner.test"));

            assertThat(peer.acceptedTransactions()).isEmpty();
            assertThat(completions).isEmpty();
            peer.clearReplies();
            await().atMost(Duration.ofSeconds(20)).until(() -> peer.acceptedTransactions().size() == 1 && !completions.isEmpty());
            assertThat(completions).containsExactly(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        }
    }

    @Test
    void whileEveryDirectSlotIsBusyTheNextMailGoesThroughTheOutgoingQueue() throws Exception {
        try (TestSmtpPeer peer = partner().start();
             java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            // a next hop that accepts the connection and never greets: the one direct slot stays busy until readTimeout
            start(peer, MailetContextDisk.WORKING, 1, "silent.test outbound=may route=[localhost]:" + silent.getLocalPort() + "\n");
            java.util.concurrent.CompletableFuture<Void> slow = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    mailet.service(mail("carol@silent.test"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (java.net.Socket held = silent.accept()) {
                FakeMail mail = mail("bob@partner.test");
                mailet.service(mail);
                assertThat(mail.getState()).isEqualTo(Mail.GHOST);
                await().atMost(Duration.ofSeconds(20)).until(() -> completions.contains(MailQueue.MailQueueItem.CompletionStatus.SUCCESS));
                assertThat(recipientsSent(peer)).containsExactly(List.of("bob@partner.test"));
                assertThat(slow).as("the direct attempt to the silent host").isNotDone();
            }
            slow.get(20, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private enum MailetContextDisk { WORKING, FULL_WHEN_FLAGGED }

    private static TestSmtpPeer.Builder partner() {
        return TestSmtpPeer.builder().identity(TestPki.shared().peer(PARTNER));
    }

    private static List<List<String>> recipientsSent(TestSmtpPeer peer) {
        return peer.acceptedTransactions().stream().map(ReceivedTransaction::recipients).collect(java.util.stream.Collectors.toList());
    }

    private void start(TestSmtpPeer peer, MailetContextDisk contextDisk, int directFirstAttempts) throws Exception {
        start(peer, contextDisk, directFirstAttempts, "");
    }

    private void start(TestSmtpPeer peer, MailetContextDisk contextDisk, int directFirstAttempts, String moreRows) throws Exception {
        TlsPolicyTable table = TlsPolicyTable.parse("tls-policy.conf", new StringReader(
            "partner.test outbound=verify ca=" + OutboundFixtures.caBundle() + " route=[localhost]:" + peer.port() + "\n" + moreRows));
        MailQueueItemDecoratorFactory recordingCompletions = (item, name) -> new MailQueueItemDecoratorFactory.MailQueueItemDecorator(item) {
            @Override
            public Mail getMail() {
                return mailQueueItem.getMail();
            }

            @Override
            public void done(CompletionStatus status) throws MailQueue.MailQueueException {
                completions.add(status);
                mailQueueItem.done(status);
            }
        };
        mailet = new TlsPolicyRemoteDelivery(TlsPolicySource.fixed(table), new FullDiskQueues(new MemoryMailQueueFactory(recordingCompletions)),
            domain -> List.of(), null, Clock.systemUTC());
        MailetContext mailetContext = contextDisk == MailetContextDisk.WORKING ? context : failingWhileDiskFull(context);
        mailet.init(FakeMailetConfig.builder().mailetName("TlsPolicyRemoteDelivery").mailetContext(mailetContext)
            .setProperty("ledger", "none").setProperty("heloName", OutboundFixtures.HELO).setProperty("delays", "200ms")
            .setProperty("directFirstAttempts", String.valueOf(directFirstAttempts)).setProperty("readTimeout", "3s")
            .build());
    }

    private static FakeMail mail(String... recipients) throws Exception {
        return FakeMail.builder().name("mail-" + System.nanoTime()).sender("sender@james.test").recipients(recipients)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addFrom("sender@james.test").setSubject("disk full").setText("hello"))
            .build();
    }

    private MailQueue.MailQueueException noSpace() {
        failedStores.incrementAndGet();
        return new MailQueue.MailQueueException("Unable to enqueue mail", new IOException(NO_SPACE));
    }

    /** Every sendMail of the mailet context (a DSN into the spool, a copy to the error processor) fails while the disk is full. */
    private MailetContext failingWhileDiskFull(MailetContext delegate) {
        return (MailetContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailetContext.class},
            (proxy, method, arguments) -> {
                if (method.getName().equals("sendMail") && diskFull.get()) {
                    throw noSpace();
                }
                try {
                    return method.invoke(delegate, arguments);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }

    /** James's queues, whose enqueue fails while the disk is full (the item's own RETRY goes straight to the inner queue). */
    private final class FullDiskQueues implements MailQueueFactory<MailQueue> {
        private final MemoryMailQueueFactory queues;

        FullDiskQueues(MemoryMailQueueFactory queues) {
            this.queues = queues;
        }

        @Override
        public Optional<MailQueue> getQueue(MailQueueName name, PrefetchCount count) {
            return queues.getQueue(name, count).map(FullDiskQueue::new);
        }

        @Override
        public MailQueue createQueue(MailQueueName name, PrefetchCount count) {
            return new FullDiskQueue(queues.createQueue(name, count));
        }

        @Override
        public Set<MailQueueName> listCreatedMailQueues() {
            return queues.listCreatedMailQueues();
        }
    }

    private final class FullDiskQueue implements MailQueue {
        private final MailQueue queue;

        FullDiskQueue(MailQueue queue) {
            this.queue = queue;
        }

        @Override
        public MailQueueName getName() {
            return queue.getName();
        }

        @Override
        public void enQueue(Mail mail, Duration delay) throws MailQueueException {
            if (diskFull.get()) {
                throw noSpace();
            }
            queue.enQueue(mail, delay);
        }

        /** What service() uses: the mail arrives before the disk fills up. */
        @Override
        public void enQueue(Mail mail) throws MailQueueException {
            queue.enQueue(mail);
        }

        @Override
        public Publisher<Void> enqueueReactive(Mail mail) {
            return queue.enqueueReactive(mail);
        }

        @Override
        public Publisher<MailQueueItem> deQueue() {
            return queue.deQueue();
        }

        @Override
        public void close() throws IOException {
            queue.close();
        }
    }
}
