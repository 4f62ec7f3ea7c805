package dev.tlsprovenance.distribution;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import javax.jms.JMSException;

import org.apache.activemq.blob.BlobDownloadStrategy;
import org.apache.activemq.blob.BlobTransferPolicy;
import org.apache.activemq.blob.BlobUploadStrategy;
import org.apache.activemq.command.ActiveMQBlobMessage;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.queue.activemq.FileSystemBlobStrategy;
import org.apache.james.queue.activemq.FileSystemBlobTransferPolicy;

/**
 * Where James's ActiveMQ queue keeps each queued mail's content ({@code var/store/activemq/blob-transfer/}), with
 * three things James 3.8.1's {@code FileSystemBlobStrategy} gets wrong fixed:
 * <ul>
 *   <li>it never syncs the file: the JMS message (envelope, attributes) is in KahaDB's journal, which is synced
 *   before the send returns, but the mail's content was only in the page cache when the SMTP server answered
 *   {@code 250}; an OS crash or power cut then left a queued mail without its content. Here the file is synced
 *   ({@code fsync}) before the upload returns, and ActiveMQ sends the JMS message only after that. As with Postfix's
 *   queue files, the new file's directory entry is left to the journaling file system (ext4, XFS: an fsync of a new
 *   file commits its entry too);</li>
 *   <li>a failed upload leaves its partial file behind, taking the space the next mail needs: here it is removed;</li>
 *   <li>the queue then deletes the blob of the failed send, but a blob never uploaded has no URL, so James computes
 *   a new random path, does not find it and throws {@code FileNotFoundException: File does not exist}, which
 *   replaces the real cause ({@code IOException: No space left on device}) in what the queue reports. Here a blob
 *   without URL has nothing to delete, and a missing file is not an error, so the real cause reaches the log.</li>
 * </ul>
 */
final class QueueBlobFiles extends FileSystemBlobTransferPolicy {
    /** How a written blob is made durable; a test observes it, the server always syncs. */
    @FunctionalInterface
    interface ContentSync {
        ContentSync FSYNC = (file, channel) -> channel.force(true);

        void sync(Path file, FileChannel channel) throws IOException;
    }

    private final FileSystem fileSystem;
    private final ContentSync contentSync;
    private Strategy strategy;

    QueueBlobFiles(FileSystem fileSystem) {
        this(fileSystem, ContentSync.FSYNC);
    }

    QueueBlobFiles(FileSystem fileSystem, ContentSync contentSync) {
        this.fileSystem = fileSystem;
        this.contentSync = contentSync;
        setFileSystem(fileSystem);
    }

    /** Each connection works on a copy of its factory's policy: the copy must be ours too. */
    @Override
    public BlobTransferPolicy copy() {
        QueueBlobFiles that = new QueueBlobFiles(fileSystem, contentSync);
        that.setDefaultUploadUrl(getDefaultUploadUrl());
        that.setBrokerUploadUrl(getBrokerUploadUrl());
        that.setUploadUrl(getUploadUrl());
        return that;
    }

    @Override
    protected BlobDownloadStrategy createDownloadStrategy() {
        return strategy();
    }

    @Override
    protected BlobUploadStrategy createUploadStrategy() {
        return strategy();
    }

    private synchronized Strategy strategy() {
        if (strategy == null) {
            strategy = new Strategy(this, fileSystem, contentSync);
        }
        return strategy;
    }

    private static final class Strategy extends FileSystemBlobStrategy {
        private static final int SPLIT_DIRECTORIES = 10;

        private final ContentSync contentSync;

        Strategy(BlobTransferPolicy policy, FileSystem fileSystem, ContentSync contentSync) {
            super(policy, fileSystem, SPLIT_DIRECTORIES);
            this.contentSync = contentSync;
        }

        @Override
        public URL uploadStream(ActiveMQBlobMessage message, InputStream in) throws JMSException, IOException {
            File file = getFile(message);
            Path path = file.toPath();
            try (in; FileChannel channel = FileChannel.open(path,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                // not closed here: closing the stream would close the channel before the sync
                OutputStream out = Channels.newOutputStream(channel);
                in.transferTo(out);
                contentSync.sync(path, channel);
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            return file.toURI().toURL();
        }

        @Override
        public void deleteFile(ActiveMQBlobMessage message) throws IOException, JMSException {
            if (message.getURL() == null) {
                // never uploaded (the upload failed and removed its partial file): nothing on disk
                return;
            }
            Files.deleteIfExists(getFile(message).toPath());
        }
    }
}
