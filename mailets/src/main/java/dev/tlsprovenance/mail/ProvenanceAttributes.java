package dev.tlsprovenance.mail;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.MalformedProvenanceException;
import dev.tlsprovenance.provenance.RecordSeal;
import dev.tlsprovenance.provenance.TlsProvenance;

/**
 * Provenance records as James mail attributes.
 *
 * <p>Built only from string maps and lists, the value kinds every James queue can serialise
 * (the distributed queue goes through {@link AttributeValue#toJson()}), so a record survives any
 * queue between the SMTP hook that writes it and the mailet that reads it.
 */
public final class ProvenanceAttributes {
    /**
     * The hop that brought the mail to this server: a map of {@link TlsProvenance.Fields} plus its
     * {@link RecordSeal#FIELD}. Read it only through {@link InboundRecords}, which believes sealed records only.
     */
    public static final AttributeName INBOUND = AttributeName.of("dev.tlsprovenance.inbound");
    /** Delivery attempts: recipient domain to a list of attempt maps, oldest first. */
    public static final AttributeName OUTBOUND = AttributeName.of("dev.tlsprovenance.outbound");
    /** James 3.9's names for the negotiated protocol and cipher, so mailets written for 3.9 work here. */
    public static final AttributeName JAMES_SSL_PROTOCOL = AttributeName.of("org.apache.james.ssl.protocol");
    public static final AttributeName JAMES_SSL_CIPHER = AttributeName.of("org.apache.james.ssl.cipher");

    private ProvenanceAttributes() {
    }

    public static AttributeValue<?> toAttributeValue(TlsProvenance provenance) {
        return toAttributeValue(provenance.toFields());
    }

    /** A string map as an attribute value (string values only, so every queue can serialise it). */
    public static AttributeValue<?> toAttributeValue(Map<String, String> fields) {
        Map<String, AttributeValue<?>> map = new LinkedHashMap<>();
        fields.forEach((name, value) -> map.put(name, AttributeValue.of(value)));
        return AttributeValue.of(map);
    }

    public static TlsProvenance fromAttributeValue(AttributeValue<?> value) throws MalformedProvenanceException {
        return TlsProvenance.fromFields(fieldsOf(value));
    }

    /** The string map of a record attribute, uninterpreted (its seal, if any, included). */
    public static Map<String, String> fieldsOf(AttributeValue<?> value) throws MalformedProvenanceException {
        if (!(value.value() instanceof Map)) {
            throw new MalformedProvenanceException("provenance attribute is not a map but " + value.value().getClass().getSimpleName());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value.value()).entrySet()) {
            Object fieldValue = entry.getValue() instanceof AttributeValue ? ((AttributeValue<?>) entry.getValue()).value() : entry.getValue();
            if (!(fieldValue instanceof String)) {
                throw new MalformedProvenanceException("provenance field '" + entry.getKey() + "' is not a string");
            }
            fields.put(String.valueOf(entry.getKey()), (String) fieldValue);
        }
        return fields;
    }

    /**
     * Records the inbound hop, sealed (see {@link RecordSeal}), and James 3.9's protocol/cipher attributes when it
     * was encrypted. Only the SMTP hook calls this (through {@link InboundRecords}), which also reads records back.
     */
    static void recordInbound(Mail mail, TlsProvenance provenance, RecordSeal seal) {
        if (provenance.direction() != Direction.INBOUND) {
            throw new IllegalArgumentException("not an inbound record: " + provenance);
        }
        mail.setAttribute(new Attribute(INBOUND, toAttributeValue(seal.seal(provenance.toFields()))));
        provenance.protocol().ifPresent(protocol -> mail.setAttribute(new Attribute(JAMES_SSL_PROTOCOL, AttributeValue.of(protocol))));
        provenance.cipherSuite().ifPresent(cipher -> mail.setAttribute(new Attribute(JAMES_SSL_CIPHER, AttributeValue.of(cipher))));
    }

    /** Appends one delivery attempt under its recipient domain. */
    public static void appendOutbound(Mail mail, TlsProvenance attempt) throws MalformedProvenanceException {
        String domain = attempt.recipientDomain()
            .orElseThrow(() -> new IllegalArgumentException("an outbound record needs its recipient domain: " + attempt));
        Map<String, List<TlsProvenance>> attempts = new LinkedHashMap<>(outbound(mail));
        List<TlsProvenance> forDomain = new ArrayList<>(attempts.getOrDefault(domain, List.of()));
        forDomain.add(attempt);
        attempts.put(domain, forDomain);

        Map<String, AttributeValue<?>> byDomain = new LinkedHashMap<>();
        attempts.forEach((name, records) -> {
            List<AttributeValue<?>> values = new ArrayList<>();
            records.forEach(record -> values.add(toAttributeValue(record)));
            byDomain.put(name, AttributeValue.of(values));
        });
        mail.setAttribute(new Attribute(OUTBOUND, AttributeValue.of(byDomain)));
    }

    /** Delivery attempts by recipient domain, oldest first. */
    public static Map<String, List<TlsProvenance>> outbound(Mail mail) throws MalformedProvenanceException {
        Optional<Attribute> attribute = mail.getAttribute(OUTBOUND);
        if (attribute.isEmpty()) {
            return Map.of();
        }
        Object value = attribute.get().getValue().value();
        if (!(value instanceof Map)) {
            throw new MalformedProvenanceException("outbound provenance attribute is not a map");
        }
        Map<String, List<TlsProvenance>> result = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
            Object records = ((AttributeValue<?>) entry.getValue()).value();
            if (!(records instanceof Collection)) {
                throw new MalformedProvenanceException("outbound attempts for '" + entry.getKey() + "' are not a list");
            }
            List<TlsProvenance> list = new ArrayList<>();
            for (Object record : (Collection<?>) records) {
                list.add(fromAttributeValue((AttributeValue<?>) record));
            }
            result.put(String.valueOf(entry.getKey()), List.copyOf(list));
        }
        return result;
    }
}
