package dev.tlsprovenance.posture;

import dev.tlsprovenance.ledger.OutboundLedgerLine;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.provenance.VerificationStatus;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The bounded vocabularies of {@code GET /tls/posture}: why an outbound attempt failed ({@code failures}) and why
 * an inbound mail was refused ({@code reasons}). Ledger lines carry free text (host names, addresses, the peer's
 * reply); the reply must not: each text maps to one word of a fixed list, and to {@value #OTHER} when no word fits.
 * Outbound words follow RFC 8460 (TLS-RPT) result types where one fits. The mapping is documented in
 * {@code docs/posture.md}; it reads the texts this extension writes ({@code DeliveryFailure},
 * {@code ServerCertificateCheck}, {@code RecordedInboundCheck}), so a change of wording there shows in the tests.
 */
public final class ReasonWords {
    public static final String OTHER = "other";

    public static final List<String> FAILURES = List.of("starttls-not-supported", "certificate-host-mismatch",
        "certificate-expired", "certificate-not-trusted", "validation-failure", "connection-failed", "dns-failure",
        "starttls-refused", "peer-temporary", "peer-permanent", "ledger-unwritable", "routing-loop", OTHER);
    /** Failures that mean "the TLS the row requires was not there": nothing was sent because of TLS. */
    static final Set<String> TLS_FAILURES = Set.of("starttls-not-supported", "certificate-host-mismatch",
        "certificate-expired", "certificate-not-trusted", "validation-failure", "starttls-refused");

    public static final List<String> REASONS = List.of("cleartext-refused", "no-record", "record-not-believed",
        "client-certificate-missing", "client-certificate-not-verified", "client-certificate-name-mismatch",
        "client-certificate-pin-mismatch", OTHER);

    private ReasonWords() {
    }

    /** The failure word of an attempt, empty when every recipient of it was delivered. */
    public static Optional<String> failureOf(OutboundLedgerLine line) {
        Transport transport = line.record().transport();
        String status = line.recipients().stream().map(OutboundLedgerLine.Recipient::status)
            .filter(s -> !s.isEmpty()).findFirst().orElse("");
        if (transport == Transport.NONE) {
            String text = line.nothingSentBecause().orElse("").toLowerCase(Locale.ROOT);
            boolean certificateFailed = line.record().peerVerification().status() == VerificationStatus.FAILED;
            return Optional.of(nothingSent(text, status, certificateFailed));
        }
        for (OutboundLedgerLine.Recipient recipient : line.recipients()) {
            if (recipient.result() == OutboundLedgerLine.Result.DELIVERED) {
                continue;
            }
            if (recipient.code() >= 500) {
                return Optional.of("peer-permanent");
            }
            if (recipient.code() >= 400) {
                return Optional.of("peer-temporary");
            }
            String reason = recipient.reason().toLowerCase(Locale.ROOT);
            if (recipient.status().equals("5.4.6") || reason.contains("loop")) {
                return Optional.of("routing-loop");
            }
            if (reason.contains("connection") || reason.contains("cannot connect")) {
                return Optional.of("connection-failed");
            }
            return Optional.of(OTHER);
        }
        return Optional.empty();
    }

    /**
     * Our own diagnostic of an attempt that sent nothing. A failed certificate check is read first: its text quotes the
     * peer's certificate (names, subject), which must not be taken for one of our other phrases.
     */
    static String nothingSent(String text, String status, boolean certificateFailed) {
        if (status.equals("5.4.6") || text.contains("routing loop") || text.contains("loops back")) {
            return "routing-loop";
        }
        if (status.equals("4.3.0") || text.contains("ledger")) {
            return "ledger-unwritable";
        }
        if (certificateFailed) {
            return certificateFailure(text);
        }
        if (text.contains("did not offer starttls")) {
            return "starttls-not-supported";
        }
        if (text.contains("starttls refused")) {
            return "starttls-refused";
        }
        if (text.contains("dns failure") || text.contains("looking up") || text.contains("no next hop")) {
            return "dns-failure";
        }
        if (text.contains("cannot connect") || text.contains("connection to") || text.contains("timed out")) {
            return "connection-failed";
        }
        if (status.endsWith(".7.5") || text.contains("certificate")) {
            return certificateFailure(text);
        }
        if (text.contains("tls") || status.endsWith(".7.10") || status.equals("5.7.30")) {
            return "validation-failure";
        }
        return OTHER;
    }

    private static String certificateFailure(String text) {
        if (text.startsWith("name mismatch") || text.contains("does not match")) {
            return "certificate-host-mismatch";
        }
        if (text.contains("expired") || text.contains("not yet valid")) {
            return "certificate-expired";
        }
        if (text.contains("not trusted") || text.contains("trust anchor") || text.contains("pkix") || text.contains("chain not usable")) {
            return "certificate-not-trusted";
        }
        return "validation-failure";
    }

    /** The reason word of one refused inbound recipient (from {@code RecordedInboundCheck}'s sentence). */
    public static String refusalOf(String reason) {
        String text = reason.toLowerCase(Locale.ROOT);
        if (text.contains("received in cleartext")) {
            return "cleartext-refused";
        }
        if (text.contains("carries no inbound tls record")) {
            return "no-record";
        }
        if (text.contains("not believed")) {
            return "record-not-believed";
        }
        if (text.contains("presented none")) {
            return "client-certificate-missing";
        }
        if (text.contains("was not verified")) {
            return "client-certificate-not-verified";
        }
        if (text.contains("match none of the expected")) {
            return "client-certificate-name-mismatch";
        }
        if (text.contains("none of the pins")) {
            return "client-certificate-pin-mismatch";
        }
        return OTHER;
    }
}
