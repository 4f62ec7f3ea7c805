package dev.tlsprovenance.provenance;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads the instants records carry: {@link Instant#toString()}'s form, {@code 2026-12-04T20:43:18.267583578Z}.
 * Hand-written for speed only: {@link Instant#parse} (the general {@code ISO_INSTANT} formatter) was two thirds of
 * {@link TlsProvenance#fromFields} in the packaged server's profile, and every mail's record is read once in the spool.
 * This reads that one shape (four-digit year, seconds, 0-9 fraction digits, {@code Z}) by position and lets
 * {@link LocalDateTime#of} check the ranges; any other text, and any text that shape cannot take, goes to
 * {@link Instant#parse}, so what is accepted, the value read and the exception thrown are exactly Instant.parse's.
 */
final class InstantText {
    private static final int SECONDS_END = 19;
    private static final int MAX_FRACTION_DIGITS = 9;

    private InstantText() {
    }

    /** @throws java.time.format.DateTimeParseException as {@link Instant#parse} does, for the text it refuses */
    static Instant parse(String text) {
        Instant fast = shortcut(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** The instant, or null when the text is not in the one shape read here or its fields are out of range. */
    private static Instant shortcut(String text) {
        int length = text.length();
        if (length < SECONDS_END + 1 || text.charAt(length - 1) != 'Z'
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, SECONDS_END);
        int nanos = 0;
        if (length > SECONDS_END + 1) {
            int fractionDigits = length - SECONDS_END - 2;
            if (text.charAt(SECONDS_END) != '.' || fractionDigits < 1 || fractionDigits > MAX_FRACTION_DIGITS) {
                return null;
            }
            nanos = digits(text, SECONDS_END + 1, length - 1);
            for (int scale = fractionDigits; scale < MAX_FRACTION_DIGITS && nanos >= 0; scale++) {
                nanos *= 10;
            }
        }
        if ((year | month | day | hour | minute | second | nanos) < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException outOfRange) {
            return null;
        }
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character there is not an ASCII digit. */
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
}
