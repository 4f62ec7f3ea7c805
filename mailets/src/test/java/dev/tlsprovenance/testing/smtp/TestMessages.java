package dev.tlsprovenance.testing.smtp;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/** Minimal RFC 5322 messages with a unique Message-ID. */
public final class TestMessages {
    private TestMessages() {
    }

    public static String simple(String from, String to, String subject) {
        return simple(from, to, subject, "Test message body.\r\n");
    }

    public static String simple(String from, String to, String subject, String body) {
        return "From: <" + from + ">\r\n"
            + "To: <" + to + ">\r\n"
            + "Subject: " + subject + "\r\n"
            + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now()) + "\r\n"
            + "Message-ID: " + messageId() + "\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n"
            + "\r\n"
            + body;
    }

    public static String messageId() {
        return "<" + UUID.randomUUID() + "@tls-provenance.test>";
    }
}
