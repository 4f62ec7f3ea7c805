package dev.tlsprovenance.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One Received value read as tokens of its grammar (RFC 5322 section 3.6.7, RFC 5321 section 4.4): atoms and
 * other words, quoted strings, comments (nested, with quoted-pairs), domain literals {@code [...]}, angle addresses
 * {@code <...>} (quoted local parts included), and the clauses {@code from}, {@code by}, {@code via}, {@code with},
 * {@code id}, {@code for} plus RFC 8314's {@code tls}, each with the tokens that follow its keyword. The date is what
 * follows the last top-level {@code ;}.
 *
 * <p>Only top-level tokens can start a clause or be a comment of one: a keyword inside a comment, a quoted string or
 * an address is just text. A clause keyword right after another keyword is that clause's value, not a new clause
 * ({@code from with (...) by ...} names a host called "with"). Nothing is ever searched across token boundaries.
 *
 * <p>The structure is {@link #wellFormed()} when every comment, quoted string, literal and address is closed, no
 * stray closing character appears, and the clauses come at most once each in RFC 5321 order (from, by, then with,
 * id, for; {@code via} after by, Exchange writes it after id; {@code tls} after with). A line that is not well-formed
 * cannot place any fact, so the parser reports its TLS as unknown.
 */
final class ReceivedSyntax {
    static final byte WORD = 1;
    static final byte QUOTED = 2;
    static final byte COMMENT = 3;
    static final byte LITERAL = 4;
    static final byte ANGLE = 5;
    static final byte SEMICOLON = 6;
    /** A closing character with nothing open, or an opening one never closed. */
    static final byte STRAY = 7;

    static final byte FROM = 0;
    static final byte BY = 1;
    static final byte VIA = 2;
    static final byte WITH = 3;
    static final byte ID = 4;
    static final byte FOR = 5;
    static final byte TLS = 6;
    private static final int CLAUSE_KINDS = 7;

    /** More top-level tokens than any real line has; the rest of a longer line is ignored and the line is not well-formed. */
    private static final int MAX_TOKENS = 256;

    final String line;
    private byte[] types = new byte[32];
    private int[] starts = new int[32];
    private int[] ends = new int[32];
    private int count;
    /** Token index where each clause kind's keyword is, -1 when absent. */
    private final int[] keywordAt = new int[CLAUSE_KINDS];
    private final List<Clause> clauses = new ArrayList<>(7);
    private boolean wellFormed = true;
    private String date;
    /** Tokens before the first clause keyword, e.g. qmail's {@code (qmail 10681 invoked by uid 404)}. */
    private int preambleEnd;

    /** A clause: its kind, the index of its keyword token and of the first token after it that is not its own. */
    static final class Clause {
        final byte kind;
        final int keyword;
        int end;

        Clause(byte kind, int keyword) {
            this.kind = kind;
            this.keyword = keyword;
        }
    }

    private ReceivedSyntax(String line) {
        this.line = line;
        Arrays.fill(keywordAt, -1);
    }

    static ReceivedSyntax parse(String line) {
        ReceivedSyntax s = new ReceivedSyntax(line);
        s.tokenize();
        s.split();
        return s;
    }

    // ---------------------------------------------------------------- tokens

    private void tokenize() {
        String l = line;
        int n = l.length();
        int i = 0;
        while (i < n) {
            char c = l.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            if (count >= MAX_TOKENS) {
                wellFormed = false;
                return;
            }
            int start = i;
            switch (c) {
                case '(':
                    i = skipComment(l, i);
                    add(i > n ? STRAY : COMMENT, start, Math.min(i, n));
                    break;
                case '"':
                    i = skipQuoted(l, i + 1, '"');
                    add(i > n ? STRAY : QUOTED, start, Math.min(i, n));
                    break;
                case '[':
                    i = skipQuoted(l, i + 1, ']');
                    add(i > n ? STRAY : LITERAL, start, Math.min(i, n));
                    break;
                case '<':
                    i = skipAngle(l, i + 1);
                    add(i > n ? STRAY : ANGLE, start, Math.min(i, n));
                    break;
                case ';':
                    add(SEMICOLON, start, ++i);
                    break;
                case ')':
                case ']':
                case '>':
                    add(STRAY, start, ++i);
                    break;
                default:
                    i = skipWord(l, i);
                    add(WORD, start, i);
                    break;
            }
        }
    }

    /** @return the index after the closing parenthesis, or {@code length + 1} when the comment never closes. */
    private static int skipComment(String l, int open) {
        int depth = 0;
        int n = l.length();
        for (int i = open; i < n; i++) {
            char c = l.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
        }
        return n + 1;
    }

    private static int skipQuoted(String l, int from, char close) {
        int n = l.length();
        for (int i = from; i < n; i++) {
            char c = l.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == close) {
                return i + 1;
            }
        }
        return n + 1;
    }

    /** An address: {@code >} ends it except inside a quoted local part. */
    private static int skipAngle(String l, int from) {
        int n = l.length();
        for (int i = from; i < n; i++) {
            char c = l.charAt(i);
            if (c == '"') {
                i = skipQuoted(l, i + 1, '"') - 1;
                if (i >= n) {
                    return n + 1;
                }
            } else if (c == '\\') {
                i++;
            } else if (c == '>') {
                return i + 1;
            }
        }
        return n + 1;
    }

    /** A word ends at white space or a character that opens or closes another token; a top-level backslash escapes one. */
    private static int skipWord(String l, int from) {
        int n = l.length();
        int i = from;
        while (i < n) {
            char c = l.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '(' || c == ')' || c == '"' || c == '[' || c == ']' || c == '<'
                || c == '>' || c == ';') {
                break;
            }
            i++;
        }
        return Math.min(i, n);
    }

    private void add(byte type, int start, int end) {
        if (count == types.length) {
            types = Arrays.copyOf(types, count * 2);
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
        }
        if (type == STRAY) {
            wellFormed = false;
        }
        types[count] = type;
        starts[count] = start;
        ends[count] = end;
        count++;
    }

    // ---------------------------------------------------------------- clauses

    private void split() {
        int lastSemicolon = -1;
        for (int t = 0; t < count; t++) {
            if (types[t] == SEMICOLON) {
                lastSemicolon = t;
            }
        }
        int bodyEnd = count;
        if (lastSemicolon >= 0) {
            date = line.substring(ends[lastSemicolon]).trim();
            bodyEnd = lastSemicolon;
        }
        count = bodyEnd;
        Clause current = null;
        boolean valueExpected = false;
        preambleEnd = count;
        for (int t = 0; t < count; t++) {
            byte kind = types[t] == WORD && !valueExpected ? keyword(t) : -1;
            if (kind >= 0) {
                if (current == null) {
                    preambleEnd = t;
                } else {
                    current.end = t;
                }
                current = new Clause(kind, t);
                if (keywordAt[kind] >= 0) {
                    wellFormed = false;
                } else {
                    keywordAt[kind] = t;
                }
                clauses.add(current);
                valueExpected = true;
            } else {
                // Only the token right after a keyword is its value: "from (comment) by" has no from-domain.
                valueExpected = false;
            }
        }
        if (current != null) {
            current.end = count;
        }
        if (!inOrder()) {
            wellFormed = false;
        }
    }

    private boolean inOrder() {
        int from = keywordAt[FROM];
        int by = keywordAt[BY];
        int with = keywordAt[WITH];
        if (from >= 0 && clauses.get(0).kind != FROM) {
            return false;
        }
        if (by >= 0 && from > by || with >= 0 && by > with || with >= 0 && from > with) {
            return false;
        }
        if (keywordAt[VIA] >= 0 && keywordAt[VIA] < by) {
            return false;
        }
        int id = keywordAt[ID];
        int forAt = keywordAt[FOR];
        if (id >= 0 && (id < by || id < with) || forAt >= 0 && (forAt < by || forAt < with || forAt < id)) {
            return false;
        }
        int tls = keywordAt[TLS];
        return tls < 0 || with >= 0 && tls > with;
    }

    private byte keyword(int t) {
        int s = starts[t];
        switch (ends[t] - s) {
            case 2:
                return is(s, "by") ? BY : is(s, "id") ? ID : -1;
            case 3:
                return is(s, "for") ? FOR : is(s, "via") ? VIA : is(s, "tls") ? TLS : -1;
            case 4:
                return is(s, "from") ? FROM : is(s, "with") ? WITH : -1;
            default:
                return -1;
        }
    }

    /** ASCII case-insensitive equality against a lower-case keyword of the same length. */
    private boolean is(int start, String lowerKeyword) {
        for (int i = 0; i < lowerKeyword.length(); i++) {
            if ((line.charAt(start + i) | 0x20) != lowerKeyword.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- queries

    boolean wellFormed() {
        return wellFormed;
    }

    String date() {
        return date;
    }

    int tokenCount() {
        return count;
    }

    byte type(int t) {
        return types[t];
    }

    int start(int t) {
        return starts[t];
    }

    int end(int t) {
        return ends[t];
    }

    /** The token as written, delimiters included. */
    String text(int t) {
        return line.substring(starts[t], ends[t]);
    }

    /** A comment's, literal's, quoted string's or address's content without its delimiters; a word as written. */
    String inner(int t) {
        byte type = types[t];
        if (type == COMMENT || type == QUOTED || type == LITERAL || type == ANGLE) {
            return line.substring(starts[t] + 1, Math.max(starts[t] + 1, ends[t] - 1));
        }
        return text(t);
    }

    boolean has(byte kind) {
        return keywordAt[kind] >= 0;
    }

    Clause clause(byte kind) {
        int at = keywordAt[kind];
        if (at < 0) {
            return null;
        }
        for (Clause c : clauses) {
            if (c.keyword == at) {
                return c;
            }
        }
        return null;
    }

    List<Clause> clauses() {
        return clauses;
    }

    int preambleEnd() {
        return preambleEnd;
    }

    /** The token right after the keyword when it is the clause's value (not a comment), else -1. */
    int valueOf(Clause c) {
        if (c == null) {
            return -1;
        }
        for (int t = c.keyword + 1; t < c.end; t++) {
            if (types[t] != COMMENT) {
                return t;
            }
        }
        return -1;
    }

    /** The text of the clause's value token, or null. */
    String value(byte kind) {
        Clause c = clause(kind);
        int v = valueOf(c);
        return v < 0 ? null : text(v);
    }

    /** Is this token a top-level comment of the given clause (or of the preamble when {@code c} is null)? */
    boolean isCommentOf(int t, Clause c) {
        return types[t] == COMMENT && (c == null ? t < preambleEnd : t > c.keyword && t < c.end);
    }

    /** The next token of the body, or -1 at its end. */
    int tokenAfter(int t) {
        return t + 1 < count ? t + 1 : -1;
    }

    /** The clause the token belongs to, or null for the preamble. */
    Clause clauseOf(int t) {
        Clause owner = null;
        for (Clause c : clauses) {
            if (c.keyword <= t) {
                owner = c;
            }
        }
        return owner;
    }
}
