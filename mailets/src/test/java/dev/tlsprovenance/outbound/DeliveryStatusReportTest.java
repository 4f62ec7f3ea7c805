package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class DeliveryStatusReportTest {
    @Test
    void perRecipientBlocksCarryStatusRemoteMtaAndADiagnosticNamingTheTlsReason() {
        DeliveryStatusReport report = new DeliveryStatusReport("mail.example.test",
            Instant.parse("2026-11-29T10:00:00Z"), Instant.parse("2026-11-29T10:30:00Z"), List.of(
                new DeliveryStatusReport.FailedRecipient("bob@contoso1.microsoftonline.com",
                    DeliveryFailure.cryptographicFailure("name mismatch: got mx.evil.test, expected *.mail.protection.outlook.com").finalised(),
                    Optional.of("smarthost.contoso.test:25")),
                new DeliveryStatusReport.FailedRecipient("nobody@partner.test",
                    DeliveryFailure.remote(new SmtpReply(550, List.of("5.1.1 No such user")), "to RCPT TO:<nobody@partner.test>"),
                    Optional.empty())));

        assertThat(report.deliveryStatus()).isEqualTo(
            "Reporting-MTA: dns; mail.example.test\r\n"
                + "Arrival-Date: Sun, 29 Nov 2026 10:00:00 +0000\r\n"
                + "\r\n"
                + "Final-Recipient: rfc822; bob@contoso1.microsoftonline.com\r\n"
                + "Action: failed\r\n"
                + "Status: 5.7.5\r\n"
                + "Remote-MTA: dns; smarthost.contoso.test\r\n"
                + "Diagnostic-Code: x-tls-provenance; name mismatch: got mx.evil.test, expected *.mail.protection.outlook.com\r\n"
                + "Last-Attempt-Date: Sun, 29 Nov 2026 10:30:00 +0000\r\n"
                + "\r\n"
                + "Final-Recipient: rfc822; nobody@partner.test\r\n"
                + "Action: failed\r\n"
                + "Status: 5.1.1\r\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 No such user\r\n"
                + "Last-Attempt-Date: Sun, 29 Nov 2026 10:30:00 +0000\r\n");
        assertThat(report.humanText()).contains(
            "<bob@contoso1.microsoftonline.com>: name mismatch: got mx.evil.test, expected *.mail.protection.outlook.com (5.7.5)");
    }
}
