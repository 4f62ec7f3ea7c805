package dev.tlsprovenance.outbound;

import dev.tlsprovenance.policy.OutboundLevel;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.mail.MessagingException;

/**
 * The validated parameters of {@link TlsPolicyRemoteDelivery}. Every bad value fails {@code init()} with a message
 * naming the parameter and the value, so that James refuses to start with a clear reason.
 */
final class DeliverySettings {
    static final String DEFAULT_LEDGER = "file://var/tls-ledger/outbound.jsonl";

    private String outgoingQueue;
    private RetrySchedule retrySchedule;
    private int maxRetries;
    private Optional<String> bounceProcessor;
    private Optional<String> loopProcessor;
    private String heloName;
    private Duration connectionTimeout;
    private Duration readTimeout;
    private int deliveryThreads;
    private int directFirstAttempts;
    private int maxIdleConnectionsPerHop;
    private Duration idleTimeout;
    private Optional<String> ledger;
    private long ledgerMaxBytes;
    private Optional<OutboundLevel> ledgerRequiredFrom;
    private Optional<String> dane;
    private Optional<String> mtaSts;
    private int smtpPort;

    private DeliverySettings() {
    }

    static DeliverySettings read(Function<String, String> parameters, Supplier<String> defaultHeloName) throws MessagingException {
        DeliverySettings settings = new DeliverySettings();
        Params params = new Params(parameters);
        settings.outgoingQueue = params.text("outgoingQueue", "outgoing-tls");
        settings.retrySchedule = params.parse("delays", "5s, 1m, 5m, 30m, 2h", RetrySchedule::parse);
        settings.maxRetries = params.integer("maxRetries", 5, 0);
        settings.bounceProcessor = Optional.ofNullable(blankToNull(parameters.apply("bounceProcessor")));
        settings.loopProcessor = Optional.ofNullable(blankToNull(parameters.apply("loopProcessor")));
        settings.heloName = Optional.ofNullable(blankToNull(parameters.apply("heloName"))).orElseGet(defaultHeloName);
        settings.connectionTimeout = params.parse("connectionTimeout", "30s", RetrySchedule::parseDuration);
        settings.readTimeout = params.parse("readTimeout", "2m", RetrySchedule::parseDuration);
        settings.deliveryThreads = params.integer("deliveryThreads", 4, 1);
        settings.directFirstAttempts = params.integer("directFirstAttempts", 0, 0);
        settings.maxIdleConnectionsPerHop = params.integer("maxIdleConnectionsPerHop", 4, 0);
        settings.idleTimeout = params.parse("idleTimeout", "30s", RetrySchedule::parseDuration);
        String ledger = params.text("ledger", DEFAULT_LEDGER);
        settings.ledger = ledger.equalsIgnoreCase("none") ? Optional.empty() : Optional.of(ledger);
        settings.ledgerMaxBytes = params.integer("ledgerMaxBytes", 10 * 1024 * 1024, 1024);
        String requiredFrom = params.text("ledgerRequiredFrom", OutboundLevel.ENCRYPT.token());
        settings.ledgerRequiredFrom = requiredFrom.equalsIgnoreCase("never") ? Optional.empty()
            : Optional.of(params.parse("ledgerRequiredFrom", requiredFrom, DeliverySettings::levelOrNever));
        String dane = params.text("dane", "none");
        settings.dane = dane.equalsIgnoreCase("none") ? Optional.empty() : Optional.of(dane);
        String mtaSts = params.text("mtaSts", "none");
        settings.mtaSts = mtaSts.equalsIgnoreCase("none") ? Optional.empty() : Optional.of(mtaSts);
        settings.smtpPort = params.integer("smtpPort", NextHop.SMTP_PORT, 1);
        if (settings.smtpPort > 65535) {
            throw new MessagingException("Invalid value for parameter smtpPort: '" + settings.smtpPort + "' (expected 1-65535)");
        }
        if (settings.connectionTimeout.isZero() || settings.readTimeout.isZero()) {
            throw new MessagingException("connectionTimeout and readTimeout must be greater than zero");
        }
        return settings;
    }

    String outgoingQueue() {
        return outgoingQueue;
    }

    RetrySchedule retrySchedule() {
        return retrySchedule;
    }

    int maxRetries() {
        return maxRetries;
    }

    Optional<String> bounceProcessor() {
        return bounceProcessor;
    }

    /** Where a mail whose next hop is this server goes (its repository and DSN); empty: bounced like any failure. */
    Optional<String> loopProcessor() {
        return loopProcessor;
    }

    String heloName() {
        return heloName;
    }

    Duration connectionTimeout() {
        return connectionTimeout;
    }

    Duration readTimeout() {
        return readTimeout;
    }

    int deliveryThreads() {
        return deliveryThreads;
    }

    /**
     * How many first attempts may run at once on the mailet container's own threads, before the mail is put into the
     * outgoing queue (0: none, every mail goes through the queue as with James's RemoteDelivery).
     */
    int directFirstAttempts() {
        return directFirstAttempts;
    }

    int maxIdleConnectionsPerHop() {
        return maxIdleConnectionsPerHop;
    }

    Duration idleTimeout() {
        return idleTimeout;
    }

    Optional<String> ledger() {
        return ledger;
    }

    long ledgerMaxBytes() {
        return ledgerMaxBytes;
    }

    /** The weakest level whose deliveries wait while the ledger cannot be written; empty: none wait ({@code never}). */
    Optional<OutboundLevel> ledgerRequiredFrom() {
        return ledgerRequiredFrom;
    }

    /** Where {@code conf/dane.properties} is; empty ({@code none}, the default): the DANE levels are not configured. */
    Optional<String> dane() {
        return dane;
    }

    /** Where {@code conf/mta-sts.properties} is; empty ({@code none}, the default): MTA-STS is not consulted. */
    Optional<String> mtaSts() {
        return mtaSts;
    }

    /** The TCP port of MX hosts (Postfix's {@code smtp_tcp_port}), 25; their TLSA records are at {@code _<port>._tcp}. */
    int smtpPort() {
        return smtpPort;
    }

    private static OutboundLevel levelOrNever(String token) {
        try {
            return OutboundLevel.parse(token);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + ", or never");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Reads one parameter and turns any parse failure into a message naming it. */
    private static final class Params {
        private final Function<String, String> source;

        Params(Function<String, String> source) {
            this.source = source;
        }

        String text(String name, String fallback) {
            String value = blankToNull(source.apply(name));
            return value == null ? fallback : value;
        }

        <T> T parse(String name, String fallback, Function<String, T> parser) throws MessagingException {
            String value = text(name, fallback);
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                throw new MessagingException("Invalid value for parameter " + name + ": '" + value + "' (" + e.getMessage() + ")");
            }
        }

        int integer(String name, int fallback, int minimum) throws MessagingException {
            String value = text(name, String.valueOf(fallback));
            try {
                int number = Integer.parseInt(value);
                if (number >= minimum) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new MessagingException("Invalid value for parameter " + name + ": '" + value
                + "' (expected a whole number >= " + minimum + ")");
        }
    }
}
