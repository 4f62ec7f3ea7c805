package dev.tlsprovenance.ledger;

import dev.tlsprovenance.metrics.TlsMetricNames;
import dev.tlsprovenance.policy.PolicySource;
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
 * One line of {@code outbound.jsonl}: one delivery attempt at one next hop (or at none, when no hop could be tried).
 * <pre>{@code
 * {"dir":"outbound","transport":"starttls","protocol":"TLSv1.3","cipher":"TLS_AES_256_GCM_SHA384","bits":"256",
 *  "by":"mx.example.org","addr":"192.0.2.7","host":"mx.partner.test","verify":"verified","trust":"private-ca:...",
 *  "peer-subject":"CN=mx.partner.test",...,"domain":"partner.test","next-hop":"mx.partner.test:25","level":"secure",
 *  "outcome":"250 2.0.0 Ok","attempt":"1","time":"2026-12-01T10:00:00Z","fallback":"no","requiretls":"no",
 *  "mail":"Mail1733...","message-id":"<id@example.org>","sender":"alice@example.org","row":"tls-policy.conf:3",
 *  "policy-source":"row","dnssec":"secure","tlsa":["3 1 1 AB..."],"result-type":"validation-failure",
 *  "recipients":[{"rcpt":"bob@partner.test","result":"delivered","code":"250","status":"2.0.0","reply":"250 2.0.0 Ok"}]}
 * }</pre>
 * The TLS fields are those of {@link TlsProvenance} (see {@link RecordFields}); {@code transport} is {@code none},
 * followed by {@code transport-reason}, when no envelope or message byte was sent. Per recipient: {@code result}
 * is {@code delivered}, {@code deferred} (stays queued for a retry) or {@code failed} (bounced); {@code code} and
 * {@code reply} are the peer's when it answered, {@code status} the enhanced status, {@code reason} ours when the
 * failure was ours (TLS, network, DNS). After {@code row}: the {@link PolicyFacts} ({@code policy-source},
 * {@code dnssec}, {@code tlsa}) and, for an attempt that sent nothing because of a TLS, DANE or DNSSEC reason,
 * {@code result-type} ({@link TlsMetricNames#resultType}: the word the metrics and the log line use).
 */
public final class OutboundLedgerLine {
    public static final String ROW = "row";
    public static final String RECIPIENTS = "recipients";

    private final TlsProvenance record;
    private final Optional<String> nothingSentBecause;
    private final MailIdentity mail;
    private final String row;
    private final List<Recipient> recipients;
    private final PolicyFacts policy;

    /** A line whose policy came from {@code row} (or the built-in default when {@code row} says so), no DNS facts. */
    public OutboundLedgerLine(TlsProvenance record, Optional<String> nothingSentBecause, MailIdentity mail, String row,
                              List<Recipient> recipients) {
        this(record, nothingSentBecause, mail, row, PolicyFacts.of(PolicyFacts.BUILT_IN_DEFAULT_ROW.equals(row)
            ? PolicySource.DEFAULT : PolicySource.ROW), recipients);
    }

    public OutboundLedgerLine(TlsProvenance record, Optional<String> nothingSentBecause, MailIdentity mail, String row,
                              PolicyFacts policy, List<Recipient> recipients) {
        this.policy = Objects.requireNonNull(policy);
        this.record = Objects.requireNonNull(record);
        this.nothingSentBecause = Objects.requireNonNull(nothingSentBecause);
        this.mail = Objects.requireNonNull(mail);
        this.row = Objects.requireNonNull(row);
        this.recipients = List.copyOf(recipients);
    }

    public TlsProvenance record() {
        return record;
    }

    public Optional<String> nothingSentBecause() {
        return nothingSentBecause;
    }

    public MailIdentity mail() {
        return mail;
    }

    /** The policy row that governed the attempt, {@code file:line}. */
    public String row() {
        return row;
    }

    public List<Recipient> recipients() {
        return recipients;
    }

    /** Where the policy came from, and the DNSSEC status and TLSA records behind it. */
    public PolicyFacts policy() {
        return policy;
    }

    /** The RFC 8460 result type (or our word, {@link TlsMetricNames#TLS_FAILURE_REASONS}) of a failed attempt. */
    public Optional<String> resultType() {
        return TlsMetricNames.resultType(record, nothingSentBecause, policy.stsResultType());
    }

    public ObjectNode toJson() {
        ObjectNode line = Ledger.newLine();
        RecordFields.write(line, record, nothingSentBecause);
        mail.writeTo(line);
        line.put(ROW, row);
        policy.writeTo(line);
        resultType().ifPresent(type -> line.put(PolicyFacts.RESULT_TYPE, type));
        ArrayNode list = line.putArray(RECIPIENTS);
        recipients.forEach(recipient -> recipient.writeTo(list.addObject()));
        return line;
    }

    /** Reads a line back. */
    public static OutboundLedgerLine parse(String json) throws IOException, MalformedProvenanceException {
        return parse(new ObjectMapper().readTree(json));
    }

    /** Reads a line already parsed as JSON (a reader of many lines parses them with one mapper). */
    public static OutboundLedgerLine parse(JsonNode line) throws MalformedProvenanceException {
        if (line == null || !line.isObject()) {
            throw new MalformedProvenanceException("a ledger line must be a JSON object");
        }
        List<Recipient> recipients = new ArrayList<>();
        for (JsonNode recipient : line.path(RECIPIENTS)) {
            recipients.add(Recipient.readFrom(recipient));
        }
        String row = line.path(ROW).asText("");
        PolicyFacts policy;
        try {
            policy = PolicyFacts.readFrom(line, row);
        } catch (IllegalArgumentException e) {
            throw new MalformedProvenanceException(e.getMessage());
        }
        return new OutboundLedgerLine(RecordFields.read(line),
            Optional.ofNullable(line.get(RecordFields.TRANSPORT_REASON)).map(JsonNode::asText),
            MailIdentity.readFrom(line), row, policy, recipients);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OutboundLedgerLine && toJson().equals(((OutboundLedgerLine) other).toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }

    /** What became of one recipient in this attempt. */
    public enum Result {
        DELIVERED, DEFERRED, FAILED;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Result fromToken(String token) {
            return valueOf(token.toUpperCase(Locale.ROOT));
        }
    }

    /** One recipient of the attempt and its outcome. */
    public static final class Recipient {
        private final String address;
        private final Result result;
        private final int code;
        private final String status;
        private final String reply;
        private final String reason;

        /**
         * @param code the peer's reply code, 0 when the peer did not answer for this recipient
         * @param reply the peer's reply on one line, "" when it did not answer
         * @param reason our diagnostic when the failure was ours, "" otherwise
         */
        public Recipient(String address, Result result, int code, String status, String reply, String reason) {
            this.address = Objects.requireNonNull(address);
            this.result = Objects.requireNonNull(result);
            this.code = code;
            this.status = Objects.requireNonNull(status);
            this.reply = Objects.requireNonNull(reply);
            this.reason = Objects.requireNonNull(reason);
        }

        public String address() {
            return address;
        }

        public Result result() {
            return result;
        }

        public int code() {
            return code;
        }

        public String status() {
            return status;
        }

        public String reply() {
            return reply;
        }

        public String reason() {
            return reason;
        }

        void writeTo(ObjectNode node) {
            node.put("rcpt", address);
            node.put("result", result.token());
            if (code > 0) {
                node.put("code", Integer.toString(code));
            }
            if (!status.isEmpty()) {
                node.put("status", status);
            }
            if (!reply.isEmpty()) {
                node.put("reply", reply);
            }
            if (!reason.isEmpty()) {
                node.put("reason", reason);
            }
        }

        static Recipient readFrom(JsonNode node) {
            return new Recipient(node.path("rcpt").asText(""), Result.fromToken(node.path("result").asText("failed")),
                node.path("code").asInt(0), node.path("status").asText(""), node.path("reply").asText(""),
                node.path("reason").asText(""));
        }

        @Override
        public String toString() {
            return address + " " + result.token() + (status.isEmpty() ? "" : " " + status);
        }
    }
}
