package dev.tlsprovenance.dsn;

import java.util.Locale;
import java.util.Objects;

/**
 * The {@code Diagnostic-Code} of one recipient (RFC 3464 section 2.3.6): {@code smtp; <the reply>} when a server
 * replied, else {@code x-tls-provenance; <reason>}, the type this server uses for decisions of its own (a TLS policy
 * refusal, a routing loop, no next hop reachable), as Postfix writes {@code X-Postfix; ...} for its own.
 */
public final class DiagnosticCode {
    /** Our diagnostic type: no server replied, the reason is this server's (documented in docs/dsn-and-loops.md). */
    public static final String OWN_TYPE = "x-tls-provenance";
    public static final String SMTP_TYPE = "smtp";

    private final String type;
    private final String text;

    private DiagnosticCode(String type, String text) {
        this.type = type.toLowerCase(Locale.ROOT);
        this.text = oneLine(Objects.requireNonNull(text));
    }

    /** A server's reply, e.g. {@code 550 5.1.1 No such user}. */
    public static DiagnosticCode smtp(String reply) {
        return new DiagnosticCode(SMTP_TYPE, reply);
    }

    /** A reason of this server's own, e.g. {@code server did not offer STARTTLS}. */
    public static DiagnosticCode own(String reason) {
        return new DiagnosticCode(OWN_TYPE, reason);
    }

    public static DiagnosticCode of(String type, String text) {
        return new DiagnosticCode(type, text);
    }

    public String type() {
        return type;
    }

    public String text() {
        return text;
    }

    public boolean isSmtpReply() {
        return type.equals(SMTP_TYPE);
    }

    /** The field value: {@code smtp; 550 5.1.1 No such user}. */
    @Override
    public String toString() {
        return type + "; " + text;
    }

    /** A header field value stays on its line: line breaks (a multi-line reply) become spaces, controls go. */
    static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n' || c == '\t') {
                if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
                    out.append(' ');
                }
            } else if (c >= 0x20 && c != 0x7f) {
                out.append(c);
            }
        }
        return out.toString().trim();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DiagnosticCode && ((DiagnosticCode) other).type.equals(type) && ((DiagnosticCode) other).text.equals(text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, text);
    }
}
