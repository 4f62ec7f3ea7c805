package dev.tlsprovenance.testing.james;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * An immutable copy of a mail James stored in a repository: envelope, headers exactly as stored
 * (values unfolded), body and attributes. Copying lets the harness dispose James's {@code Mail} at once.
 */
public final class DeliveredMail {
    private final String name;
    private final String state;
    private final String sender;
    private final List<String> recipients;
    private final List<Header> headers;
    private final String rawHeaderBlock;
    private final String body;
    private final Map<String, AttributeValue<?>> attributes;
    private final Instant lastUpdated;

    private DeliveredMail(Mail mail) throws MessagingException, IOException {
        this.name = mail.getName();
        this.state = mail.getState();
        this.sender = mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("");
        this.recipients = mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.toUnmodifiableList());
        MimeMessage message = mail.getMessage();
        List<Header> headers = new ArrayList<>();
        for (javax.mail.Header header : Collections.list(message.getAllHeaders())) {
            headers.add(new Header(header.getName(), unfold(header.getValue())));
        }
        this.headers = Collections.unmodifiableList(headers);
        StringBuilder block = new StringBuilder();
        for (String line : Collections.list(message.getAllHeaderLines())) {
            block.append(line).append("\r\n");
        }
        this.rawHeaderBlock = block.toString();
        try (InputStream raw = message.getRawInputStream()) {
            this.body = new String(raw.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, AttributeValue<?>> attributes = new LinkedHashMap<>();
        mail.attributes().forEach(attribute -> attributes.put(attribute.getName().asString(), attribute.getValue().duplicate()));
        this.attributes = Collections.unmodifiableMap(attributes);
        this.lastUpdated = mail.getLastUpdated() == null ? Instant.EPOCH : mail.getLastUpdated().toInstant();
    }

    static DeliveredMail copyOf(Mail mail) {
        try {
            return new DeliveredMail(mail);
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("cannot read stored mail " + mail.getName(), e);
        }
    }

    public String name() {
        return name;
    }

    public String state() {
        return state;
    }

    /** The envelope sender, {@code ""} for the null sender. */
    public String sender() {
        return sender;
    }

    public List<String> recipients() {
        return recipients;
    }

    /** Every header in message order, values unfolded (continuation line breaks removed). */
    public List<Header> headers() {
        return headers;
    }

    /** All values of {@code name} (case-insensitive), in message order. */
    public List<String> header(String name) {
        return headers.stream()
            .filter(header -> header.name().equalsIgnoreCase(name))
            .map(Header::value)
            .collect(Collectors.toUnmodifiableList());
    }

    /** The first value of {@code name}. */
    public Optional<String> firstHeader(String name) {
        return header(name).stream().findFirst();
    }

    /** The header lines as stored, folded, each ending in CRLF. */
    public String rawHeaderBlock() {
        return rawHeaderBlock;
    }

    public String body() {
        return body;
    }

    public Map<String, AttributeValue<?>> attributes() {
        return attributes;
    }

    /** The attribute's JSON form as James's distributed queue would serialise it; empty when absent or unserialisable. */
    public Optional<String> attributeJson(String name) {
        return Optional.ofNullable(attributes.get(name)).flatMap(AttributeValue::toJson).map(Object::toString);
    }

    /**
     * The attribute as plain Java: String, Boolean, Integer, Long..., and nested AttributeValues of maps and
     * lists turned into {@code Map<String, Object>} / {@code List<Object>}.
     */
    public Optional<Object> attribute(String name) {
        return Optional.ofNullable(attributes.get(name)).map(DeliveredMail::plain);
    }

    Instant lastUpdated() {
        return lastUpdated;
    }

    @Override
    public String toString() {
        return "DeliveredMail{" + name + ", from=" + sender + ", to=" + recipients + ", subject="
            + firstHeader("Subject").orElse("") + ", attributes=" + attributes.keySet() + "}";
    }

    private static Object plain(Object value) {
        if (value instanceof AttributeValue) {
            return plain(((AttributeValue<?>) value).value());
        }
        if (value instanceof Map) {
            Map<String, Object> map = new LinkedHashMap<>();
            ((Map<?, ?>) value).forEach((key, entry) -> map.put(String.valueOf(key), plain(entry)));
            return Collections.unmodifiableMap(map);
        }
        if (value instanceof java.util.Collection) {
            return ((java.util.Collection<?>) value).stream().map(DeliveredMail::plain)
                .collect(Collectors.toUnmodifiableList());
        }
        if (value instanceof Optional) {
            return ((Optional<?>) value).map(DeliveredMail::plain);
        }
        return value;
    }

    static String unfold(String value) {
        return value == null ? "" : value.replaceAll("\r?\n(?=[ \t])", "");
    }

    /** One header field: name as written, value unfolded. */
    public static final class Header {
        private final String name;
        private final String value;

        public Header(String name, String value) {
            this.name = name;
            this.value = value;
        }

        public String name() {
            return name;
        }

        public String value() {
            return value;
        }

        public boolean hasName(String other) {
            return name.toLowerCase(Locale.ROOT).equals(other.toLowerCase(Locale.ROOT));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header && ((Header) o).name.equals(name) && ((Header) o).value.equals(value);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + value.hashCode();
        }

        @Override
        public String toString() {
            return name + ": " + value;
        }
    }
}
