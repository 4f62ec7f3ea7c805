package dev.tlsprovenance.outbound;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One (possibly multi-line) reply of an SMTP server, as received. */
public final class SmtpReply {
    private static final Pattern ENHANCED = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s|$)");

    private final int code;
    private final List<String> lines;

    SmtpReply(int code, List<String> lines) {
        this.code = code;
        this.lines = List.copyOf(lines);
    }

    public int code() {
        return code;
    }

    /** The text after the code on each line, e.g. ["mx.test", "STARTTLS"]. */
    public List<String> lines() {
        return lines;
    }

    public boolean isPositive() {
        return code >= 200 && code < 400;
    }

    public boolean isTransientFailure() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanentFailure() {
        return code >= 500;
    }

    /** "5.7.1" when the first line starts with an RFC 3463 enhanced code, else "". */
    public String enhancedCode() {
        Matcher matcher = ENHANCED.matcher(lines.isEmpty() ? "" : lines.get(0));
        return matcher.find() ? matcher.group(1) : "";
    }

    /** EHLO keywords (upper case), i.e. the first word of every line but the greeting line. */
    public List<String> ehloKeywords() {
        List<String> keywords = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            int space = line.indexOf(' ');
            keywords.add((space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT));
        }
        return keywords;
    }

    public boolean hasEhloKeyword(String keyword) {
        return ehloKeywords().contains(keyword.toUpperCase(Locale.ROOT));
    }

    /** The reply on one line, e.g. "454 4.7.0 TLS not available". */
    @Override
    public String toString() {
        return code + " " + String.join(" / ", lines);
    }
}
