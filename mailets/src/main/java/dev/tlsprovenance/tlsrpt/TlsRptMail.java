package dev.tlsprovenance.tlsrpt;

import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;

import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;

/**
 * Report mail through our own outbound, and its exemption from our TLS requirements. RFC 8460 §5.3: "when sending
 * failure reports via SMTP, sending MTAs MUST deliver reports despite any TLS-related failures"; the domain whose
 * TLS is broken is the one that needs the report. So a mail carrying {@link #REPORT} is delivered at {@code may}
 * (STARTTLS when offered, cleartext otherwise; the certificate checked against the row's trust, names and pins and
 * the result recorded, but not enforced) whatever its row says: only the level changes, the row's routes, client
 * certificate and the rest stay. {@code TlsPolicyRemoteDelivery} asks {@link #policyFor} in one place;
 * {@code EnforceInboundTlsPolicy} lets a report pass ({@link #isReport}): it is made here, never received, so it has
 * no inbound hop to meet a namespace's inbound rule with (a report to a namespace with {@code inbound=require} would
 * otherwise bounce). Only this class puts the attribute on a mail: mail attributes are never set from SMTP, and the
 * value must be {@code true}.
 */
public final class TlsRptMail {
    public static final AttributeName REPORT = AttributeName.of("dev.tlsprovenance.tlsrpt.report");

    private TlsRptMail() {
    }

    public static boolean isReport(Mail mail) {
        return mail.getAttribute(REPORT).map(a -> Boolean.TRUE.equals(a.getValue().value())).orElse(false);
    }

    /** The row to deliver {@code mail} under: the row itself, or for a report mail the row at {@code may}. */
    public static NamespacePolicy policyFor(Mail mail, NamespacePolicy row) {
        if (!isReport(mail) || row.outbound().level() == OutboundLevel.MAY || row.outbound().level() == OutboundLevel.NONE) {
            return row;
        }
        OutboundPolicy outbound = row.outbound();
        OutboundPolicy.Builder relaxed = OutboundPolicy.builder().level(OutboundLevel.MAY).routes(outbound.routes())
            .minProtocol(outbound.minProtocol()).matchNames(outbound.matchNames()).pinsSha256(outbound.pinsSha256());
        outbound.trustAnchors().ifPresent(relaxed::trustAnchors);
        outbound.revocationLists().ifPresent(relaxed::revocationLists);
        outbound.clientIdentity().ifPresent(relaxed::clientIdentity);
        return NamespacePolicy.builder(row.namespace(), row.source()).inbound(row.inbound())
            .clientCertificate(row.clientCertificate()).requireTlsFromSenders(row.requireTlsFromSenders())
            .cleartextReply(row.cleartextReply()).outbound(relaxed.build()).build();
    }

    /** Submits report mails through the mailet container (root processor, then our outbound), marked {@link #REPORT}. */
    public static TlsRptSender.MailSubmitter submitter(MailetContext context, java.time.Clock clock) {
        return (report, from, to) -> {
            MimeMessage message = ReportMessage.mail(report, new InternetAddress(from, false), new InternetAddress(to, false),
                clock.instant());
            Mail mail = MailImpl.builder()
                .name(MailImpl.getId())
                .sender(new MailAddress(from))
                .addRecipient(new MailAddress(to))
                .mimeMessage(message)
                .addAttribute(new Attribute(REPORT, AttributeValue.of(true)))
                .build();
            try {
                context.sendMail(mail);
            } finally {
                LifecycleUtil.dispose(mail);
            }
        };
    }
}
