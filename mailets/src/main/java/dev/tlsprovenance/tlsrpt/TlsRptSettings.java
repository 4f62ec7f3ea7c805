package dev.tlsprovenance.tlsrpt;

import dev.tlsprovenance.outbound.RetrySchedule;
import dev.tlsprovenance.settings.SettingsFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code conf/tls-rpt.properties}: whether and as whom this server sends TLS-RPT reports. {@code key=value} lines
 * read by {@link SettingsFile}, {@code #} comments; every key optional, a missing file means all defaults (sending on):
 * <pre>
 * enabled=true                       # false: no report is sent (the WebAdmin preview still works)
 * submitter=mx.example.org           # our host name; default: the postmaster's domain
 * organization-name=Example Org      # default: the submitter
 * contact-info=postmaster@example.org # default: the postmaster
 * sender=noreply-tlsrpt@example.org  # From and envelope sender of report mail; default noreply-tlsrpt@&lt;submitter&gt;
 * sending-mta-ip=192.0.2.1           # our outbound address for failure-details; default: left out
 * send-delay=15m                     # how long after 00:00 UTC yesterday's reports go out (PT15M also reads)
 * </pre>
 * A key not in this list or a value that cannot be read stops the start with {@link BadSettingException}, naming the
 * file, the line and the key.
 */
public final class TlsRptSettings {
    public static final String FILE = "file://conf/tls-rpt.properties";
    static final List<String> KEYS = List.of("enabled", "submitter", "organization-name", "contact-info", "sender",
        "sending-mta-ip", "send-delay");
    static final Duration DEFAULT_DELAY = Duration.ofMinutes(15);

    private final boolean enabled;
    private final Optional<String> submitter;
    private final Optional<String> organizationName;
    private final Optional<String> contactInfo;
    private final Optional<String> sender;
    private final Optional<String> sendingMtaIp;
    private final Duration sendDelay;

    TlsRptSettings(Map<String, String> values) {
        this.enabled = !"false".equals(values.get("enabled"));
        this.submitter = Optional.ofNullable(values.get("submitter"));
        this.organizationName = Optional.ofNullable(values.get("organization-name"));
        this.contactInfo = Optional.ofNullable(values.get("contact-info"));
        this.sender = Optional.ofNullable(values.get("sender"));
        this.sendingMtaIp = Optional.ofNullable(values.get("sending-mta-ip"));
        this.sendDelay = values.containsKey("send-delay") ? parseDelay(values.get("send-delay")) : DEFAULT_DELAY;
    }

    public static TlsRptSettings defaults() {
        return new TlsRptSettings(Map.of());
    }

    /** @throws BadSettingException naming file, line and key */
    public static TlsRptSettings read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return defaults();
        }
        SettingsFile settings;
        try {
            settings = SettingsFile.read(file, KEYS);
        } catch (SettingsFile.Invalid e) {
            throw new BadSettingException(e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : KEYS) {
            Optional<SettingsFile.Setting> setting = settings.get(key);
            if (setting.isPresent()) {
                check(setting.get().where(), key, setting.get().value());
                if (!setting.get().value().isEmpty()) {
                    values.put(key, setting.get().value());
                }
            }
        }
        return new TlsRptSettings(values);
    }

    /**
     * {@code 15m} as every other duration of conf/ ({@code RetrySchedule}'s form); {@code PT15M} (ISO-8601), which
     * this file took first, still reads.
     */
    static Duration parseDelay(String text) {
        if (text.regionMatches(true, 0, "PT", 0, 2)) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        return RetrySchedule.parseDuration(text);
    }

    private static void check(String where, String key, String value) {
        switch (key) {
            case "enabled":
                if (!value.equals("true") && !value.equals("false")) {
                    throw new BadSettingException(where + ": enabled must be true or false, not '" + value + "'");
                }
                break;
            case "send-delay":
                Duration delay;
                try {
                    delay = parseDelay(value);
                } catch (IllegalArgumentException e) {
                    throw new BadSettingException(where + ": send-delay must be a duration such as 15m (or PT15M), not '" + value + "'");
                }
                if (delay.isNegative() || delay.compareTo(Duration.ofHours(23)) > 0) {
                    throw new BadSettingException(where + ": send-delay must be between 0s and 23h, not '" + value + "'");
                }
                break;
            case "sender":
            case "contact-info":
                if (!value.isEmpty() && (value.indexOf('@') < 1 || value.chars().anyMatch(c -> c <= ' '))) {
                    throw new BadSettingException(where + ": " + key + " must be a mail address, not '" + value + "'");
                }
                break;
            case "submitter":
                if (!value.isEmpty() && !value.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
                    throw new BadSettingException(where + ": submitter must be a host name (A-labels), not '" + value + "'");
                }
                break;
            default:
                break;
        }
    }

    public boolean enabled() {
        return enabled;
    }

    public Duration sendDelay() {
        return sendDelay;
    }

    public Optional<String> sendingMtaIp() {
        return sendingMtaIp;
    }

    /** The submitter, else {@code defaultSubmitter}, lower case. */
    public String submitter(String defaultSubmitter) {
        return submitter.orElse(defaultSubmitter).toLowerCase(Locale.ROOT);
    }

    public String sender(String defaultSubmitter) {
        return sender.orElse("noreply-tlsrpt@" + submitter(defaultSubmitter));
    }

    /** The report's settings, with the postmaster as the default contact. */
    public TlsReport.Settings reportSettings(String defaultSubmitter, String postmaster) {
        String host = submitter(defaultSubmitter);
        return new TlsReport.Settings(organizationName.orElse(host), contactInfo.orElse(postmaster), host, sendingMtaIp);
    }

    /** A setting that cannot be used; the message names file, line and key. */
    public static final class BadSettingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BadSettingException(String message) {
            super(message);
        }
    }
}
