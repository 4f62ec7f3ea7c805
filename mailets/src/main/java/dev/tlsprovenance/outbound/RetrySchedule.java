package dev.tlsprovenance.outbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The waits between delivery attempts, written as in the mailet parameter {@code delays}: "5s, 1m, 5m" or with
 * RemoteDelivery's repeat syntax "2*5s, 10m". After the last listed delay, the last one repeats.
 */
public final class RetrySchedule {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    private static final Pattern REPEATED = Pattern.compile("(\\d+)\\s*\\*\\s*(.+)");

    private final List<Duration> delays;

    private RetrySchedule(List<Duration> delays) {
        this.delays = List.copyOf(delays);
    }

    /**
     * @throws IllegalArgumentException naming the bad part
     */
    public static RetrySchedule parse(String text) {
        List<Duration> delays = new ArrayList<>();
        for (String part : text.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            Matcher repeated = REPEATED.matcher(item);
            int times = 1;
            if (repeated.matches()) {
                times = Integer.parseInt(repeated.group(1));
                item = repeated.group(2).trim();
            }
            Duration delay = parseDuration(item);
            for (int i = 0; i < times; i++) {
                delays.add(delay);
            }
        }
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("no delay in '" + text + "'");
        }
        return new RetrySchedule(delays);
    }

    /** "30s", "5m", "250ms", "2h", "1d"; a bare number is milliseconds (as in RemoteDelivery). */
    public static Duration parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 250ms, 30s, 5m, 2h, 1d)");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "ms" : matcher.group(2);
        switch (unit) {
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            case "d":
                return Duration.ofDays(amount);
            default:
                return Duration.ofMillis(amount);
        }
    }

    /** The wait before retry number {@code retry} (1 = the first retry). */
    public Duration delayBeforeRetry(int retry) {
        return delays.get(Math.min(Math.max(retry, 1), delays.size()) - 1);
    }

    public List<Duration> delays() {
        return delays;
    }
}
