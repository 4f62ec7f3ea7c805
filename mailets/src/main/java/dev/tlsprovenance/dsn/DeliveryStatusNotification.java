package dev.tlsprovenance.dsn;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The text of an RFC 3464 delivery status notification for recipients this server gave up on: the human-readable
 * first part and the {@code message/delivery-status} body. Pure Java; {@link DsnMessage} puts them into MIME.
 * <pre>
 * Reporting-MTA: dns; mx.example.org
 * Arrival-Date: Sun, 29 Nov 2026 10:00:00 +0000
 *
 * Final-Recipient: rfc822; bob@partner.test
 * Action: failed
 * Status: 5.1.1
 * Remote-MTA: dns; mx.partner.test
 * Diagnostic-Code: smtp; 550 5.1.1 No such user
 * Last-Attempt-Date: Sun, 29 Nov 2026 10:30:00 +0000
 * </pre>
 */
public final class DeliveryStatusNotification {
    private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private final String reportingMta;
    private final Optional<String> envelopeId;
    private final Optional<Instant> arrival;
    private final Instant lastAttempt;
    private final List<RecipientStatus> recipients;

    public DeliveryStatusNotification(String reportingMta, Optional<String> envelopeId, Optional<Instant> arrival,
                                      Instant lastAttempt, List<RecipientStatus> recipients) {
        this.reportingMta = DiagnosticCode.oneLine(Objects.requireNonNull(reportingMta));
        this.envelopeId = envelopeId.map(DiagnosticCode::oneLine).filter(id -> !id.isEmpty());
        this.arrival = Objects.requireNonNull(arrival);
        this.lastAttempt = Objects.requireNonNull(lastAttempt);
        this.recipients = List.copyOf(recipients);
        if (this.recipients.isEmpty()) {
            throw new IllegalArgumentException("a DSN reports on at least one recipient");
        }
    }

    public String reportingMta() {
        return reportingMta;
    }

    public List<RecipientStatus> recipients() {
        return recipients;
    }

    /** The first part, for people: which recipients failed, why, and where the message went last. */
    public String humanText() {
        StringBuilder text = new StringBuilder();
        text.append("This is the mail server at ").append(reportingMta).append(".\r\n\r\n")
            .append("Your message could not be delivered to the following recipients. This is a permanent error;\r\n")
            .append("the server has given up. The reason is given for each recipient; the headers of your message\r\n")
            .append("are attached.\r\n\r\n");
        for (RecipientStatus recipient : recipients) {
            text.append("<").append(recipient.recipient()).append(">: ").append(recipient.explanation())
                .append(" (").append(recipient.status()).append(")\r\n");
            recipient.remoteMta().ifPresent(mta -> text.append("    remote server: ").append(mta).append("\r\n"));
        }
        return text.toString();
    }

    /** The body of the message/delivery-status part (RFC 3464 section 2): per-message fields, then one block per recipient. */
    public String deliveryStatus() {
        StringBuilder status = new StringBuilder();
        status.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        envelopeId.ifPresent(id -> status.append("Original-Envelope-Id: ").append(id).append("\r\n"));
        arrival.ifPresent(date -> status.append("Arrival-Date: ").append(date(date)).append("\r\n"));
        for (RecipientStatus recipient : recipients) {
            status.append("\r\n")
                .append("Final-Recipient: rfc822; ").append(recipient.recipient()).append("\r\n")
                .append("Action: failed\r\n")
                .append("Status: ").append(recipient.status()).append("\r\n");
            recipient.remoteMta().ifPresent(mta -> status.append("Remote-MTA: dns; ").append(mta).append("\r\n"));
            status.append("Diagnostic-Code: ").append(recipient.diagnostic()).append("\r\n")
                .append("Last-Attempt-Date: ").append(date(lastAttempt)).append("\r\n");
        }
        return status.toString();
    }

    private static String date(Instant instant) {
        return RFC_5322.format(instant.atOffset(ZoneOffset.UTC));
    }
}
