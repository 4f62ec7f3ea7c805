package dev.tlsprovenance.distribution;

import javax.jms.ConnectionFactory;

import org.apache.activemq.store.PersistenceAdapter;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.queue.activemq.ActiveMQHealthCheck;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.EmbeddedActiveMQ;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorNoop;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;

/**
 * Mail queues (spool, outgoing) persisted on disk: James's embedded ActiveMQ broker with a KahaDB store under
 * {@code var/store/activemq/}. A mail is on disk when the SMTP server answers 250, so it survives a crash.
 *
 * <p>James 3.8.1 publishes the queue library ({@code james-server-queue-activemq}) but not its Guice module, so the
 * distribution binds the library itself. Broker metrics are left out (no JMX in this distribution).
 */
final class DiskMailQueueModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(PersistenceAdapter.class).to(KahaDBPersistenceAdapter.class);
        bind(KahaDBPersistenceAdapter.class).in(Scopes.SINGLETON);
        bind(EmbeddedActiveMQ.class).in(Scopes.SINGLETON);
        bind(ActiveMQMetricCollector.class).to(ActiveMQMetricCollectorNoop.class);
        bind(ActiveMQMailQueueFactory.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(ActiveMQHealthCheck.class);
    }

    @Provides
    @Singleton
    ConnectionFactory brokerConnections(EmbeddedActiveMQ broker) {
        return broker.getConnectionFactory();
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends ManageableMailQueue> manageableQueues(ActiveMQMailQueueFactory factory) {
        factory.setUseJMX(false);
        factory.init();
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<?> queues(MailQueueFactory<? extends ManageableMailQueue> factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends MailQueue> plainQueues(ActiveMQMailQueueFactory factory) {
        return factory;
    }
}
