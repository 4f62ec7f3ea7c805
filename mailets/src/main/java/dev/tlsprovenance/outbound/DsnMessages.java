package dev.tlsprovenance.outbound;

import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/** Assembles the RFC 3464 multipart/report for a {@link DeliveryStatusReport}, with the original headers attached. */
final class DsnMessages {
    private DsnMessages() {
    }

    static MimeMessage build(DeliveryStatusReport report, Mail original, MailAddress postmaster) throws MessagingException {
        MimeMessage dsn = new MimeMessage(Session.getInstance(new Properties()));
        dsn.setFrom(new InternetAddress(postmaster.asString(), false));
        dsn.setRecipients(MimeMessage.RecipientType.TO, original.getMaybeSender().asString());
        dsn.setSubject("Undelivered Mail Returned to Sender");
        dsn.setHeader("Auto-Submitted", "auto-replied");

        MimeMultipart multipart = new MimeMultipart("report; report-type=delivery-status");
        MimeBodyPart human = new MimeBodyPart();
        human.setText(report.humanText(), "UTF-8");
        multipart.addBodyPart(human);
        multipart.addBodyPart(rawPart("message/delivery-status", report.deliveryStatus()));
        multipart.addBodyPart(rawPart("text/rfc822-headers", headersOf(original.getMessage())));
        dsn.setContent(multipart);
        dsn.saveChanges();
        return dsn;
    }

    /** javax.mail has no handler for these types, so the part is built from its raw bytes. */
    private static MimeBodyPart rawPart(String contentType, String content) throws MessagingException {
        InternetHeaders headers = new InternetHeaders();
        headers.setHeader("Content-Type", contentType);
        headers.setHeader("Content-Transfer-Encoding", "7bit");
        return new MimeBodyPart(headers, content.getBytes(StandardCharsets.UTF_8));
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
