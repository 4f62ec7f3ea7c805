package dev.tlsprovenance.json;

/**
 * JSON string literals, for the few places that write JSON by hand (the outbound ledger, the verify report):
 * the extension jar must not bring a JSON library of its own next to James's.
 */
public final class JsonStrings {
    private JsonStrings() {
    }

    /**
     * Appends {@code value} as a JSON string, or {@code null}. Control characters, U+2028/U+2029 (which break
     * JavaScript readers) and lone surrogates (not valid UTF-16, so not encodable as UTF-8) are escaped.
     */
    public static void append(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c) && !pairedSurrogate(value, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    private static boolean pairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
