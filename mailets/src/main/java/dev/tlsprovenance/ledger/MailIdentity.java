package dev.tlsprovenance.ledger;

import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What identifies a mail in a ledger line: the name James gave it (the key of its queue and repository entries, in
 * the log lines as {@code mail=}), its Message-ID when it has one, and the envelope sender ("" for the null reverse
 * path {@code <>}).
 */
public final class MailIdentity {
    public static final String MAIL = "mail";
    public static final String MESSAGE_ID = "message-id";
    public static final String SENDER = "sender";

    private final String name;
    private final Optional<String> messageId;
    private final String sender;

    public MailIdentity(String name, Optional<String> messageId, String sender) {
        this.name = Objects.requireNonNull(name);
        this.messageId = messageId.filter(id -> !id.isBlank());
        this.sender = sender == null ? "" : sender;
    }

    public String name() {
        return name;
    }

    public Optional<String> messageId() {
        return messageId;
    }

    public String sender() {
        return sender;
    }

    void writeTo(ObjectNode line) {
        line.put(MAIL, name);
        messageId.ifPresent(id -> line.put(MESSAGE_ID, id));
        line.put(SENDER, sender);
    }

    static MailIdentity readFrom(com.fasterxml.jackson.databind.JsonNode line) {
        return new MailIdentity(line.path(MAIL).asText(""),
            Optional.ofNullable(line.get(MESSAGE_ID)).map(com.fasterxml.jackson.databind.JsonNode::asText),
            line.path(SENDER).asText(""));
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof MailIdentity)) {
            return false;
        }
        MailIdentity that = (MailIdentity) other;
        return name.equals(that.name) && messageId.equals(that.messageId) && sender.equals(that.sender);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, messageId, sender);
    }

    @Override
    public String toString() {
        return "mail=" + name + " message-id=" + messageId.orElse("-") + " sender=<" + sender + ">";
    }
}
