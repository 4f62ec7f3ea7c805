package dev.tlsprovenance.headers;

import java.util.ArrayList;
import java.util.List;

/**
 * An independent reading of one Received value, as a grammar-aware parser sees it: top-level comments (nested,
 * with quoted-pairs), {@code <...>} paths, top-level words, and top-level semicolons. Test-only, deliberately
 * separate from the verifier's tokenizer so that the two cannot share a mistake.
 */
final class ReceivedStructure {
    final String value;
    final boolean balanced;
    final int topLevelSemicolons;
    final String date;
    final List<String> topLevelWords = new ArrayList<>();
    final List<String> comments = new ArrayList<>();
    final List<String> paths = new ArrayList<>();
    private final List<int[]> wordSpans = new ArrayList<>();
    private final List<int[]> commentSpans = new ArrayList<>();
    private final List<int[]> pathSpans = new ArrayList<>();

    private ReceivedStructure(String value) {
        this.value = value;
        int depth = 0;
        boolean ok = true;
        int semicolons = 0;
        int lastSemicolon = -1;
        int commentStart = -1;
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (depth > 0) {
                if (c == '\\') {
                    i += 2;
                    continue;
                }
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                    if (depth == 0) {
                        commentSpans.add(new int[] {commentStart, i});
                        comments.add(value.substring(commentStart, i));
                    }
                }
                i++;
                continue;
            }
            if (c == '(') {
                depth = 1;
                commentStart = i + 1;
                i++;
            } else if (c == ')') {
                ok = false;
                i++;
            } else if (c == ';') {
                semicolons++;
                lastSemicolon = i;
                i++;
            } else if (c == '<') {
                int close = value.indexOf('>', i);
                if (close < 0) {
                    ok = false;
                    break;
                }
                pathSpans.add(new int[] {i + 1, close});
                paths.add(value.substring(i + 1, close));
                i = close + 1;
            } else if (c == ' ') {
                i++;
            } else {
                int end = i;
                while (end < value.length() && " ();<".indexOf(value.charAt(end)) < 0) {
                    end++;
                }
                wordSpans.add(new int[] {i, end});
                topLevelWords.add(value.substring(i, end));
                i = end;
            }
        }
        this.balanced = ok && depth == 0;
        this.topLevelSemicolons = semicolons;
        this.date = lastSemicolon < 0 ? "" : value.substring(lastSemicolon + 1).trim();
    }

    /** The folded lines our format returns, unfolded with one space each. */
    static ReceivedStructure of(List<String> lines) {
        return new ReceivedStructure(String.join(" ", lines));
    }

    /** The value with the first path's text replaced. */
    String withFirstPath(String text) {
        return replaced(pathSpans.get(0), 0, text);
    }

    /** The value with the first comment's text after its {@code EHLO }/{@code HELO } replaced. */
    String withFirstCommentAfterMode(String text) {
        return replaced(commentSpans.get(0), "EHLO ".length(), text);
    }

    /** The value with top-level word {@code index} replaced. */
    String withWord(int index, String text) {
        return replaced(wordSpans.get(index), 0, text);
    }

    private String replaced(int[] span, int skip, String text) {
        return value.substring(0, span[0] + skip) + text + value.substring(span[1]);
    }
}
