package dev.tlsprovenance.ledger;

import dev.tlsprovenance.provenance.MalformedProvenanceException;
import dev.tlsprovenance.provenance.TlsProvenance;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One line of {@code inbound.jsonl}: one received mail, with the record of the hop it arrived on and the policy
 * decision for each recipient.
 * <pre>{@code
 * {"dir":"inbound","transport":"starttls","protocol":"TLSv1.3","cipher":"TLS_AES_256_GCM_SHA384","bits":"256",
 *  "by":"mx.example.org","addr":"192.0.2.9","host":"mail.partner.test","helo":"mail.partner.test",
 *  "verify":"not-presented","session":"...","time":"2026-12-01T10:00:00Z","fallback":"no","requiretls":"no",
 *  "record":"sealed","mail":"Mail1733...","message-id":"<id@partner.test>","sender":"carol@partner.test",
 *  "recipients":[{"rcpt":"alice@example.org","row":"tls-policy.conf:7","rule":"require","decision":"accepted"}]}
 * }</pre>
 * {@code record} is {@code sealed} when this server's SMTP hook wrote the record, {@code rejected} when the mail
 * carried a record this server did not seal (then {@code transport} is {@code unknown} and {@code reason} says why).
 * Per recipient: the row that applies ({@code file:line}), its inbound rule, and {@code decision} {@code accepted},
 * {@code bounced} or {@code quarantined}, with the {@code reason} when not accepted.
 */
public final class InboundLedgerLine {
    public static final String RECORD = "record";
    public static final String RECIPIENTS = "recipients";

    private final TlsProvenance record;
    private final boolean sealed;
    private final MailIdentity mail;
    private final List<Recipient> recipients;

    public InboundLedgerLine(TlsProvenance record, boolean sealed, MailIdentity mail, List<Recipient> recipients) {
        this.record = Objects.requireNonNull(record);
        this.sealed = sealed;
        this.mail = Objects.requireNonNull(mail);
        this.recipients = List.copyOf(recipients);
    }

    public TlsProvenance record() {
        return record;
    }

    public boolean sealed() {
        return sealed;
    }

    public MailIdentity mail() {
        return mail;
    }

    public List<Recipient> recipients() {
        return recipients;
    }

    public ObjectNode toJson() {
        ObjectNode line = Ledger.newLine();
        RecordFields.write(line, record, Optional.empty());
        line.put(RECORD, sealed ? "sealed" : "rejected");
        mail.writeTo(line);
        ArrayNode list = line.putArray(RECIPIENTS);
        recipients.forEach(recipient -> recipient.writeTo(list.addObject()));
        return line;
    }

    public static InboundLedgerLine parse(String json) throws IOException, MalformedProvenanceException {
        return parse(new ObjectMapper().readTree(json));
    }

    /** Reads a line already parsed as JSON (a reader of many lines parses them with one mapper). */
    public static InboundLedgerLine parse(JsonNode line) throws MalformedProvenanceException {
        if (line == null || !line.isObject()) {
            throw new MalformedProvenanceException("a ledger line must be a JSON object");
        }
        List<Recipient> recipients = new ArrayList<>();
        for (JsonNode recipient : line.path(RECIPIENTS)) {
            recipients.add(new Recipient(recipient.path("rcpt").asText(""), recipient.path("row").asText(""),
                recipient.path("rule").asText(""), Decision.valueOf(recipient.path("decision").asText("accepted").toUpperCase(Locale.ROOT)),
                recipient.path("reason").asText("")));
        }
        return new InboundLedgerLine(RecordFields.read(line), "sealed".equals(line.path(RECORD).asText()),
            MailIdentity.readFrom(line), recipients);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InboundLedgerLine && toJson().equals(((InboundLedgerLine) other).toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }

    public enum Decision {
        ACCEPTED, BOUNCED, QUARANTINED;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One recipient, the row that applies to it and what the policy made of it. */
    public static final class Recipient {
        private final String address;
        private final String row;
        private final String rule;
        private final Decision decision;
        private final String reason;

        public Recipient(String address, String row, String rule, Decision decision, String reason) {
            this.address = Objects.requireNonNull(address);
            this.row = Objects.requireNonNull(row);
            this.rule = Objects.requireNonNull(rule);
            this.decision = Objects.requireNonNull(decision);
            this.reason = Objects.requireNonNull(reason);
        }

        public String address() {
            return address;
        }

        public String row() {
            return row;
        }

        public String rule() {
            return rule;
        }

        public Decision decision() {
            return decision;
        }

        public String reason() {
            return reason;
        }

        void writeTo(ObjectNode node) {
            node.put("rcpt", address);
            node.put("row", row);
            node.put("rule", rule);
            node.put("decision", decision.token());
            if (!reason.isEmpty()) {
                node.put("reason", reason);
            }
        }
    }
}
