package dev.tlsprovenance.distribution;

import java.lang.reflect.Constructor;

import javax.jms.ConnectionFactory;

import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQHealthCheck;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorNoop;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.utils.GuiceProbe;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;

/**
 * Mail queues (spool, outgoing) persisted on disk: James 3.8.1's ActiveMQ queue code on our own in-JVM broker
 * ({@link InVmActiveMqBroker}: KahaDB under {@code var/store/activemq/}, no network connector). A mail is on disk when
 * the SMTP server answers 250, so it survives a crash.
 *
 * <p>James 3.8.1 publishes the queue library ({@code james-server-queue-activemq}) but not its Guice module, so the
 * distribution binds the library itself, and never James's {@code EmbeddedActiveMQ}, which opens a TCP port. Broker
 * metrics are left out (a no-op collector): they would need ActiveMQ's statistics plugin in the broker.
 */
final class DiskMailQueueModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(InVmActiveMqBroker.class).in(Scopes.SINGLETON);
        bind(ActiveMQMetricCollector.class).to(ActiveMQMetricCollectorNoop.class);
        // The constructor that takes a ConnectionFactory: the @Inject one would build James's EmbeddedActiveMQ. Guice
        // still constructs the factory, so James's lifecycle disposes its queues (@PreDestroy) before the broker stops.
        bind(ActiveMQMailQueueFactory.class).toConstructor(queueFactoryOnConnections()).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(ActiveMQHealthCheck.class);
        Multibinder.newSetBinder(binder(), GuiceProbe.class).addBinding().to(QueueDeliveryProbe.class);
    }

    private static Constructor<ActiveMQMailQueueFactory> queueFactoryOnConnections() {
        try {
            return ActiveMQMailQueueFactory.class.getConstructor(ConnectionFactory.class, MailQueueItemDecoratorFactory.class,
                MetricFactory.class, GaugeRegistry.class, ActiveMQMetricCollector.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("James's ActiveMQMailQueueFactory has no constructor taking a ConnectionFactory", e);
        }
    }

    @Provides
    @Singleton
    ConnectionFactory brokerConnections(InVmActiveMqBroker broker) {
        return broker.connectionFactory();
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
