package dev.tlsprovenance.outbound;

import java.util.List;

/** Sender and recipients of one transaction ("" = the null reverse path), and whether REQUIRETLS is demanded. */
public final class Envelope {
    private final String sender;
    private final List<String> recipients;
    private final boolean requireTls;

    public Envelope(String sender, List<String> recipients, boolean requireTls) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("an envelope needs at least one recipient");
        }
        this.sender = sender == null ? "" : sender;
        this.recipients = List.copyOf(recipients);
        this.requireTls = requireTls;
    }

    public String sender() {
        return sender;
    }

    public List<String> recipients() {
        return recipients;
    }

    public boolean requireTls() {
        return requireTls;
    }
}
