package dev.tlsprovenance.distribution;

import javax.inject.Inject;

import org.apache.james.utils.GuiceProbe;

/** Lets the shutdown hook ({@link CleanStop}) pause queue delivery before James's own stop begins. */
public final class QueueDeliveryProbe implements GuiceProbe {
    private final InVmActiveMqBroker broker;

    @Inject
    QueueDeliveryProbe(InVmActiveMqBroker broker) {
        this.broker = broker;
    }

    void pauseDelivery() {
        broker.pauseDelivery();
    }

    void interruptWaitingReceivers() {
        broker.interruptWaitingReceivers();
    }
}
