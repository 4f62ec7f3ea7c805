package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.apache.activemq.blob.BlobUploadStrategy;
import org.apache.activemq.command.ActiveMQBlobMessage;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.dropwizard.DropWizardMetricFactory;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorNoop;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.JamesServerResourceLoader;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.codahale.metrics.MetricRegistry;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The distribution's broker with James's own ActiveMQ queue on it, in this JVM: what a rolled-back queue item does,
 * that a queued mail's content is synced before the enqueue returns, and what the blob store leaves on disk when an
 * upload fails.
 */
class InVmActiveMqBrokerTest {
    @TempDir
    Path home;
    private InVmActiveMqBroker broker;
    private ActiveMQMailQueueFactory queues;

    @AfterEach
    void stop() throws Exception {
        if (queues != null) {
            queues.destroy();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void aRolledBackMailComesBackEveryTimeAndNeverGoesToTheDeadLetterQueue() throws Exception {
        ManageableMailQueue queue = startQueue("outgoing-test");
        queue.enQueue(MailImpl.builder().name("kept-mail").sender("sender@example.test").addRecipient("bob@remote.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("rolled back").setText("hello")).build());

        // ActiveMQ's default policy gives up after 6 redeliveries (to ActiveMQ.DLQ); twice that many rollbacks here
        for (int rollback = 0; rollback < 12; rollback++) {
            MailQueue.MailQueueItem item = dequeue(queue);
            assertThat(item).as("delivery %d (none: dead-lettered)", rollback + 1).isNotNull();
            assertThat(item.getMail().getName()).isEqualTo("kept-mail");
            item.done(MailQueue.MailQueueItem.CompletionStatus.RETRY);
        }
        MailQueue.MailQueueItem last = dequeue(queue);
        assertThat(last.getMail().getName()).isEqualTo("kept-mail");
        last.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        assertThat(queue.getSize()).isZero();
    }

    /** What the file held when it was synced: a sync before the last byte would leave a truncated mail after a crash. */
    private static final class SyncedBlob {
        final Path file;
        final byte[] contentAtSync;
        final boolean channelOpen;

        SyncedBlob(Path file, byte[] contentAtSync, boolean channelOpen) {
            this.file = file;
            this.contentAtSync = contentAtSync;
            this.channelOpen = channelOpen;
        }
    }

    @Test
    void eachQueuedMailsContentIsSyncedWholeBeforeTheEnqueueReturns() throws Exception {
        List<SyncedBlob> synced = new CopyOnWriteArrayList<>();
        QueueBlobFiles.ContentSync recording = (file, channel) -> {
            synced.add(new SyncedBlob(file, Files.readAllBytes(file), channel.isOpen()));
            QueueBlobFiles.ContentSync.FSYNC.sync(file, channel);
        };
        ManageableMailQueue queue = startQueue("spool-test", recording);
        String body = "line of the synced mail\r\n".repeat(4000); // ~100 KB: more than one write buffer

        for (int mail = 1; mail <= 3; mail++) {
            queue.enQueue(MailImpl.builder().name("synced-" + mail).sender("sender@example.test")
                .addRecipient("bob@remote.test")
                .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("synced " + mail).setText(body)).build());

            assertThat(synced).as("content syncs once mail %d was enqueued", mail).hasSize(mail);
            SyncedBlob blob = synced.get(mail - 1);
            assertThat(blob.channelOpen).as("synced through the channel that wrote it").isTrue();
            assertThat(blob.file.startsWith(fileSystem().getFile("file://var/store/activemq/blob-transfer").toPath()))
                .as("%s is a queue blob", blob.file).isTrue();
            assertThat(new String(blob.contentAtSync, StandardCharsets.US_ASCII))
                .contains("Subject: synced " + mail).endsWith("line of the synced mail\r\n");
            assertThat(Files.readAllBytes(blob.file)).as("nothing written after the sync").isEqualTo(blob.contentAtSync);
        }
        for (int mail = 1; mail <= 3; mail++) {
            MailQueue.MailQueueItem item = dequeue(queue);
            assertThat(item.getMail().getMessage().getSubject()).isEqualTo("synced " + mail);
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        }
        assertThat(synced).as("dequeuing writes no content").hasSize(3);
    }

    @Test
    void aFailedBlobUploadLeavesNoPartialFileAndDeletingTheUnsentBlobIsNoError() throws Exception {
        FileSystem fileSystem = fileSystem();
        QueueBlobFiles blobs = new QueueBlobFiles(fileSystem);
        blobs.setDefaultUploadUrl("file://var/store/activemq/blob-transfer");
        BlobUploadStrategy upload = blobs.getUploadStrategy();
        ActiveMQBlobMessage message = new ActiveMQBlobMessage();
        message.setJMSMessageID("ID:test-1");
        InputStream diskFullAfter4k = new FilterInputStream(new ByteArrayInputStream(new byte[64 * 1024])) {
            private int read;

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (read >= 4096) {
                    throw new IOException("No space left on device");
                }
                int n = super.read(buffer, offset, Math.min(length, 1024));
                read += n;
                return n;
            }
        };

        assertThatThrownBy(() -> upload.uploadStream(message, diskFullAfter4k))
            .isInstanceOf(IOException.class).hasMessage("No space left on device");
        File blobDirectory = fileSystem.getFile("file://var/store/activemq/blob-transfer");
        try (Stream<Path> files = Files.walk(blobDirectory.toPath())) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
        // what James's queue does next with the blob of the failed send; James's own strategy threw "File does not exist"
        blobs.getDownloadStrategy().deleteFile(message);
    }

    private ManageableMailQueue startQueue(String name) throws Exception {
        return startQueue(name, QueueBlobFiles.ContentSync.FSYNC);
    }

    private ManageableMailQueue startQueue(String name, QueueBlobFiles.ContentSync contentSync) throws Exception {
        broker = new InVmActiveMqBroker(fileSystem(), contentSync);
        queues = new ActiveMQMailQueueFactory(broker.connectionFactory(), new RawMailQueueItemDecoratorFactory(),
            new DropWizardMetricFactory(new MetricRegistry()), new NoopGaugeRegistry(), new ActiveMQMetricCollectorNoop());
        queues.setUseJMX(false);
        queues.init();
        return queues.createQueue(MailQueueName.of(name));
    }

    private FileSystem fileSystem() {
        return new FileSystemImpl(new JamesServerResourceLoader(home.toString()));
    }

    private static MailQueue.MailQueueItem dequeue(MailQueue queue) {
        return Flux.from(queue.deQueue()).subscribeOn(Schedulers.boundedElastic()).blockFirst(Duration.ofSeconds(30));
    }
}
