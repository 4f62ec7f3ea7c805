package dev.tlsprovenance.verify;

import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The analysed path of one message: hops oldest first, trust marked, stamps merged, and the verdict. */
public final class MessageReport {
    private final String messageId;
    private final List<Hop> hops;
    private final Verdict verdict;
    private final String note;

    public MessageReport(String messageId, List<Hop> hops, Verdict verdict, String note) {
        this.messageId = messageId;
        this.hops = Collections.unmodifiableList(hops);
        this.verdict = verdict;
        this.note = note == null ? "" : note;
    }

    public Optional<String> messageId() {
        return Optional.ofNullable(messageId);
    }

    /** Index 0 = first hop (oldest Received line). */
    public List<Hop> hops() {
        return hops;
    }

    public Verdict verdict() {
        return verdict;
    }

    /** Why the verdict is what it is, in one line an administrator can read (empty when all is well). */
    public String note() {
        return note;
    }
}
