package dev.tlsprovenance.outbound;

import java.util.Objects;
import java.util.Optional;

/** What became of one recipient in one attempt: delivered (with the peer's reply) or a {@link DeliveryFailure}. */
public final class RecipientOutcome {
    private final String recipient;
    private final String reply;
    private final DeliveryFailure failure;

    private RecipientOutcome(String recipient, String reply, DeliveryFailure failure) {
        this.recipient = Objects.requireNonNull(recipient);
        this.reply = reply;
        this.failure = failure;
    }

    public static RecipientOutcome delivered(String recipient, SmtpReply reply) {
        return new RecipientOutcome(recipient, reply.toString(), null);
    }

    public static RecipientOutcome failed(String recipient, DeliveryFailure failure) {
        return new RecipientOutcome(recipient, null, failure);
    }

    public String recipient() {
        return recipient;
    }

    public boolean isDelivered() {
        return failure == null;
    }

    /** The peer's final reply for a delivered recipient, e.g. "250 2.0.0 Ok: queued as 1.1". */
    public Optional<String> reply() {
        return Optional.ofNullable(reply);
    }

    public Optional<DeliveryFailure> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
        return recipient + (failure == null ? " delivered: " + reply : " failed: " + failure);
    }
}
