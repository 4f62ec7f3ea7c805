package dev.tlsprovenance.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import java.util.zip.GZIPOutputStream;

import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

/**
 * A report as RFC 8460 §5 delivers it: the JSON gzipped ({@value #MEDIA_TYPE}, §6.4), and for {@code mailto:} the
 * mail of §5.3:
 * <pre>
 * From: tlsrpt-noreply@mx.example.org
 * To: tlsrpt@partner.test
 * Subject: Report Domain: partner.test Submitter: mx.example.org Report-ID: &lt;20261201.partner.test@mx.example.org&gt;
 * TLS-Report-Domain: partner.test
 * TLS-Report-Submitter: mx.example.org
 * Content-Type: multipart/report; report-type="tlsrpt"; boundary=...
 *
 *   text/plain: what this is, for a person
 *   application/tlsrpt+gzip; Content-Disposition: attachment;
 *     filename="mx.example.org!partner.test!1796083200!1796169599!3f2a9c0d11e4b7a8.json.gz"
 * </pre>
 * The file name follows §5.3: {@code sender "!" policy-domain "!" begin-timestamp "!" end-timestamp "!" unique-id
 * "." extension}, the timestamps in seconds since the epoch (the report's {@code date-range}).
 */
public final class ReportMessage {
    public static final String MEDIA_TYPE = "application/tlsrpt+gzip";
    public static final String REPORT_TYPE = "tlsrpt";
    public static final String DOMAIN_HEADER = "TLS-Report-Domain";
    public static final String SUBMITTER_HEADER = "TLS-Report-Submitter";

    private ReportMessage() {
    }

    public static byte[] gzip(TlsReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(report.toJsonBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static String fileName(TlsReport report) {
        return report.settings().submitter() + "!" + report.policyDomain() + "!" + report.start().getEpochSecond() + "!"
            + report.end().getEpochSecond() + "!" + report.uniqueId() + ".json.gz";
    }

    public static String subject(TlsReport report) {
        return "Report Domain: " + report.policyDomain() + " Submitter: " + report.settings().submitter()
            + " Report-ID: <" + report.reportId() + ">";
    }

    public static MimeMessage mail(TlsReport report, InternetAddress from, InternetAddress to, Instant now) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(from);
        message.setRecipient(MimeMessage.RecipientType.TO, to);
        message.setSentDate(Date.from(now));
        message.setSubject(subject(report), "UTF-8");
        message.setHeader(DOMAIN_HEADER, report.policyDomain());
        message.setHeader(SUBMITTER_HEADER, report.settings().submitter());

        MimeBodyPart text = new MimeBodyPart();
        text.setText(humanReadable(report), "UTF-8");
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new ByteArrayDataSource(gzip(report), MEDIA_TYPE)));
        file.setFileName(fileName(report));
        file.setDisposition(MimeBodyPart.ATTACHMENT);
        file.setHeader("Content-Transfer-Encoding", "base64");

        MimeMultipart multipart = new MimeMultipart("report; report-type=\"" + REPORT_TYPE + "\"");
        multipart.addBodyPart(text);
        multipart.addBodyPart(file);
        message.setContent(multipart);
        message.saveChanges();
        return message;
    }

    private static String humanReadable(TlsReport report) {
        return "This is an aggregate TLS report (RFC 8460) from " + report.settings().submitter() + " for "
            + report.policyDomain() + ", " + report.start() + " to " + report.end() + ": "
            + report.successfulSessions() + " successful and " + report.failedSessions() + " failed TLS session(s).\r\n"
            + "The report is the attached " + MEDIA_TYPE + " file.\r\n";
    }
}
