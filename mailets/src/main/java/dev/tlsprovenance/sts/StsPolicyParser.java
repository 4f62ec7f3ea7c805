package dev.tlsprovenance.sts;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads an MTA-STS policy body by the grammar of RFC 8461 section 3.2 (with erratum 6253: lines end with LF or
 * CRLF). Each line is one field, {@code name ":" *WSP value *WSP}, with no white space before the name or the
 * colon. {@code version: STSv1}, {@code mode} and {@code max_age} must each appear once; {@code mx} once or more
 * unless the mode is {@code none}; any other well-formed field is an extension and ignored. Field names and the
 * version and mode values are case-sensitive ({@code %s} in the ABNF).
 *
 * <p>One leniency, stated: empty lines at the very end (a file saved with an extra newline) are ignored; an empty
 * line anywhere else is an error. A bad input gives a {@link StsSyntaxException} naming the line and the key.
 */
public final class StsPolicyParser {
    private static final int MAX_AGE_DIGITS = 10;
    private static final int MAX_NAME = 32;

    private StsPolicyParser() {
    }

    public static StsPolicy parse(String text) throws StsSyntaxException {
        Objects.requireNonNull(text, "text");
        List<String> lines = lines(text);
        String version = null;
        StsMode mode = null;
        Long maxAge = null;
        List<MxPattern> mx = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line = lines.get(i);
            if (line.isEmpty()) {
                throw new StsSyntaxException(number, "", "empty line");
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new StsSyntaxException(number, "", "not a 'name: value' field");
            }
            String name = line.substring(0, colon);
            checkName(number, name);
            String value = stripWsp(line.substring(colon + 1));
            checkValueCharacters(number, name, value);
            switch (name) {
                case "version":
                    if (version != null) {
                        throw duplicate(number, name);
                    }
                    if (!"STSv1".equals(value)) {
                        throw new StsSyntaxException(number, name, "must be 'STSv1', is '" + value + "'");
                    }
                    version = value;
                    break;
                case "mode":
                    if (mode != null) {
                        throw duplicate(number, name);
                    }
                    Optional<StsMode> parsed = StsMode.fromWord(value);
                    if (parsed.isEmpty()) {
                        throw new StsSyntaxException(number, name,
                                "must be 'enforce', 'testing' or 'none', is '" + value + "'");
                    }
                    mode = parsed.get();
                    break;
                case "max_age":
                    if (maxAge != null) {
                        throw duplicate(number, name);
                    }
                    maxAge = maxAge(number, value);
                    break;
                case "mx":
                    try {
                        mx.add(MxPattern.parse(value));
                    } catch (IllegalArgumentException e) {
                        throw new StsSyntaxException(number, name, e.getMessage());
                    }
                    break;
                default:
                    if (value.isEmpty()) {
                        throw new StsSyntaxException(number, name, "empty value");
                    }
                    break;
            }
        }
        if (version == null) {
            throw new StsSyntaxException(0, "version", "missing");
        }
        if (mode == null) {
            throw new StsSyntaxException(0, "mode", "missing");
        }
        if (maxAge == null) {
            throw new StsSyntaxException(0, "max_age", "missing");
        }
        if (mode != StsMode.NONE && mx.isEmpty()) {
            throw new StsSyntaxException(0, "mx", "missing (mode " + mode + " needs at least one)");
        }
        return new StsPolicy(mode, mx, maxAge, text);
    }

    /** Splits at LF, removing the CR of a CRLF; trailing empty lines are dropped. */
    /** The lines of a policy body (LF or CRLF), without their line ends and without empty lines at the very end. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                int end = i;
                if (i < text.length() && end > start && text.charAt(end - 1) == '\r') {
                    end--;
                }
                lines.add(text.substring(start, end));
                start = i + 1;
            }
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static void checkName(int number, String name) throws StsSyntaxException {
        if (name.isEmpty()) {
            throw new StsSyntaxException(number, "", "no field name before ':'");
        }
        if (name.length() > MAX_NAME) {
            throw new StsSyntaxException(number, name, "field name longer than " + MAX_NAME + " characters");
        }
        if (!StsTxtRecord.isAlphaDigit(name.charAt(0))) {
            throw new StsSyntaxException(number, name, "field name must begin with a letter or digit, begins with "
                    + StsTxtRecord.describe(name.charAt(0)));
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!StsTxtRecord.isAlphaDigit(c) && c != '_' && c != '-' && c != '.') {
                throw new StsSyntaxException(number, name, "character " + StsTxtRecord.describe(c)
                        + " in the field name");
            }
        }
    }

    /** sts-policy-vchar: visible ASCII or any non-ASCII (UTF-8) character; inner spaces allowed, no controls. */
    private static void checkValueCharacters(int number, String name, String value) throws StsSyntaxException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || (c == '\t')) {
                throw new StsSyntaxException(number, name, "character " + StsTxtRecord.describe(c)
                        + " at position " + (i + 1) + " of the value");
            }
        }
    }

    private static long maxAge(int number, String value) throws StsSyntaxException {
        if (value.isEmpty() || value.length() > MAX_AGE_DIGITS) {
            throw new StsSyntaxException(number, "max_age", "must be 1 to " + MAX_AGE_DIGITS + " digits, is '"
                    + value + "'");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new StsSyntaxException(number, "max_age", "must be digits only, is '" + value + "'");
            }
        }
        long seconds = Long.parseLong(value);
        if (seconds > StsPolicy.MAX_AGE_LIMIT) {
            throw new StsSyntaxException(number, "max_age", seconds + " is more than the maximum "
                    + StsPolicy.MAX_AGE_LIMIT + " (RFC 8461 section 3.2)");
        }
        return seconds;
    }

    private static StsSyntaxException duplicate(int number, String name) {
        return new StsSyntaxException(number, name, "appears twice");
    }

    private static String stripWsp(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }
}
