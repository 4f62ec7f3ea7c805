package dev.tlsprovenance.outbound;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The recipients of a dequeued mail whose next state is already stored (delivered, bounced, or re-queued in a
 * successor copy) although the mail itself went back to its queue: its re-queue or its bounce failed, so the queue
 * item was rolled back, and the queue will hand out the same message again, with all its original recipients.
 * Those recipients are then skipped, so nobody receives the message twice and nobody gets a second DSN.
 *
 * <p>A queue message is identified by the mail's name and the token it was queued with
 * ({@link TlsPolicyRemoteDelivery#QUEUED_AS}): a successor copy put back in the queue gets a new token, so it is never
 * confused with the rolled-back original (the attempt count cannot tell them apart: a wait that is not an attempt
 * re-queues with the same count).
 *
 * <p>Kept in memory only, deliberately: the item was rolled back because the store could not be written (typically a
 * full disk), so there is nowhere durable to put this either. A restart in between forgets it, and the recipients
 * already delivered get the message once more: a duplicate rather than a loss (RFC 5321 section 6.1).
 */
final class SettledRecipients {
    private final Map<String, Set<String>> settledByQueueMessage = new ConcurrentHashMap<>();

    static String queueMessage(String mailName, String queuedAs) {
        return mailName + "#" + queuedAs;
    }

    /** The recipients of {@code queueMessage} still to handle: all of them unless an earlier try settled some. */
    List<String> unsettled(String queueMessage, Collection<String> recipients) {
        Set<String> settled = settledByQueueMessage.getOrDefault(queueMessage, Set.of());
        return recipients.stream().filter(recipient -> !settled.contains(recipient)).collect(Collectors.toList());
    }

    /** The item goes back to its queue; these of its recipients must not be handled again. */
    void remember(String queueMessage, Collection<String> settled) {
        if (!settled.isEmpty()) {
            settledByQueueMessage.computeIfAbsent(queueMessage, key -> ConcurrentHashMap.newKeySet()).addAll(settled);
        }
    }

    /** The item has left its queue for good. */
    void forget(String queueMessage) {
        settledByQueueMessage.remove(queueMessage);
    }

    int size() {
        return settledByQueueMessage.size();
    }
}
