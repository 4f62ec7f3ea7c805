package dev.tlsprovenance.provenance;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant#toString()} and {@link Instant#parse(CharSequence)}, with the same text, without going
 * through {@code DateTimeFormatter.ISO_INSTANT}: every received mail writes one instant into its provenance
 * record and reads it back in the mailet, and the formatter's generic machinery was a measurable share of the
 * per-message cost (see BENCHMARKS.md "Inbound overhead"). The fast paths cover what {@link #format} writes
 * (years 1000 to 9999, UTC {@code Z}); anything else goes to the JDK, so results and errors are the JDK's.
 */
final class IsoInstants {

    private static final int SECONDS_PER_DAY = 86_400;
    private static final long FIRST_FAST_DAY = LocalDate.of(1000, 1, 1).toEpochDay();
    private static final long LAST_FAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    private IsoInstants() {
    }

    /** Same text as {@link Instant#toString()}. */
    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        if (days < FIRST_FAST_DAY || days > LAST_FAST_DAY) {
            return instant.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(days);
        StringBuilder out = new StringBuilder(30);
        out.append(date.getYear()).append('-');
        twoDigits(out, date.getMonthValue()).append('-');
        twoDigits(out, date.getDayOfMonth()).append('T');
        twoDigits(out, secondOfDay / 3600).append(':');
        twoDigits(out, secondOfDay / 60 % 60).append(':');
        twoDigits(out, secondOfDay % 60);
        int nanos = instant.getNano();
        if (nanos > 0) {
            // ISO_INSTANT prints 3, 6 or 9 fraction digits, whichever is the shortest exact form.
            int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
            int value = digits == 3 ? nanos / 1_000_000 : digits == 6 ? nanos / 1_000 : nanos;
            String text = Integer.toString(value);
            out.append('.');
            for (int pad = text.length(); pad < digits; pad++) {
                out.append('0');
            }
            out.append(text);
        }
        return out.append('Z').toString();
    }

    /** Same result (and same exception) as {@link Instant#parse(CharSequence)}. */
    static Instant parse(String text) {
        Instant fast = parseCanonical(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with a valid date and time, else null. */
    private static Instant parseCanonical(String text) {
        int length = text.length();
        if (length < 20 || length == 21 || length > 30 || text.charAt(length - 1) != 'Z'
            || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
            || text.charAt(13) != ':' || text.charAt(16) != ':' || (length > 20 && text.charAt(19) != '.')) {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int fraction = length > 20 ? digits(text, 20, length - 1) : 0;
        if (year < 1000 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
            || second < 0 || second > 59 || fraction < 0) {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException invalidDate) {
            return null;
        }
        int nanos = fraction;
        for (int fractionDigits = Math.max(0, length - 21); fractionDigits < 9; fractionDigits++) {
            nanos *= 10;
        }
        return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nanos);
    }

    /** The decimal value of text[from, to), or -1 when a character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static StringBuilder twoDigits(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
