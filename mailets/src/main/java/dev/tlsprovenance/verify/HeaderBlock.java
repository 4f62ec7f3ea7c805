package dev.tlsprovenance.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A message's header section as a list of unfolded fields, top (newest) first. A line that cannot start a field (no
 * field name followed by {@code :}) continues the previous field, as a folded line would, so that headers pasted from
 * a mail client or a web page, which lose their folding white space, still read whole; such a line before any field
 * is dropped. Truncation is tolerated; the section ends at the first empty line. Sizes are capped
 * so that a hostile message cannot make the verifier use unbounded memory.
 */
public final class HeaderBlock {
    public static final int MAX_FIELDS = 2000;
    public static final int MAX_FIELD_LENGTH = 64 * 1024;

    private final List<HeaderField> fields;

    private HeaderBlock(List<HeaderField> fields) {
        this.fields = Collections.unmodifiableList(fields);
    }

    /** Parses the header section at the start of {@code text} (a whole message or its headers only). */
    public static HeaderBlock parse(CharSequence text) {
        Builder builder = new Builder();
        int n = text.length();
        int start = 0;
        while (start <= n) {
            int end = start;
            while (end < n && text.charAt(end) != '\n') {
                end++;
            }
            int lineEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            if (!builder.addLine(text.subSequence(start, lineEnd).toString())) {
                break;
            }
            start = end + 1;
        }
        return builder.build();
    }

    public List<HeaderField> fields() {
        return fields;
    }

    /** Values of every field with this name, top first. */
    public List<String> values(String name) {
        List<String> values = new ArrayList<>();
        for (HeaderField field : fields) {
            if (field.is(name)) {
                values.add(field.value());
            }
        }
        return values;
    }

    public Optional<String> first(String name) {
        for (HeaderField field : fields) {
            if (field.is(name)) {
                return Optional.of(field.value());
            }
        }
        return Optional.empty();
    }

    /** Accumulates raw header lines, for streaming readers that see one line at a time. */
    public static final class Builder {
        private final List<HeaderField> fields = new ArrayList<>();
        private String name;
        private StringBuilder value;
        private boolean first = true;
        private boolean ended;

        /** @return false once the empty line that ends the header section has been seen. */
        public boolean addLine(String line) {
            if (ended) {
                return false;
            }
            if (first) {
                first = false;
                if (line.startsWith("From ")) {
                    return true;
                }
            }
            if (line.isEmpty()) {
                flush();
                ended = true;
                return false;
            }
            char c = line.charAt(0);
            if (c == ' ' || c == '\t') {
                continueField(line);
                return true;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isFieldName(line, colon)) {
                // Cannot start a field: a header block pasted from a mail client's header view or a web page, where
                // the folding white space was lost ("... with Microsoft SMTP" / "Server (version=TLS1_2, ...)").
                continueField(line);
                return true;
            }
            flush();
            name = line.substring(0, colon).trim();
            int valueStart = colon + 1;
            value = new StringBuilder(Math.max(256, Math.min(line.length(), MAX_FIELD_LENGTH) + 16));
            value.append(line, valueStart, Math.min(line.length(), valueStart + MAX_FIELD_LENGTH));
            return true;
        }

        /** Unfolding: the line break and the indentation become one space. */
        private void continueField(String line) {
            if (value == null || value.length() >= MAX_FIELD_LENGTH) {
                return;
            }
            int start = 0;
            while (start < line.length() && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
                start++;
            }
            if (start < line.length()) {
                value.append(' ').append(line, start, Math.min(line.length(), start + MAX_FIELD_LENGTH - value.length()));
            }
        }

        public HeaderBlock build() {
            flush();
            return new HeaderBlock(new ArrayList<>(fields));
        }

        private void flush() {
            if (name != null && fields.size() < MAX_FIELDS) {
                int start = 0;
                int end = value.length();
                while (start < end && value.charAt(start) <= ' ') {
                    start++;
                }
                while (end > start && value.charAt(end - 1) <= ' ') {
                    end--;
                }
                fields.add(new HeaderField(name, value.substring(start, end)));
            }
            name = null;
            value = null;
        }

        private static boolean isFieldName(String line, int colon) {
            for (int i = 0; i < colon; i++) {
                char c = line.charAt(i);
                if (c <= ' ' || c > '~') {
                    return i > 0 && line.substring(i, colon).isBlank();
                }
            }
            return true;
        }
    }
}
