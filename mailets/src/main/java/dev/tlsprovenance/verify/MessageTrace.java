package dev.tlsprovenance.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import dev.tlsprovenance.provenance.ProvenanceHeaderCodec;
import dev.tlsprovenance.provenance.TlsProvenance;

/**
 * The path of one message as its headers tell it: hops in travel order (index 0 = oldest Received line,
 * the first hop), our provenance stamps, and the Message-ID.
 */
public final class MessageTrace {
    private final String messageId;
    private final List<Hop> oldestFirst;
    private final List<TlsProvenance> stamps;

    public MessageTrace(String messageId, List<Hop> oldestFirst, List<TlsProvenance> stamps) {
        this.messageId = messageId;
        this.oldestFirst = Collections.unmodifiableList(new ArrayList<>(oldestFirst));
        this.stamps = Collections.unmodifiableList(new ArrayList<>(stamps));
    }

    /** Reads Received lines (newest on top) and inbound provenance stamps; never throws. */
    public static MessageTrace of(HeaderBlock headers) {
        List<Hop> hops = new ArrayList<>();
        List<String> provenance = new ArrayList<>();
        String messageId = null;
        for (HeaderField field : headers.fields()) {
            int length = field.name().length();
            if (length != 8 && length != 10 && length != 16) {
                continue;
            }
            if (field.is("Received")) {
                hops.add(ReceivedLineParser.parse(field.value().indexOf("=?") >= 0 ? field.decodedValue() : field.value()));
            } else if (field.is(ProvenanceHeaderCodec.DEFAULT_HEADER_NAME)) {
                provenance.add(field.value());
            } else if (messageId == null && field.is("Message-ID")) {
                messageId = field.value().trim();
            }
        }
        Collections.reverse(hops);
        return new MessageTrace(messageId, hops, ProvenanceStamps.parseInbound(provenance));
    }

    public Optional<String> messageId() {
        return Optional.ofNullable(messageId);
    }

    /** Index 0 is the first hop, written by the first server (the oldest, bottom-most Received line). */
    public List<Hop> hopsOldestFirst() {
        return oldestFirst;
    }

    /** The order in which the header lines appear: the last server's hop first. */
    public List<Hop> hopsNewestFirst() {
        List<Hop> reversed = new ArrayList<>(oldestFirst);
        Collections.reverse(reversed);
        return reversed;
    }

    public List<TlsProvenance> stamps() {
        return stamps;
    }
}
