package dev.tlsprovenance.outbound;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The text parts of an RFC 3464 delivery status notification for recipients we gave up on: a human explanation
 * and the {@code message/delivery-status} body, one per-recipient block each with the enhanced status and a
 * diagnostic that names the TLS reason. The MIME assembly is left to the James adapter.
 */
public final class DeliveryStatusReport {
    private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private final String reportingMta;
    private final Instant arrival;
    private final Instant lastAttempt;
    private final List<FailedRecipient> recipients;

    public DeliveryStatusReport(String reportingMta, Instant arrival, Instant lastAttempt, List<FailedRecipient> recipients) {
        this.reportingMta = reportingMta;
        this.arrival = arrival;
        this.lastAttempt = lastAttempt;
        this.recipients = List.copyOf(recipients);
    }

    public String humanText() {
        StringBuilder text = new StringBuilder();
        text.append("This is the mail server at ").append(reportingMta).append(".\r\n\r\n")
            .append("Your message could not be delivered to the following recipients. The TLS policy for their\r\n")
            .append("domain did not allow it, or the receiving server refused it. This is a permanent error.\r\n\r\n");
        for (FailedRecipient recipient : recipients) {
            text.append("<").append(recipient.address).append(">: ").append(recipient.failure.diagnostic())
                .append(" (").append(recipient.failure.enhancedStatus()).append(")\r\n");
            recipient.remoteMta.ifPresentOrElse(mta -> text.append("    next hop: ").append(mta).append("\r\n"), () -> { });
        }
        return text.toString();
    }

    /** The body of the message/delivery-status part (RFC 3464 section 2). */
    public String deliveryStatus() {
        StringBuilder status = new StringBuilder();
        status.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n")
            .append("Arrival-Date: ").append(date(arrival)).append("\r\n");
        for (FailedRecipient recipient : recipients) {
            status.append("\r\n")
                .append("Final-Recipient: rfc822; ").append(recipient.address).append("\r\n")
                .append("Action: failed\r\n")
                .append("Status: ").append(recipient.failure.enhancedStatus()).append("\r\n");
            recipient.remoteMta.ifPresentOrElse(mta -> status.append("Remote-MTA: dns; ").append(mta).append("\r\n"), () -> { });
            status.append("Diagnostic-Code: smtp; ").append(diagnosticCode(recipient.failure)).append("\r\n")
                .append("Last-Attempt-Date: ").append(date(lastAttempt)).append("\r\n");
        }
        return status.toString();
    }

    private static String diagnosticCode(DeliveryFailure failure) {
        if (failure.remoteCode() > 0) {
            return failure.diagnostic().replaceFirst("^remote server answered [^:]*(:<[^>]*>)?: ", "");
        }
        int code = failure.enhancedStatus().startsWith("5") ? 550 : 450;
        return code + " " + failure.enhancedStatus() + " " + failure.diagnostic();
    }

    private static String date(Instant instant) {
        return RFC_5322.format(instant.atOffset(ZoneOffset.UTC));
    }

    /** One recipient we gave up on: its address, the final failure and the next hop last tried, if any. */
    public static final class FailedRecipient {
        private final String address;
        private final DeliveryFailure failure;
        private final java.util.Optional<String> remoteMta;

        public FailedRecipient(String address, DeliveryFailure failure, java.util.Optional<String> remoteMta) {
            this.address = address;
            this.failure = failure;
            this.remoteMta = remoteMta;
        }

        public String address() {
            return address;
        }

        public DeliveryFailure failure() {
            return failure;
        }
    }
}
