package dev.tlsprovenance.ledger;

import dev.tlsprovenance.provenance.MalformedProvenanceException;
import dev.tlsprovenance.provenance.TlsProvenance;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@link TlsProvenance} inside a ledger line: its own fields ({@link TlsProvenance#toFields()}, same names, same
 * order, all strings, so a line reads back with {@link TlsProvenance#fromFields}), except that {@code fallback} and
 * {@code requiretls} are always written, as {@code yes} or {@code no}, after the record's other fields; and
 * {@code transport-reason} follows {@code transport} when nothing was sent ({@code transport=none}).
 */
final class RecordFields {
    static final String TRANSPORT_REASON = "transport-reason";

    private RecordFields() {
    }

    static void write(ObjectNode line, TlsProvenance record, Optional<String> nothingSentBecause) {
        for (Map.Entry<String, String> field : record.toFields().entrySet()) {
            String name = field.getKey();
            if (name.equals(TlsProvenance.Fields.FELL_BACK) || name.equals(TlsProvenance.Fields.REQUIRE_TLS)) {
                continue;
            }
            line.put(name, field.getValue());
            if (name.equals(TlsProvenance.Fields.TRANSPORT)) {
                nothingSentBecause.ifPresent(reason -> line.put(TRANSPORT_REASON, reason));
            }
        }
        line.put(TlsProvenance.Fields.FELL_BACK, yesNo(record.fellBackToCleartext()));
        line.put(TlsProvenance.Fields.REQUIRE_TLS, yesNo(record.requireTls()));
    }

    /** The record of a line; string fields only, names the record does not know are ignored. */
    static TlsProvenance read(JsonNode line) throws MalformedProvenanceException {
        Map<String, String> fields = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> all = line.fields();
        while (all.hasNext()) {
            Map.Entry<String, JsonNode> field = all.next();
            if (field.getValue().isTextual()) {
                fields.put(field.getKey(), field.getValue().asText());
            }
        }
        return TlsProvenance.fromFields(fields);
    }

    static String yesNo(boolean flag) {
        return flag ? "yes" : "no";
    }
}
