package dev.tlsprovenance.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import javax.mail.BodyPart;
import javax.mail.Header;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.junit.jupiter.api.Test;

/** The DSN format alone: every field of the delivery-status part, every part, and the DSN's own header section. */
class DsnFormatTest {
    private static final Instant ARRIVAL = Instant.parse("2026-11-29T10:00:00Z");
    private static final Instant LAST_ATTEMPT = Instant.parse("2026-11-29T10:30:00Z");

    private static DeliveryStatusNotification report() {
        return new DeliveryStatusNotification("mx.example.org", Optional.of("env-42"), Optional.of(ARRIVAL), LAST_ATTEMPT, List.of(
            new RecipientStatus("nobody@partner.test", "5.1.1", Optional.of("mx.partner.test"),
                DiagnosticCode.smtp("550 5.1.1 No such user"), "remote server answered RCPT TO:<nobody@partner.test>: 550 5.1.1 No such user"),
            new RecipientStatus("bob@contoso1.microsoftonline.com", "5.7.10", Optional.of("smarthost.contoso.test"),
                DiagnosticCode.own("server did not offer STARTTLS"), "server did not offer STARTTLS"),
            new RecipientStatus("carol@loop.test", "5.4.6", Optional.empty(),
                DiagnosticCode.own("mail for loop.test loops back to myself (next hop 127.0.0.1:25 is ...)"),
                "mail for loop.test loops back to myself (next hop 127.0.0.1:25 is ...)")));
    }

    @Test
    void deliveryStatusHasExactlyTheRfc3464FieldsPerMessageAndPerRecipient() {
        assertThat(report().deliveryStatus()).isEqualTo(
            "Reporting-MTA: dns; mx.example.org\r\n"
                + "Original-Envelope-Id: env-42\r\n"
                + "Arrival-Date: Sun, 29 Nov 2026 10:00:00 +0000\r\n"
                + "\r\n"
                + "Final-Recipient: rfc822; nobody@partner.test\r\n"
                + "Action: failed\r\n"
                + "Status: 5.1.1\r\n"
                + "Remote-MTA: dns; mx.partner.test\r\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 No such user\r\n"
                + "Last-Attempt-Date: Sun, 29 Nov 2026 10:30:00 +0000\r\n"
                + "\r\n"
                + "Final-Recipient: rfc822; bob@contoso1.microsoftonline.com\r\n"
                + "Action: failed\r\n"
                + "Status: 5.7.10\r\n"
                + "Remote-MTA: dns; smarthost.contoso.test\r\n"
                + "Diagnostic-Code: x-tls-provenance; server did not offer STARTTLS\r\n"
                + "Last-Attempt-Date: Sun, 29 Nov 2026 10:30:00 +0000\r\n"
                + "\r\n"
                + "Final-Recipient: rfc822; carol@loop.test\r\n"
                + "Action: failed\r\n"
                + "Status: 5.4.6\r\n"
                + "Diagnostic-Code: x-tls-provenance; mail for loop.test loops back to myself (next hop 127.0.0.1:25 is ...)\r\n"
                + "Last-Attempt-Date: Sun, 29 Nov 2026 10:30:00 +0000\r\n");
    }

    @Test
    void withoutEnvelopeIdOrArrivalThoseOptionalFieldsAreLeftOut() {
        DeliveryStatusNotification minimal = new DeliveryStatusNotification("mx.example.org", Optional.empty(), Optional.empty(),
            LAST_ATTEMPT, List.of(new RecipientStatus("x@y.test", "5.0.0", Optional.empty(), DiagnosticCode.own("delivery failed"),
                "delivery failed")));
        assertThat(minimal.deliveryStatus()).isEqualTo("Reporting-MTA: dns; mx.example.org\r\n\r\n"
            + "Final-Recipient: rfc822; x@y.test\r\nAction: failed\r\nStatus: 5.0.0\r\n"
            + "Diagnostic-Code: x-tls-provenance; delivery failed\r\nLast-Attempt-Date: Sun, 29 Nov 2026 10:30:00 +0000\r\n");
    }

    @Test
    void statusIsOnlyAnEnhancedCodeAndFieldValuesStayOnTheirLine() {
        for (String bad : List.of("550 5.7.10 Encryption needed", "5.7", "", "Encryption needed", "5.7.10 x", "6.1.1")) {
            assertThatThrownBy(() -> new RecipientStatus("x@y.test", bad, Optional.empty(), DiagnosticCode.own("r"), "r"))
                .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        RecipientStatus multiLine = new RecipientStatus("x@y.test", "5.0.0", Optional.of("mx.y.test\r\nX-Injected: 1"),
            DiagnosticCode.smtp("550-5.0.0 first line\r\n550 5.0.0 second\r\nX-Injected: yes"), "a\r\nb");
        DeliveryStatusNotification report = new DeliveryStatusNotification("mx.example.org", Optional.empty(), Optional.empty(),
            LAST_ATTEMPT, List.of(multiLine));
        assertThat(report.deliveryStatus()).contains(
            "Remote-MTA: dns; mx.y.test X-Injected: 1\r\n",
            "Diagnostic-Code: smtp; 550-5.0.0 first line 550 5.0.0 second X-Injected: yes\r\n");
        assertThat(report.deliveryStatus().lines()).noneMatch(line -> line.startsWith("X-Injected"));
        assertThat(report.humanText().lines()).noneMatch(line -> line.startsWith("b"));
    }

    @Test
    void mimeFormIsAMultipartReportOfTextStatusAndTheOriginalHeadersOnly() throws Exception {
        MimeMessage original = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream((
            "Received: from client.test (client.test [127.0.0.1]) by mx.example.org with ESMTPS; Sun, 29 Nov 2026 10:00:00 +0000\r\n"
                + "X-TLS-Provenance: v=1; dir=inbound; transport=starttls\r\n"
                + "From: alice@example.org\r\n"
                + "To: nobody@partner.test\r\n"
                + "Subject: quarterly figures\r\n"
                + "Message-ID: <original@example.org>\r\n"
                + "\r\n"
                + "the secret body\r\n").getBytes(StandardCharsets.US_ASCII)));

        MimeMessage built = DsnMessage.build(report(), original, new InternetAddress("postmaster@example.org"),
            new InternetAddress("alice@example.org"));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        built.writeTo(wire);
        MimeMessage dsn = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(wire.toByteArray()));

        List<String> names = new ArrayList<>();
        for (Header header : Collections.list(dsn.getAllHeaders())) {
            names.add(header.getName());
        }
        assertThat(names).containsExactlyInAnyOrder("Date", "From", "To", "Message-ID", "Subject", "MIME-Version", "Content-Type",
            "Auto-Submitted");
        assertThat(dsn.getHeader("From", null)).isEqualTo("postmaster@example.org");
        assertThat(dsn.getHeader("To", null)).isEqualTo("alice@example.org");
        assertThat(dsn.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(dsn.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(dsn.getMessageID()).isNotEqualTo("<original@example.org>");
        assertThat(dsn.getContentType()).startsWith("multipart/report;").contains("report-type=delivery-status");

        MimeMultipart parts = (MimeMultipart) dsn.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        BodyPart human = parts.getBodyPart(0);
        assertThat(human.getContentType()).startsWith("text/plain").contains("UTF-8");
        assertThat((String) human.getContent()).isEqualTo(report().humanText())
            .contains("This is the mail server at mx.example.org.",
                "<nobody@partner.test>: remote server answered RCPT TO:<nobody@partner.test>: 550 5.1.1 No such user (5.1.1)\r\n"
                    + "    remote server: mx.partner.test\r\n",
                "<carol@loop.test>: mail for loop.test loops back to myself");
        assertThat(parts.getBodyPart(1).getContentType()).isEqualTo("message/delivery-status");
        assertThat(new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.UTF_8))
            .isEqualTo(report().deliveryStatus());
        assertThat(parts.getBodyPart(2).getContentType()).isEqualTo("text/rfc822-headers");
        assertThat(new String(parts.getBodyPart(2).getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(
            "Received: from client.test (client.test [127.0.0.1]) by mx.example.org with ESMTPS; Sun, 29 Nov 2026 10:00:00 +0000\r\n"
                + "X-TLS-Provenance: v=1; dir=inbound; transport=starttls\r\n"
                + "From: alice@example.org\r\n"
                + "To: nobody@partner.test\r\n"
                + "Subject: quarterly figures\r\n"
                + "Message-ID: <original@example.org>\r\n");
        assertThat(new String(wire.toByteArray(), StandardCharsets.UTF_8)).doesNotContain("the secret body");
    }
}
