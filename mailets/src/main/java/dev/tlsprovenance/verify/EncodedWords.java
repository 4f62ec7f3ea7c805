package dev.tlsprovenance.verify;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Tolerant RFC 2047 decoding: {@code =?charset?B|Q?text?=} words are decoded when the charset is known and
 * the text is well-formed; anything else is kept verbatim. Received lines are rarely encoded, but some
 * gateways encode non-ASCII host names, and a verifier must read what it is given.
 */
final class EncodedWords {
    private EncodedWords() {
    }

    static String decode(String value) {
        if (value == null || value.indexOf("=?") < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        boolean lastWasEncoded = false;
        while (i < value.length()) {
            int start = value.indexOf("=?", i);
            if (start < 0) {
                out.append(value, i, value.length());
                break;
            }
            String between = value.substring(i, start);
            if (!(lastWasEncoded && between.isBlank())) {
                out.append(between);
            }
            String decoded = null;
            int end = -1;
            int q1 = value.indexOf('?', start + 2);
            int q2 = q1 < 0 ? -1 : value.indexOf('?', q1 + 1);
            if (q2 == q1 + 2) {
                end = value.indexOf("?=", q2 + 1);
                if (end > 0) {
                    decoded = decodeWord(value.substring(start + 2, q1), value.charAt(q1 + 1), value.substring(q2 + 1, end));
                }
            }
            if (decoded == null) {
                out.append("=?");
                i = start + 2;
                lastWasEncoded = false;
            } else {
                out.append(decoded);
                i = end + 2;
                lastWasEncoded = true;
            }
        }
        return out.toString();
    }

    private static String decodeWord(String charsetName, char encoding, String text) {
        try {
            String name = charsetName.contains("*") ? charsetName.substring(0, charsetName.indexOf('*')) : charsetName;
            Charset charset = Charset.forName(name);
            byte[] bytes;
            if (encoding == 'B' || encoding == 'b') {
                bytes = Base64.getMimeDecoder().decode(text);
            } else if (encoding == 'Q' || encoding == 'q') {
                bytes = quoted(text);
            } else {
                return null;
            }
            return new String(bytes, charset);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static byte[] quoted(String text) {
        byte[] out = new byte[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out[n++] = ' ';
            } else if (c == '=' && i + 2 < text.length()) {
                out[n++] = (byte) Integer.parseInt(text.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[n++] = (byte) (c & 0xFF);
            }
        }
        byte[] result = new byte[n];
        System.arraycopy(out, 0, result, 0, n);
        return text.isEmpty() ? "".getBytes(StandardCharsets.US_ASCII) : result;
    }
}
