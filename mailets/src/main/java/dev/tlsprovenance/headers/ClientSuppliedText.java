package dev.tlsprovenance.headers;

/**
 * Client-supplied text (the HELO/EHLO argument, the recipient address) in the form our {@code Received:} line
 * writes it. Every byte a client sends is hostile: a HELO of {@code x) (using TLSv1.3 with cipher ...)} or a
 * recipient {@code "a (using TLSv1.3 ...)"@example.test} must not become a TLS clause for any parser, however
 * it tokenises. Like Postfix ({@code printable()} and its {@code NEUTER_CHARACTERS} in smtpd), we replace rather
 * than escape: a quoted-pair {@code \(} is safe only for a parser that honours it, a {@code ?} is safe for all.
 *
 * <ul>
 *   <li>Control characters (C0, DEL) and anything outside 7-bit ASCII are dropped: a header line stays 7-bit
 *       printable and on one line.</li>
 *   <li>Printable characters outside a conservative set become {@code ?}: for a HELO name the characters of a
 *       host name or address literal (letters, digits, {@code . - _ : [ ]}); for an address the RFC 5322
 *       {@code atext} plus {@code @} and {@code .}. So no space, parenthesis, backslash, quote, angle bracket,
 *       semicolon or comma survives: the text is one word that can neither close the {@code (EHLO ...)} comment
 *       or the {@code <...>} around it, nor start a clause of its own, nor end the clause list before the date.</li>
 *   <li>The length is bounded (255 for a HELO name, 320 for an address, RFC 5321's limits for a domain and a
 *       path); a longer text keeps its head and ends in {@value #ELLIPSIS}.</li>
 * </ul>
 * Ordinary input (a host name, {@code [192.0.2.1]}, {@code bob@example.test}) comes back unchanged and uncopied,
 * so a cleartext Received line reads exactly as James 3.8.1 writes it.
 *
 * <p>Words that survive ({@code using}, {@code version=}, {@code tls}...) stay inside that one word; telling them
 * from a real clause is the verifier's part (it never reads TLS facts from the client's comment or path).
 */
public final class ClientSuppliedText {
    /** RFC 5321 4.5.3.1.2: a domain name is at most 255 octets. */
    public static final int MAX_HELO_LENGTH = 255;
    /** An RFC 5321 path (local part 64 + @ + domain 255) rounded to the usual 320. */
    public static final int MAX_ADDRESS_LENGTH = 320;
    /** Marks text cut at its maximum length; made of characters every set allows. */
    public static final String ELLIPSIS = "...";
    /** What a character outside the allowed set becomes (Postfix uses the same). */
    public static final char REPLACEMENT = '?';

    private ClientSuppliedText() {
    }

    /** The HELO/EHLO argument as written inside our {@code (EHLO ...)} comment, or a host name after {@code from}. */
    public static String heloName(String text) {
        return neutralised(text, MAX_HELO_LENGTH, ClientSuppliedText::isHostNameCharacter);
    }

    /** A mailbox address as written inside {@code for <...>}. */
    public static String address(String text) {
        return neutralised(text, MAX_ADDRESS_LENGTH, ClientSuppliedText::isAddressCharacter);
    }

    static boolean isHostNameCharacter(char c) {
        return isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']';
    }

    /** RFC 5322 3.2.3 atext, plus the {@code @} and {@code .} of an addr-spec. */
    static boolean isAddressCharacter(char c) {
        if (isLetterOrDigit(c)) {
            return true;
        }
        switch (c) {
            case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '/':
            case '=': case '?': case '^': case '_': case '`': case '{': case '|': case '}': case '~':
            case '@': case '.':
                return true;
            default:
                return false;
        }
    }

    private static boolean isLetterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static boolean isPrintableAscii(char c) {
        return c >= 0x20 && c < 0x7f;
    }

    private interface CharacterSet {
        boolean allows(char c);
    }

    private static String neutralised(String text, int maxLength, CharacterSet allowed) {
        if (text.length() <= maxLength && allowsAll(text, allowed)) {
            return text; // the usual HELO name or address: no copy
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength));
        for (int i = 0; i < text.length() && out.length() <= maxLength; i++) {
            char c = text.charAt(i);
            if (!isPrintableAscii(c)) {
                continue;
            }
            out.append(allowed.allows(c) ? c : REPLACEMENT);
        }
        if (out.length() > maxLength) {
            out.setLength(maxLength - ELLIPSIS.length());
            out.append(ELLIPSIS);
        }
        // Text made only of dropped bytes still was something: one '?' keeps the word (and the line's shape).
        return out.length() == 0 && !text.isEmpty() ? String.valueOf(REPLACEMENT) : out.toString();
    }

    private static boolean allowsAll(String text, CharacterSet allowed) {
        for (int i = 0; i < text.length(); i++) {
            if (!allowed.allows(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
