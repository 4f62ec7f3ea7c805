package dev.tlsprovenance.outbound;

import dev.tlsprovenance.dsn.DeliveryStatusNotification;
import dev.tlsprovenance.dsn.DiagnosticCode;
import dev.tlsprovenance.dsn.RecipientStatus;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The RFC 3464 report for recipients {@link TlsPolicyRemoteDelivery} gave up on, in the terms of the outbound
 * path ({@link DeliveryFailure}, the next hop last tried); the format itself is {@link DeliveryStatusNotification}.
 * The status is the enhanced code alone; the diagnostic is the peer's reply ({@code smtp;}) when the peer refused,
 * else our own reason ({@code x-tls-provenance;}) naming the TLS problem; {@code Remote-MTA} is the host tried.
 */
public final class DeliveryStatusReport {
    private final DeliveryStatusNotification notification;

    public DeliveryStatusReport(String reportingMta, Instant arrival, Instant lastAttempt, List<FailedRecipient> recipients) {
        this.notification = new DeliveryStatusNotification(reportingMta, Optional.empty(), Optional.of(arrival), lastAttempt,
            recipients.stream().map(FailedRecipient::status).collect(Collectors.toList()));
    }

    public String humanText() {
        return notification.humanText();
    }

    /** The body of the message/delivery-status part (RFC 3464 section 2). */
    public String deliveryStatus() {
        return notification.deliveryStatus();
    }

    DeliveryStatusNotification notification() {
        return notification;
    }

    /** One recipient we gave up on: its address, the final failure and the next hop last tried, if any. */
    public static final class FailedRecipient {
        private final String address;
        private final DeliveryFailure failure;
        private final Optional<String> remoteMta;

        public FailedRecipient(String address, DeliveryFailure failure, Optional<String> remoteMta) {
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

        /** The DSN block: the peer's reply when it gave one, else our reason; the host of the last hop, without port. */
        public RecipientStatus status() {
            DiagnosticCode diagnostic = failure.remoteCode() > 0
                ? DiagnosticCode.smtp(failure.diagnostic().replaceFirst("^remote server answered [^:]*(:<[^>]*>)?: ", ""))
                : DiagnosticCode.own(failure.diagnostic());
            return new RecipientStatus(address, failure.enhancedStatus(), remoteMta.map(FailedRecipient::hostOf), diagnostic,
                failure.diagnostic());
        }

        /** "mx.example.test:25" and "[::1]:25" to the host: RFC 3464's Remote-MTA of type dns is a name. */
        private static String hostOf(String hop) {
            String host = hop.replaceFirst(":\\d+$", "");
            return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        }
    }
}
