package dev.tlsprovenance.testing.smtp;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One SMTP reply, possibly multi-line, exactly as received. */
public final class SmtpReply {
    private static final Pattern ENHANCED = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s|$)");

    private final int code;
    private final List<String> rawLines;

    SmtpReply(int code, List<String> rawLines) {
        this.code = code;
        this.rawLines = List.copyOf(rawLines);
    }

    /** Parses reply lines as received (without CRLF), e.g. {@code ["250-mx.test", "250 STARTTLS"]}. */
    public static SmtpReply parse(List<String> rawLines) {
        if (rawLines.isEmpty() || rawLines.get(0).length() < 3) {
            throw new IllegalArgumentException("not an SMTP reply: " + rawLines);
        }
        return new SmtpReply(Integer.parseInt(rawLines.get(0).substring(0, 3)), rawLines);
    }

    public int code() {
        return code;
    }

    /** The RFC 3463 code at the start of the first line, e.g. {@code "5.7.0"}; {@code ""} when absent. */
    public String enhancedCode() {
        Matcher matcher = ENHANCED.matcher(lines().get(0));
        return matcher.find() ? matcher.group(1) : "";
    }

    /** Each line's text after the code and separator. */
    public List<String> lines() {
        return rawLines.stream()
            .map(line -> line.length() > 4 ? line.substring(4) : "")
            .collect(Collectors.toUnmodifiableList());
    }

    /** The lines' text joined with {@code \n}. */
    public String text() {
        return String.join("\n", lines());
    }

    /** EHLO keywords with their parameters: every line but the greeting line. */
    public List<String> extensions() {
        List<String> lines = lines();
        return lines.subList(1, lines.size());
    }

    /** Whether the EHLO reply advertises {@code keyword} (case-insensitive, parameters ignored). */
    public boolean hasExtension(String keyword) {
        String wanted = keyword.toUpperCase(Locale.ROOT);
        return extensions().stream()
            .map(line -> line.split(" ", 2)[0].toUpperCase(Locale.ROOT))
            .anyMatch(wanted::equals);
    }

    /** 2xx or 3xx. */
    public boolean isPositive() {
        return code >= 200 && code < 400;
    }

    public List<String> rawLines() {
        return rawLines;
    }

    /** The reply as received, lines joined with CRLF. */
    @Override
    public String toString() {
        return String.join("\r\n", rawLines);
    }
}
