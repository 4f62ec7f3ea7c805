package dev.tlsprovenance.posture;

import java.net.IDN;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of {@code GET /tls/posture}: {@code since} (an ISO-8601 instant, or a duration back from now:
 * {@code 7d}, {@code 24h}, {@code 90m}, {@code PT6H}, {@code P7D}; default {@code 7d}), rounded down to the start of
 * its UTC day; {@code until} (an instant, default now); {@code domain} (exact, case-insensitive, IDN as A-label;
 * {@code .example.org} means every subdomain of example.org, not example.org itself).
 */
public final class PostureQuery {
    public static final Duration DEFAULT_SINCE = Duration.ofDays(7);
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,6})([dhm])");

    /** A parameter that cannot be read; the message names it. */
    public static final class BadParameterException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String parameter;

        BadParameterException(String parameter, String message) {
            super(message);
            this.parameter = parameter;
        }

        public String parameter() {
            return parameter;
        }
    }

    private final Instant since;
    private final Instant until;
    private final Optional<String> domain;

    private PostureQuery(Instant since, Instant until, Optional<String> domain) {
        this.since = since;
        this.until = until;
        this.domain = domain;
    }

    /** Reads the parameters as given (null when absent). */
    public static PostureQuery parse(String since, String until, String domain, Instant now) {
        Instant end = until == null || until.isBlank() ? now : instant("until", until.trim());
        Instant start = since == null || since.isBlank() ? now.minus(DEFAULT_SINCE) : sinceOf(since.trim(), now);
        start = start.truncatedTo(ChronoUnit.DAYS);
        if (start.isAfter(end)) {
            throw new BadParameterException("since", "Invalid parameter since: '" + since + "' is after until (" + end + ")");
        }
        return new PostureQuery(start, end, domain == null || domain.isBlank() ? Optional.empty() : Optional.of(domainOf(domain.trim())));
    }

    public static PostureQuery of(Instant since, Instant until, Optional<String> domain) {
        return new PostureQuery(since.truncatedTo(ChronoUnit.DAYS), until, domain.map(PostureQuery::domainOf));
    }

    private static Instant sinceOf(String text, Instant now) {
        Matcher shortForm = SHORT_DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            ChronoUnit unit = shortForm.group(2).equals("d") ? ChronoUnit.DAYS
                : shortForm.group(2).equals("h") ? ChronoUnit.HOURS : ChronoUnit.MINUTES;
            return now.minus(Duration.of(amount, unit));
        }
        if (text.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                Duration back = Duration.parse(text);
                if (back.isNegative()) {
                    throw new BadParameterException("since", "Invalid parameter since: '" + text + "' is a negative duration");
                }
                return now.minus(back);
            } catch (DateTimeParseException e) {
                throw new BadParameterException("since", "Invalid parameter since: '" + text
                    + "' (expected an ISO-8601 instant such as 2026-11-25T00:00:00Z or a duration such as 7d, 24h, PT6H)");
            }
        }
        return instant("since", text);
    }

    private static Instant instant(String parameter, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadParameterException(parameter, "Invalid parameter " + parameter + ": '" + text
                + "' (expected an ISO-8601 instant such as 2026-11-25T00:00:00Z"
                + (parameter.equals("since") ? " or a duration such as 7d, 24h, PT6H)" : ")"));
        }
    }

    private static String domainOf(String text) {
        boolean subdomains = text.startsWith(".");
        String name = subdomains ? text.substring(1) : text;
        String ascii;
        try {
            ascii = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new BadParameterException("domain", "Invalid parameter domain: '" + text + "' (" + e.getMessage() + ")");
        }
        if (ascii.isEmpty() || !ascii.matches("[a-z0-9_.-]+") || ascii.startsWith(".") || ascii.contains("..")) {
            throw new BadParameterException("domain", "Invalid parameter domain: '" + text
                + "' (expected a domain name, or .domain for its subdomains)");
        }
        return subdomains ? "." + ascii : ascii;
    }

    /** Start of the first UTC day counted. */
    public Instant since() {
        return since;
    }

    public Instant until() {
        return until;
    }

    public Optional<String> domain() {
        return domain;
    }

    LocalDate firstDay() {
        return LocalDate.ofInstant(since, ZoneOffset.UTC);
    }

    LocalDate lastDay() {
        return LocalDate.ofInstant(until, ZoneOffset.UTC);
    }

    boolean matches(String recipientDomain) {
        if (domain.isEmpty()) {
            return true;
        }
        String wanted = domain.get();
        return wanted.startsWith(".") ? recipientDomain.endsWith(wanted) : recipientDomain.equals(wanted);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PostureQuery && since.equals(((PostureQuery) other).since)
            && until.equals(((PostureQuery) other).until) && domain.equals(((PostureQuery) other).domain);
    }

    @Override
    public int hashCode() {
        return Objects.hash(since, until, domain);
    }
}
