package dev.tlsprovenance.dsn;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a DSN says about one recipient we gave up on (RFC 3464 section 2.3): the address, the enhanced status code
 * alone ({@code 5.7.10}, never text), the MTA that answered or was tried ({@code Remote-MTA: dns; <host>}, a host
 * name without port), the diagnostic code, and a sentence for the human-readable part.
 */
public final class RecipientStatus {
    private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

    private final String recipient;
    private final String status;
    private final Optional<String> remoteMta;
    private final DiagnosticCode diagnostic;
    private final String explanation;

    public RecipientStatus(String recipient, String status, Optional<String> remoteMta, DiagnosticCode diagnostic,
                           String explanation) {
        this.recipient = DiagnosticCode.oneLine(Objects.requireNonNull(recipient));
        if (!STATUS.matcher(status).matches()) {
            throw new IllegalArgumentException("not an enhanced status code (RFC 3463): '" + status + "'");
        }
        this.status = status;
        this.remoteMta = remoteMta.map(DiagnosticCode::oneLine).filter(host -> !host.isEmpty());
        this.diagnostic = Objects.requireNonNull(diagnostic);
        this.explanation = DiagnosticCode.oneLine(Objects.requireNonNull(explanation));
    }

    /** Whether {@code text} is an enhanced status code such as {@code 5.4.6}. */
    public static boolean isStatusCode(String text) {
        return text != null && STATUS.matcher(text).matches();
    }

    public String recipient() {
        return recipient;
    }

    public String status() {
        return status;
    }

    public Optional<String> remoteMta() {
        return remoteMta;
    }

    public DiagnosticCode diagnostic() {
        return diagnostic;
    }

    public String explanation() {
        return explanation;
    }

    @Override
    public String toString() {
        return recipient + " " + status + " " + diagnostic;
    }
}
