package dev.tlsprovenance.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * The top-level structure of a Received value: the words after {@code from}, {@code by}, {@code with},
 * the comments that follow them, and the date after the last top-level semicolon.
 */
final class ReceivedClauses {
    String from;
    boolean sawFrom;
    /** The from-part after its first word: comments and extra words, where MTAs put the connecting address. */
    String fromText = "";
    String by;
    final List<String> byComments = new ArrayList<>(2);
    String with;
    String tlsSuite;
    String date;
    final List<String> withComments = new ArrayList<>(2);

    static ReceivedClauses scan(String line) {
        ReceivedClauses c = new ReceivedClauses();
        int depth = 0;
        int lastSemicolon = -1;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '\\' && depth > 0) {
                i++;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth = Math.max(0, depth - 1);
            } else if (ch == ';' && depth == 0) {
                lastSemicolon = i;
            }
        }
        String body = lastSemicolon >= 0 ? line.substring(0, lastSemicolon) : line;
        if (lastSemicolon >= 0) {
            c.date = line.substring(lastSemicolon + 1).trim();
        }
        c.scanBody(body);
        return c;
    }

    private void scanBody(String body) {
        String clause = null;
        int clauseWords = 0;
        StringBuilder fromText = new StringBuilder();
        StringBuilder withWords = null;
        int depth = 0;
        int commentStart = -1;
        int i = 0;
        int n = body.length();
        while (i < n) {
            char ch = body.charAt(i);
            if (ch == '\\' && depth > 0) {
                // RFC 5322 quoted-pair: "\)" inside a comment does not close it.
                i += 2;
                continue;
            }
            if (ch == '(') {
                if (depth == 0) {
                    commentStart = i + 1;
                }
                depth++;
                i++;
                continue;
            }
            if (ch == ')') {
                if (depth > 0) {
                    depth--;
                    if (depth == 0 && commentStart >= 0) {
                        addComment(clause, body.substring(commentStart, i), fromText);
                        commentStart = -1;
                    }
                }
                i++;
                continue;
            }
            if (depth > 0) {
                i++;
                continue;
            }
            if (ch == ' ') {
                i++;
                continue;
            }
            int end = i;
            while (end < n && body.charAt(end) != ' ' && body.charAt(end) != '(') {
                end++;
            }
            String keyword = keyword(body, i, end);
            if (keyword != null && !(keyword.equals(clause) && "with".equals(clause))) {
                if ("with".equals(clause) && withWords != null && with == null) {
                    with = withWords.toString();
                }
                clause = keyword;
                clauseWords = 0;
                if (keyword.equals("from")) {
                    sawFrom = true;
                }
                if (keyword.equals("with")) {
                    withWords = new StringBuilder();
                }
            } else if (clause != null && (clauseWords == 0 || clause.equals("with") || clause.equals("from"))) {
                // Only the first word of by/id/for/tls matters; the rest is never copied out of the line.
                onWord(clause, body.substring(i, end), fromText, withWords);
                clauseWords++;
            }
            i = end;
        }
        if ("with".equals(clause) && withWords != null && with == null) {
            with = withWords.toString();
        }
        this.fromText = fromText.toString();
    }

    private void onWord(String clause, String word, StringBuilder fromText, StringBuilder withWords) {
        switch (clause) {
            case "from":
                if (from == null && fromText.length() == 0) {
                    from = word;
                } else {
                    fromText.append(' ').append(word);
                }
                break;
            case "by":
                if (by == null) {
                    by = word;
                }
                break;
            case "with":
                if (with == null && withWords != null) {
                    if (withWords.length() > 0) {
                        withWords.append(' ');
                    }
                    withWords.append(word);
                }
                break;
            case "tls":
                if (tlsSuite == null) {
                    tlsSuite = word;
                }
                break;
            default:
                break;
        }
    }

    /** The connecting address: from the comments first (the first word is only the HELO name), else the word itself. */
    String fromAddress() {
        String address = Addresses.fromAddress(fromText);
        return address != null ? address : Addresses.fromAddress(from);
    }

    private void addComment(String clause, String comment, StringBuilder fromText) {
        if (clause == null) {
            return;
        }
        if (clause.equals("from")) {
            fromText.append(" (").append(comment).append(')');
        } else if (clause.equals("by") && byComments.size() < 4) {
            byComments.add(comment);
        } else if (clause.equals("with") && withComments.size() < 4) {
            withComments.add(comment);
        }
    }

    private static String keyword(String text, int start, int end) {
        switch (end - start) {
            case 2:
                return is(text, start, "by") ? "by" : is(text, start, "id") ? "id" : null;
            case 3:
                if (is(text, start, "for")) {
                    return "for";
                }
                if (is(text, start, "via")) {
                    return "via";
                }
                return text.startsWith("tls", start) ? "tls" : null;
            case 4:
                return is(text, start, "from") ? "from" : is(text, start, "with") ? "with" : null;
            default:
                return null;
        }
    }

    /** ASCII case-insensitive equality against a lower-case keyword of the same length. */
    private static boolean is(String text, int start, String lowerKeyword) {
        for (int i = 0; i < lowerKeyword.length(); i++) {
            if ((text.charAt(start + i) | 0x20) != lowerKeyword.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
