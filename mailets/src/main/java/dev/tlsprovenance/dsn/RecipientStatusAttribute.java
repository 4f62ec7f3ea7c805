package dev.tlsprovenance.dsn;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-recipient DSN facts on a mail handed to a bounce processor (attribute {@value #NAME}): a map from recipient
 * address to {@code status}, {@code diagnostic-type}, {@code diagnostic}, {@code explanation} and optionally
 * {@code remote-mta}, all strings, so James's queues can serialise it. {@code TlsPolicyRemoteDelivery} writes it;
 * {@link Rfc3464Bounce} reads it. James's single {@code delivery-error} string cannot say which recipient got which
 * reply, nor whether a server replied at all.
 */
public final class RecipientStatusAttribute {
    public static final String NAME = "dev.tlsprovenance.dsn.recipients";
    public static final AttributeName ATTRIBUTE_NAME = AttributeName.of(NAME);
    private static final Logger LOGGER = LoggerFactory.getLogger(RecipientStatusAttribute.class);

    private RecipientStatusAttribute() {
    }

    public static Attribute of(Collection<RecipientStatus> statuses) {
        Map<String, AttributeValue<?>> byRecipient = new LinkedHashMap<>();
        for (RecipientStatus status : statuses) {
            Map<String, AttributeValue<?>> fields = new LinkedHashMap<>();
            fields.put("status", AttributeValue.of(status.status()));
            fields.put("diagnostic-type", AttributeValue.of(status.diagnostic().type()));
            fields.put("diagnostic", AttributeValue.of(status.diagnostic().text()));
            fields.put("explanation", AttributeValue.of(status.explanation()));
            status.remoteMta().ifPresent(mta -> fields.put("remote-mta", AttributeValue.of(mta)));
            byRecipient.put(status.recipient(), AttributeValue.of(fields));
        }
        return new Attribute(ATTRIBUTE_NAME, AttributeValue.of(byRecipient));
    }

    /** The statuses by recipient address; an entry that cannot be read is left out (the bounce falls back to its defaults). */
    public static Map<String, RecipientStatus> read(Mail mail) {
        Map<String, RecipientStatus> statuses = new LinkedHashMap<>();
        Optional<Attribute> attribute = mail.getAttribute(ATTRIBUTE_NAME);
        if (attribute.isEmpty()) {
            return statuses;
        }
        Object value = attribute.get().getValue().value();
        if (!(value instanceof Map)) {
            LOGGER.warn("Mail {}: attribute {} is not a map; ignored", mail.getName(), NAME);
            return statuses;
        }
        ((Map<?, ?>) value).forEach((recipient, fields) -> {
            try {
                Map<?, ?> map = (Map<?, ?>) ((AttributeValue<?>) fields).value();
                statuses.put(String.valueOf(recipient), new RecipientStatus(String.valueOf(recipient), text(map, "status"),
                    Optional.ofNullable(map.get("remote-mta")).map(RecipientStatusAttribute::unwrap),
                    DiagnosticCode.of(text(map, "diagnostic-type"), text(map, "diagnostic")), text(map, "explanation")));
            } catch (RuntimeException e) {
                LOGGER.warn("Mail {}: attribute {} has an unreadable entry for {}: {}", mail.getName(), NAME, recipient, e.toString());
            }
        });
        return statuses;
    }

    private static String text(Map<?, ?> map, String key) {
        Object value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + key);
        }
        return unwrap(value);
    }

    private static String unwrap(Object value) {
        return String.valueOf(value instanceof AttributeValue ? ((AttributeValue<?>) value).value() : value);
    }
}
