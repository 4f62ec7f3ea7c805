package dev.tlsprovenance.distribution;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.jms.ConnectionFactory;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQPrefetchPolicy;
import org.apache.activemq.RedeliveryPolicy;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.filesystem.api.FileSystem;

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
 */
final class InVmActiveMqBroker {
    private static final String BROKER_NAME = "james";
    private static final String BROKER_ID = "broker";
    private static final String DATA_DIRECTORY = "file://var/store/activemq/brokers";
    private static final String KAHADB_DIRECTORY = "file://var/store/activemq/brokers/KahaDB";
    private static final String BLOB_DIRECTORY = "file://var/store/activemq/blob-transfer";

    private final BrokerService broker;
    private final ActiveMQConnectionFactory connections;

    @Inject
    InVmActiveMqBroker(FileSystem fileSystem) throws Exception {
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

        connections = new ActiveMQConnectionFactory("vm://" + BROKER_NAME + "?create=false");
        connections.setTrustAllPackages(false);
        connections.setBlobTransferPolicy(blobTransferPolicy(fileSystem));
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

    /** James's queue writes each mail's content as a file here (a blob message); the JMS message holds envelope and attributes. */
    private static QueueBlobFiles blobTransferPolicy(FileSystem fileSystem) {
        QueueBlobFiles blobs = new QueueBlobFiles(fileSystem);
        blobs.setDefaultUploadUrl(BLOB_DIRECTORY);
        return blobs;
    }

    ConnectionFactory connectionFactory() {
        return connections;
    }

    @PreDestroy
    void stop() throws Exception {
        broker.stop();
        broker.waitUntilStopped();
    }
}
