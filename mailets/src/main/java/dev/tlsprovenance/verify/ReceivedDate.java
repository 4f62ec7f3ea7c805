package dev.tlsprovenance.verify;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * A lenient, allocation-light reader of RFC 5322 date-times as MTAs write them after the {@code ;} of a
 * Received line: optional day name, 1-2 digit day, month name, 2 or 4 digit year, {@code hh:mm[:ss]},
 * numeric or named zone, trailing comments ignored. Hand-written because header verification must
 * sustain tens of thousands of messages per second, and {@code DateTimeFormatter} rejects half the
 * dates seen in the wild.
 */
public final class ReceivedDate {
    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};

    private ReceivedDate() {
    }

    public static Optional<OffsetDateTime> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(parseOrNull(text));
        } catch (DateTimeException | IndexOutOfBoundsException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static OffsetDateTime parseOrNull(String text) {
        Scanner in = new Scanner(text);
        in.skipSpaces();
        if (Character.isLetter(in.peek())) {
            in.skipLetters();
            in.skip(',');
            in.skipSpaces();
        }
        int day = in.number(1, 2);
        in.skipSpaces();
        int month = in.month();
        in.skipSpaces();
        int yearStart = in.pos;
        int year = in.number(2, 4);
        if (in.pos - yearStart == 2) {
            year += year < 50 ? 2000 : 1900;
        }
        in.skipSpaces();
        int hour = in.number(1, 2);
        in.require(':');
        int minute = in.number(2, 2);
        int second = 0;
        if (in.peek() == ':') {
            in.pos++;
            second = in.number(2, 2);
            if (in.peek() == '.') {
                in.pos++;
                in.skipDigits();
            }
        }
        in.skipSpaces();
        ZoneOffset offset = in.zone();
        if (offset == null || month < 0) {
            return null;
        }
        return OffsetDateTime.of(year, month + 1, day, hour, minute, Math.min(second, 59), 0, offset);
    }

    private static final class Scanner {
        private final String s;
        private int pos;

        Scanner(String s) {
            this.s = s;
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        void skipSpaces() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == '\r' || s.charAt(pos) == '\n')) {
                pos++;
            }
        }

        void skipLetters() {
            while (pos < s.length() && Character.isLetter(s.charAt(pos))) {
                pos++;
            }
        }

        void skipDigits() {
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
        }

        void skip(char c) {
            if (peek() == c) {
                pos++;
            }
        }

        void require(char c) {
            if (peek() != c) {
                throw new DateTimeException("expected " + c);
            }
            pos++;
        }

        int number(int minDigits, int maxDigits) {
            int start = pos;
            int value = 0;
            while (pos < s.length() && pos - start < maxDigits && Character.isDigit(s.charAt(pos))) {
                value = value * 10 + (s.charAt(pos) - '0');
                pos++;
            }
            if (pos - start < minDigits) {
                throw new DateTimeException("expected a number");
            }
            return value;
        }

        int month() {
            if (pos + 3 > s.length()) {
                return -1;
            }
            char a = (char) (s.charAt(pos) | 0x20);
            char b = (char) (s.charAt(pos + 1) | 0x20);
            char c = (char) (s.charAt(pos + 2) | 0x20);
            skipLetters();
            for (int i = 0; i < MONTHS.length; i++) {
                String month = MONTHS[i];
                if (month.charAt(0) == a && month.charAt(1) == b && month.charAt(2) == c) {
                    return i;
                }
            }
            return -1;
        }

        ZoneOffset zone() {
            char c = peek();
            if (c == '+' || c == '-') {
                pos++;
                int start = pos;
                int hhmm = number(4, 4);
                if (pos - start != 4) {
                    return null;
                }
                int total = (hhmm / 100) * 3600 + (hhmm % 100) * 60;
                return ZoneOffset.ofTotalSeconds(c == '-' ? -total : total);
            }
            int start = pos;
            skipLetters();
            switch (s.substring(start, pos).toUpperCase(java.util.Locale.ROOT)) {
                case "GMT":
                case "UT":
                case "UTC":
                case "Z":
                    return ZoneOffset.UTC;
                case "EDT":
                    return ZoneOffset.ofHours(-4);
                case "EST":
                case "CDT":
                    return ZoneOffset.ofHours(-5);
                case "CST":
                case "MDT":
                    return ZoneOffset.ofHours(-6);
                case "MST":
                case "PDT":
                    return ZoneOffset.ofHours(-7);
                case "PST":
                    return ZoneOffset.ofHours(-8);
                case "":
                    // No zone at all: RFC 5322 says "-0000", unknown local time; read as UTC.
                    return ZoneOffset.UTC;
                default:
                    return null;
            }
        }
    }
}
