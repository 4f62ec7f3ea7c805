package dev.tlsprovenance.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.configuration2.ex.ConfigurationException;

import dev.tlsprovenance.distribution.webadmin.AdminTokens;
import dev.tlsprovenance.distribution.webadmin.WebAdminKeys;
import dev.tlsprovenance.distribution.webadmin.WebAdminSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code tls-provenance admin-token}: prints a WebAdmin bearer token for this server, signed with the private key
 * the server generated at first start ({@code jwt.privatekeypem.url} in {@code conf/webadmin.properties}), so that
 * {@code curl -H "Authorization: Bearer $(bin/tls-provenance admin-token)" http://127.0.0.1:8000/domains} works.
 * Only a user who can read that key (mode 0600, the server's user) can get a token.
 */
@Command(name = "admin-token", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = AdminTokenCommand.EXIT_USAGE,
    description = {"Print a WebAdmin bearer token for this server (signed with its var/webadmin private key).",
        "Use it as: curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8000/domains"},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:token printed", "1:no token can be made here (no key, unreadable key, tokens off)", "2:usage error"})
public final class AdminTokenCommand implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_NO_TOKEN = 1;
    static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR",
        description = "Distribution directory holding conf/ and var/ (default: the one this command belongs to, else the current directory).")
    Path home = Path.of(System.getProperty("working.directory", "."));

    @Option(names = "--valid-for", paramLabel = "DURATION", converter = LifetimeConverter.class,
        description = "How long the token is valid: 90s, 30m, 12h, 7d or ISO-8601 (PT1H); at most 366d. Default: 1h.")
    Duration validFor = AdminTokens.DEFAULT_LIFETIME;

    @Option(names = "--subject", paramLabel = "NAME",
        description = "Who the token is for (its sub claim, logged by WebAdmin). Default: admin.")
    String subject = AdminTokens.DEFAULT_SUBJECT;

    private final Clock clock;

    public AdminTokenCommand() {
        this(Clock.systemUTC());
    }

    AdminTokenCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws ConfigurationException {
        if (subject.isBlank()) {
            return refuse(EXIT_USAGE, "--subject must not be empty (WebAdmin refuses a token without sub)");
        }
        Path homeDirectory = home.toAbsolutePath().normalize();
        Optional<WebAdminSettings> settings = WebAdminSettings.read(homeDirectory);
        if (settings.isEmpty()) {
            return refuse(EXIT_NO_TOKEN, "no " + homeDirectory.resolve(WebAdminSettings.FILE) + " (is --home the distribution directory?)");
        }
        if (!settings.get().jwtEnabled()) {
            return refuse(EXIT_NO_TOKEN, settings.get().file() + " has jwt.enabled=false: WebAdmin takes no token");
        }
        if (settings.get().privateKey().isEmpty()) {
            return refuse(EXIT_NO_TOKEN, settings.get().file() + " sets no jwt.privatekeypem.url: tokens for this server are issued elsewhere");
        }
        Path keyFile = settings.get().privateKey().get();
        if (!Files.exists(keyFile)) {
            return refuse(EXIT_NO_TOKEN, "no " + keyFile + ": start the server once (bin/james-server), it generates the key");
        }
        PrivateKey key;
        try {
            key = WebAdminKeys.readPrivateKey(keyFile);
        } catch (AccessDeniedException e) {
            return refuse(EXIT_NO_TOKEN, "cannot read " + keyFile + ": run this as the server's user (the key is mode 0600)");
        } catch (IOException e) {
            return refuse(EXIT_NO_TOKEN, "cannot read " + keyFile + ": " + e.getMessage());
        }
        Instant now = clock.instant();
        spec.commandLine().getOut().println(AdminTokens.issue(key, subject, now, now.plus(validFor)));
        spec.commandLine().getOut().flush();
        return EXIT_OK;
    }

    private int refuse(int exitCode, String message) {
        spec.commandLine().getErr().println("admin-token: " + message);
        spec.commandLine().getErr().flush();
        return exitCode;
    }

    /** {@code 90s}, {@code 30m}, {@code 12h}, {@code 7d}, or an ISO-8601 duration; positive, at most 366 days. */
    static final class LifetimeConverter implements ITypeConverter<Duration> {
        private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([smhd])");

        @Override
        public Duration convert(String value) {
            Duration duration = parse(value.strip().toLowerCase(Locale.ROOT));
            if (duration.isNegative() || duration.isZero() || duration.compareTo(AdminTokens.MAXIMUM_LIFETIME) > 0) {
                throw new TypeConversionException("'" + value + "' is not between 1s and 366d");
            }
            return duration;
        }

        private static Duration parse(String value) {
            Matcher match = SHORT.matcher(value);
            if (match.matches()) {
                long amount = Long.parseLong(match.group(1));
                return switch (match.group(2)) {
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            try {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a duration (90s, 30m, 12h, 7d or ISO-8601 like PT1H)");
            }
        }
    }
}
