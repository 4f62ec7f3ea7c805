package dev.tlsprovenance.distribution;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;

import javax.jms.JMSException;

import org.apache.activemq.blob.BlobDownloadStrategy;
import org.apache.activemq.blob.BlobTransferPolicy;
import org.apache.activemq.blob.BlobUploadStrategy;
import org.apache.activemq.command.ActiveMQBlobMessage;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.queue.activemq.FileSystemBlobStrategy;
import org.apache.james.queue.activemq.FileSystemBlobTransferPolicy;

/**
 * Where James's ActiveMQ queue keeps each queued mail's content ({@code var/store/activemq/blob-transfer/}), with the
 * two things James 3.8.1's {@code FileSystemBlobStrategy} gets wrong on a full disk fixed:
 * <ul>
 *   <li>a failed upload leaves its partial file behind, taking the space the next mail needs: here it is removed;</li>
 *   <li>the queue then deletes the blob of the failed send, but a blob never uploaded has no URL, so James computes
 *   a new random path, does not find it and throws {@code FileNotFoundException: File does not exist}, which
 *   replaces the real cause ({@code IOException: No space left on device}) in what the queue reports. Here a blob
 *   without URL has nothing to delete, and a missing file is not an error, so the real cause reaches the log.</li>
 * </ul>
 */
final class QueueBlobFiles extends FileSystemBlobTransferPolicy {
    private final FileSystem fileSystem;
    private Strategy strategy;

    QueueBlobFiles(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
        setFileSystem(fileSystem);
    }

    /** Each connection works on a copy of its factory's policy: the copy must be ours too. */
    @Override
    public BlobTransferPolicy copy() {
        QueueBlobFiles that = new QueueBlobFiles(fileSystem);
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
            strategy = new Strategy(this, fileSystem);
        }
        return strategy;
    }

    private static final class Strategy extends FileSystemBlobStrategy {
        private static final int SPLIT_DIRECTORIES = 10;

        Strategy(BlobTransferPolicy policy, FileSystem fileSystem) {
            super(policy, fileSystem, SPLIT_DIRECTORIES);
        }

        @Override
        public URL uploadStream(ActiveMQBlobMessage message, InputStream in) throws JMSException, IOException {
            File file = getFile(message);
            try (in) {
                Files.copy(in, file.toPath(), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(file.toPath());
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
