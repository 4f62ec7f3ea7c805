package dev.tlsprovenance.outbound;

import dev.tlsprovenance.dsn.DsnMessage;

import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/** Our DSN for a {@link DeliveryStatusReport}, in the MIME form of {@link DsnMessage}. */
final class DsnMessages {
    private DsnMessages() {
    }

    static MimeMessage build(DeliveryStatusReport report, Mail original, MailAddress postmaster) throws MessagingException {
        return DsnMessage.build(report.notification(), original.getMessage(), new InternetAddress(postmaster.asString(), false),
            new InternetAddress(original.getMaybeSender().asString(), false));
    }
}
