package dev.tlsprovenance.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A TXT record's presentation form, as dnsjava's {@code TXTRecord.rdataToString()} (and so James's
 * {@code DNSService.findTXTRecords}) gives it: character-strings in double quotes, separated by spaces, with
 * {@code \"}, {@code \\} and {@code \DDD} escapes. Joined into one string (RFC 8460 §3 reads the concatenation).
 */
final class TxtPresentation {
    private TxtPresentation() {
    }

    /** The joined strings; empty when the text is not in that form. An unquoted text is taken as it is. */
    static Optional<String> join(String presentation) {
        String text = presentation.strip();
        if (!text.startsWith("\"")) {
            return Optional.of(text);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            if (c != '"') {
                return Optional.empty();
            }
            i++;
            boolean closed = false;
            while (i < text.length()) {
                char d = text.charAt(i);
                if (d == '"') {
                    closed = true;
                    i++;
                    break;
                }
                if (d == '\\') {
                    if (i + 3 < text.length() && Character.isDigit(text.charAt(i + 1)) && Character.isDigit(text.charAt(i + 2))
                            && Character.isDigit(text.charAt(i + 3))) {
                        int value = Integer.parseInt(text.substring(i + 1, i + 4));
                        if (value > 255) {
                            return Optional.empty();
                        }
                        out.write(value);
                        i += 4;
                        continue;
                    }
                    if (i + 1 >= text.length()) {
                        return Optional.empty();
                    }
                    out.write(text.charAt(i + 1));
                    i += 2;
                    continue;
                }
                out.write(d);
                i++;
            }
            if (!closed) {
                return Optional.empty();
            }
        }
        return Optional.of(new String(out.toByteArray(), StandardCharsets.ISO_8859_1));
    }
}
