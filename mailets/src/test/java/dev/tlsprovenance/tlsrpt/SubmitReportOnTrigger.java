package dev.tlsprovenance.tlsrpt;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Test mailet: a mail that reaches it is replaced by a TLS-RPT report mail to its recipients, submitted as the
 * sender does it ({@link TlsRptMail#submitter}: the mailet context, marked as a report). What the James adapter does
 * at 00:15 UTC, on demand.
 */
public class SubmitReportOnTrigger extends GenericMailet {
    static final String FROM = "noreply-tlsrpt@james.test";

    @Override
    public void service(Mail mail) throws MessagingException {
        TlsReport.Builder builder = new TlsReport.Builder(LocalDate.parse("2026-12-01"),
            new TlsReport.Settings("Example Org", "postmaster@james.test", "james.test", Optional.empty()));
        GeneratedAttempts attempts = new GeneratedAttempts(11, List.of("reports.test"));
        for (int i = 0; i < 50; i++) {
            var line = attempts.line(Instant.parse("2026-12-01T10:00:00Z").plusSeconds(i));
            try {
                ReportedSession.of(dev.tlsprovenance.ledger.OutboundLedgerLine.parse(line), line).ifPresent(builder::add);
            } catch (dev.tlsprovenance.provenance.MalformedProvenanceException e) {
                throw new MessagingException("bad generated line", e);
            }
        }
        TlsReport report = builder.build().get("reports.test");
        TlsRptSender.MailSubmitter submitter = TlsRptMail.submitter(getMailetContext(), Clock.systemUTC());
        for (org.apache.james.core.MailAddress recipient : mail.getRecipients()) {
            try {
                submitter.submit(report, FROM, recipient.asString());
            } catch (Exception e) {
                throw new MessagingException("cannot submit the report", e);
            }
        }
        mail.setState(Mail.GHOST);
    }
}
