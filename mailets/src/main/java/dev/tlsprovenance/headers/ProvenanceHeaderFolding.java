package dev.tlsprovenance.headers;

/**
 * Folds a provenance header value ({@code name=value; name=value}) to lines of at most 78 characters where it
 * can, by a CRLF before the space that follows a {@code ;} between pairs, never inside a quoted value, so that
 * RFC 5322 unfolding (removing the CRLFs) gives back the exact value. A single pair longer than a line
 * is left whole (RFC 5322 allows 998).
 */
public final class ProvenanceHeaderFolding {

    private static final int FOLD_AT = 78;

    private ProvenanceHeaderFolding() {
    }

    /** Folds between pairs only, never inside a quoted value. */
    public static String fold(String headerName, String value) {
        StringBuilder out = new StringBuilder(value.length() + 32);
        int lineStart = -(headerName.length() + 2);
        int lastBreak = -1;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && quoted) {
                out.append(c).append(value.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ' ' && !quoted && i > 0 && value.charAt(i - 1) == ';') {
                lastBreak = out.length();
            }
            out.append(c);
            if (out.length() - lineStart > FOLD_AT && lastBreak > lineStart) {
                out.insert(lastBreak, "\r\n");
                lineStart = lastBreak + 2;
                lastBreak = -1;
            }
        }
        return out.toString();
    }

}
