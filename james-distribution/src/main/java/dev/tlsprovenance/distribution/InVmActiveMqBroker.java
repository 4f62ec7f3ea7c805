package dev.tlsprovenance.distribution;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.jms.ConnectionFactory;
import javax.jms.JMSException;

import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQMessageConsumer;
import org.apache.activemq.ActiveMQPrefetchPolicy;
import org.apache.activemq.RedeliveryPolicy;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.queue.activemq.FileSystemBlobTransferPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ActiveMQ broker behind the spool and outgoing queues, reachable only from inside this JVM: it has no transport
 * connector (no TCP, no OpenWire port) and no JMX connector server, and James's queue code connects to it through
 * {@code vm://}. Messages are persisted with KahaDB under {@code var/store/activemq/brokers/KahaDB}, the directory
 * James 3.8.1's own {@code EmbeddedActiveMQ} uses, so queued mail of an earlier installation is still delivered.
 *
 * <p>This replaces James's {@code EmbeddedActiveMQ}, which also opens {@code tcp://localhost:0}: an unauthenticated
 * OpenWire port through which any local process could put a mail, with any attribute, into the spool.
 * Nothing here needs that port. JMX is off ({@code useJmx=false}, as in James 3.8.1): the health check opens a JMS
 * session over {@code vm://}, and no broker metrics collector is bound in this distribution.
 *
 * <p>On a clean stop, {@link #pauseDelivery()} runs first: queues stop handing out mail (JMS {@code Connection.stop()})
 * while the mails already taken finish and are acknowledged; sending (the SMTP server's enqueue, re-queues) goes on.
 * Without the pause, James's spool keeps taking mail while its threads shut down and rejects it with an ERROR each.
 */
final class InVmActiveMqBroker {
    private static final Logger LOGGER = LoggerFactory.getLogger(InVmActiveMqBroker.class);
    private static final String BROKER_NAME = "james";
    private static final String BROKER_ID = "broker";
    private static final String DATA_DIRECTORY = "file://var/store/activemq/brokers";
    private static final String KAHADB_DIRECTORY = "file://var/store/activemq/brokers/KahaDB";
    private static final String BLOB_DIRECTORY = "file://var/store/activemq/blob-transfer";

    private final BrokerService broker;
    private final ActiveMQConnectionFactory connections;
    private final List<ActiveMQConnection> opened = new CopyOnWriteArrayList<>();

    @Inject
    InVmActiveMqBroker(FileSystem fileSystem) throws Exception {
        this(fileSystem, QueueBlobFiles.ContentSync.FSYNC);
    }

    /** {@code contentSync}: how each queued mail's content file is made durable before its JMS message is sent. */
    InVmActiveMqBroker(FileSystem fileSystem, QueueBlobFiles.ContentSync contentSync) throws Exception {
        KahaDBPersistenceAdapter kahaDb = new KahaDBPersistenceAdapter();
        kahaDb.setDirectory(fileSystem.getFile(KAHADB_DIRECTORY));

        broker = new BrokerService();
        broker.setBrokerName(BROKER_NAME);
        broker.setBrokerId(BROKER_ID);
        broker.setPersistent(true);
        broker.setDataDirectoryFile(fileSystem.getFile(DATA_DIRECTORY));
        broker.setPersistenceAdapter(kahaDb);
        broker.setUseJmx(false);
        broker.setSchedulerSupport(false);
        // James stops the broker itself (@PreDestroy below), after the queues that use it.
        broker.setUseShutdownHook(false);
        // A full store makes a send fail (James answers SMTP with 451, the delivery mailet keeps the mail queued)
        // instead of blocking the sending thread until space returns.
        broker.getSystemUsage().setSendFailIfNoSpace(true);
        broker.start();

        connections = new ActiveMQConnectionFactory("vm://" + BROKER_NAME + "?create=false") {
            @Override
            protected ActiveMQConnection createActiveMQConnection(String userName, String password) throws JMSException {
                ActiveMQConnection connection = super.createActiveMQConnection(userName, password);
                // the health check opens and closes a connection per run: keep only the live ones
                opened.removeIf(ActiveMQConnection::isClosed);
                opened.add(connection);
                return connection;
            }
        };
        connections.setTrustAllPackages(false);
        connections.setBlobTransferPolicy(blobTransferPolicy(fileSystem, contentSync));
        // James's queue takes one message at a time; a prefetched message would sit in a consumer's memory, unacked.
        ActiveMQPrefetchPolicy oneAtATime = new ActiveMQPrefetchPolicy();
        oneAtATime.setQueuePrefetch(0);
        oneAtATime.setTopicPrefetch(0);
        connections.setPrefetchPolicy(oneAtATime);
        connections.setRedeliveryPolicy(neverDeadLettered());
    }

    /**
     * A mail whose processing is rolled back (James's queue item finished with RETRY or REJECT, e.g. because its
     * re-queue failed on a full disk) comes back as often as it takes. ActiveMQ's default gives up after 6
     * redeliveries and moves the message to the dead-letter queue {@code ActiveMQ.DLQ}, which nothing in James reads:
     * a silent loss. The wait between tries is the delivery mailet's own (it holds the item before rolling back),
     * because James closes the consumer at once, which ends ActiveMQ's client-side redelivery delay.
     */
    private static RedeliveryPolicy neverDeadLettered() {
        RedeliveryPolicy redelivery = new RedeliveryPolicy();
        redelivery.setMaximumRedeliveries(RedeliveryPolicy.NO_MAXIMUM_REDELIVERIES);
        return redelivery;
    }

    /**
     * James's queue writes each mail's content as a file here (a blob message), synced before the JMS message, which
     * holds envelope and attributes, goes to KahaDB's journal (synced on every write, ActiveMQ's default).
     */
    private static QueueBlobFiles blobTransferPolicy(FileSystem fileSystem, QueueBlobFiles.ContentSync contentSync) {
        QueueBlobFiles blobs = new QueueBlobFiles(fileSystem, contentSync);
        blobs.setDefaultUploadUrl(BLOB_DIRECTORY);
        return blobs;
    }

    ConnectionFactory connectionFactory() {
        return connections;
    }

    /**
     * Stops delivery to every consumer of this broker's queues (messages not yet taken stay queued on disk), then
     * wakes the threads left waiting in a receive. James 3.8.1's queue dequeues with a blocking {@code receive(10 s)}
     * repeated forever, on whichever spool thread asked last; its spool waits 5 s for that thread at every stop and
     * then interrupts it. Once delivery is paused such a receive can return nothing, so it is interrupted at once;
     * threads processing or delivering a mail are not in a receive and are left to finish.
     */
    void pauseDelivery() {
        for (ActiveMQConnection connection : opened) {
            try {
                connection.stop();
            } catch (JMSException | RuntimeException e) {
                LOGGER.warn("Could not pause queue delivery on {} before stopping: {}", connection, e.toString());
            }
        }
        interruptWaitingReceivers();
    }

    /**
     * Interrupts the threads blocked in a queue receive, which a paused connection can no longer answer. Called again
     * while the stop goes on ({@link CleanStop}): a spool thread still busy with a mail at the pause enters its next
     * receive later, and James's spool would wait 5 s for it.
     */
    void interruptWaitingReceivers() {
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (isWaitingInReceive(stack)) {
                thread.interrupt();
            }
        });
    }

    private static boolean isWaitingInReceive(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getClassName().equals(ActiveMQMessageConsumer.class.getName()) && frame.getMethodName().equals("receive")) {
                return true;
            }
        }
        return false;
    }

    @PreDestroy
    void stop() throws Exception {
        broker.stop();
        broker.waitUntilStopped();
    }
}
