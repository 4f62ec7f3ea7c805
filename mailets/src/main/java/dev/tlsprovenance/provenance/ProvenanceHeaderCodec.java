package dev.tlsprovenance.provenance;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The structured provenance header value, e.g.
 * {@code v=1; dir=inbound; transport=starttls; protocol=TLSv1.3; cipher=TLS_AES_256_GCM_SHA384; bits=256; ...}.
 *
 * <p>Semicolon-separated {@code name=value} pairs in {@link TlsProvenance#toFields()} order, led by
 * the format version. Values made only of token characters stand bare; others are quoted with
 * {@code \"}, {@code \\} and {@code \\uXXXX} escapes, so the header stays 7-bit and a DN such as
 * {@code CN=a,O=b} cannot be mistaken for more pairs. {@link #format} writes one unfolded line;
 * {@link #parse} accepts folded input, since headers get folded in transit.
 */
public final class ProvenanceHeaderCodec {
    public static final String DEFAULT_HEADER_NAME = "X-TLS-Provenance";
    private static final String VERSION_FIELD = "v";
    private static final String VERSION = "1";

    private ProvenanceHeaderCodec() {
    }

    public static String format(TlsProvenance provenance) {
        StringBuilder out = new StringBuilder(256);
        out.append(VERSION_FIELD).append('=').append(VERSION);
        for (Map.Entry<String, String> field : provenance.toFields().entrySet()) {
            out.append("; ").append(field.getKey()).append('=');
            appendValue(out, field.getValue());
        }
        return out.toString();
    }

    public static TlsProvenance parse(String headerValue) throws MalformedProvenanceException {
        Map<String, String> fields = parseFields(headerValue);
        String version = fields.remove(VERSION_FIELD);
        if (!VERSION.equals(version)) {
            throw new MalformedProvenanceException(version == null
                ? "not a provenance header: no 'v=' version field"
                : "unsupported provenance header version 'v=" + version + "'");
        }
        return TlsProvenance.fromFields(fields);
    }

    /** The name/value pairs of a header value, in order; no interpretation of the names. */
    public static Map<String, String> parseFields(String headerValue) throws MalformedProvenanceException {
        if (headerValue == null) {
            throw new MalformedProvenanceException("empty provenance header");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Cursor cursor = new Cursor(headerValue);
        while (true) {
            cursor.skipWhitespace();
            if (cursor.atEnd()) {
                return fields;
            }
            String name = cursor.readName();
            cursor.skipWhitespace();
            cursor.expect('=');
            cursor.skipWhitespace();
            String value = cursor.peek() == '"' ? cursor.readQuoted() : cursor.readBare();
            if (fields.put(name, value) != null) {
                throw new MalformedProvenanceException("field '" + name + "' appears twice");
            }
            cursor.skipWhitespace();
            if (!cursor.atEnd()) {
                cursor.expect(';');
            }
        }
    }

    /** A loop, not a stream: this runs for every field of every mail. */
    private static boolean isToken(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (!isTokenChar(value.charAt(i))) {
                return false;
            }
        }
        return !value.isEmpty();
    }

    private static void appendValue(StringBuilder out, String value) {
        if (isToken(value)) {
            out.append(value);
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7E) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '_' || c == '-' || c == ':' || c == '/' || c == '@' || c == '+' || c == '*'
            || c == '[' || c == ']';
    }

    private static final class Cursor {
        private final String text;
        private int position;

        Cursor(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return position >= text.length();
        }

        char peek() {
            return atEnd() ? '\0' : text.charAt(position);
        }

        void skipWhitespace() {
            // Folding leaves CRLF followed by white space: all of it is insignificant between pairs.
            while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n')) {
                position++;
            }
        }

        void expect(char c) throws MalformedProvenanceException {
            if (peek() != c) {
                throw new MalformedProvenanceException("expected '" + c + "' at offset " + position
                    + (atEnd() ? " (end of header)" : " but found '" + peek() + "'"));
            }
            position++;
        }

        String readName() throws MalformedProvenanceException {
            int start = position;
            while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '-' || peek() == '_')) {
                position++;
            }
            if (start == position) {
                throw new MalformedProvenanceException("expected a field name at offset " + position);
            }
            return text.substring(start, position);
        }

        String readBare() throws MalformedProvenanceException {
            int start = position;
            while (!atEnd() && isTokenChar(peek())) {
                position++;
            }
            if (start == position) {
                throw new MalformedProvenanceException("expected a value at offset " + position);
            }
            return text.substring(start, position);
        }

        String readQuoted() throws MalformedProvenanceException {
            position++;
            StringBuilder value = new StringBuilder();
            while (!atEnd()) {
                char c = text.charAt(position++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\r' || c == '\n') {
                    continue;
                }
                if (c != '\\') {
                    value.append(c);
                    continue;
                }
                if (atEnd()) {
                    break;
                }
                char escaped = text.charAt(position++);
                if (escaped == 'u') {
                    value.append(readUnicodeEscape());
                } else {
                    value.append(escaped);
                }
            }
            throw new MalformedProvenanceException("unterminated quoted value");
        }

        private char readUnicodeEscape() throws MalformedProvenanceException {
            if (position + 4 > text.length()) {
                throw new MalformedProvenanceException("truncated \\u escape at offset " + position);
            }
            try {
                char c = (char) Integer.parseInt(text.substring(position, position + 4), 16);
                position += 4;
                return c;
            } catch (NumberFormatException e) {
                throw new MalformedProvenanceException("bad \\u escape at offset " + position, e);
            }
        }
    }
}
