package dev.tlsprovenance.outbound;

import java.util.Objects;
import java.util.Optional;

/** What became of one recipient in one attempt: delivered (with the peer's reply) or a {@link DeliveryFailure}. */
public final class RecipientOutcome {
    private final String recipient;
    private final String reply;
    private final int replyCode;
    private final String replyStatus;
    private final DeliveryFailure failure;

    private RecipientOutcome(String recipient, SmtpReply reply, DeliveryFailure failure) {
        this.recipient = Objects.requireNonNull(recipient);
        this.reply = reply == null ? null : reply.toString();
        this.replyCode = reply == null ? 0 : reply.code();
        this.replyStatus = reply == null ? "" : reply.enhancedCode();
        this.failure = failure;
    }

    public static RecipientOutcome delivered(String recipient, SmtpReply reply) {
        return new RecipientOutcome(recipient, Objects.requireNonNull(reply), null);
    }

    public static RecipientOutcome failed(String recipient, DeliveryFailure failure) {
        return new RecipientOutcome(recipient, null, Objects.requireNonNull(failure));
    }

    /** The code of the peer's final reply for a delivered recipient (250), 0 otherwise. */
    public int replyCode() {
        return replyCode;
    }

    /** The enhanced status of the peer's final reply for a delivered recipient ("2.0.0"), "" when it gave none. */
    public String replyStatus() {
        return replyStatus;
    }

    /** The same recipient once its retries are spent: a temporary failure becomes the final (permanent) one. */
    public RecipientOutcome finalised() {
        return failure == null || !failure.isTemporary() ? this : new RecipientOutcome(recipient, null, failure.finalised());
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
