package dev.tlsprovenance.dsn;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Enumeration;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

/**
 * The MIME form of a {@link DeliveryStatusNotification} (RFC 3464 / RFC 6522): {@code multipart/report;
 * report-type=delivery-status} with a {@code text/plain} explanation, the {@code message/delivery-status} part and
 * the original's header section as {@code text/rfc822-headers}. The DSN's own header carries only what a new
 * message from the postmaster needs: nothing of the original's header section, so no provenance stamp or
 * {@code Received:} line of a hop the DSN never made. No James types.
 */
public final class DsnMessage {
    public static final String SUBJECT = "Undelivered Mail Returned to Sender";

    private DsnMessage() {
    }

    public static MimeMessage build(DeliveryStatusNotification report, MimeMessage original, InternetAddress from,
                                    InternetAddress to) throws MessagingException {
        MimeMessage dsn = new MimeMessage(Session.getInstance(new Properties()));
        dsn.setFrom(from);
        dsn.setRecipient(MimeMessage.RecipientType.TO, to);
        dsn.setSubject(SUBJECT, "UTF-8");
        dsn.setSentDate(new Date());
        // RFC 3834: an automatic reply; RFC 3464 section 3: a DSN is never answered with a DSN (the envelope sender is <>).
        dsn.setHeader("Auto-Submitted", "auto-replied");

        MimeMultipart multipart = new MimeMultipart("report; report-type=delivery-status");
        MimeBodyPart human = new MimeBodyPart();
        human.setText(report.humanText(), "UTF-8");
        multipart.addBodyPart(human);
        multipart.addBodyPart(rawPart("message/delivery-status", report.deliveryStatus()));
        multipart.addBodyPart(rawPart("text/rfc822-headers", headersOf(original)));
        dsn.setContent(multipart);
        dsn.saveChanges();
        return dsn;
    }

    /** javax.mail has no handler for these types, so the part is built from its raw bytes. */
    private static MimeBodyPart rawPart(String contentType, String content) throws MessagingException {
        InternetHeaders headers = new InternetHeaders();
        headers.setHeader("Content-Type", contentType);
        headers.setHeader("Content-Transfer-Encoding", is7bit(content) ? "7bit" : "8bit");
        return new MimeBodyPart(headers, content.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean is7bit(String content) {
        return content.chars().allMatch(c -> c < 0x80);
    }

    private static String headersOf(MimeMessage message) throws MessagingException {
        StringBuilder headers = new StringBuilder();
        Enumeration<?> lines = message.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            headers.append(lines.nextElement()).append("\r\n");
        }
        return headers.toString();
    }
}
