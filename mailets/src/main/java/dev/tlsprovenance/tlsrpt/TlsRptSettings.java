package dev.tlsprovenance.tlsrpt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code conf/tls-rpt.properties}: whether and as whom this server sends TLS-RPT reports. {@code key=value} lines,
 * {@code #} comments; every key optional, a missing file means all defaults (sending on):
 * <pre>
 * enabled=true                       # false: no report is sent (the WebAdmin preview still works)
 * submitter=mx.example.org           # our host name; default: the postmaster's domain
 * organization-name=Example Org      # default: the submitter
 * contact-info=postmaster@example.org # default: the postmaster
 * sender=noreply-tlsrpt@example.org  # From and envelope sender of report mail; default noreply-tlsrpt@&lt;submitter&gt;
 * sending-mta-ip=192.0.2.1           # our outbound address for failure-details; default: left out
 * send-delay=PT15M                   # how long after 00:00 UTC yesterday's reports go out (ISO-8601 duration)
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
        this.sendDelay = values.containsKey("send-delay") ? Duration.parse(values.get("send-delay")) : DEFAULT_DELAY;
    }

    public static TlsRptSettings defaults() {
        return new TlsRptSettings(Map.of());
    }

    /** @throws BadSettingException naming file, line and key */
    public static TlsRptSettings read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return defaults();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1);
            int equals = line.indexOf('=');
            if (equals < 1) {
                throw new BadSettingException(where + ": expected key=value, not '" + line + "'");
            }
            String key = line.substring(0, equals).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(equals + 1).strip();
            if (!KEYS.contains(key)) {
                throw new BadSettingException(where + ": unknown key '" + key + "' (expected one of " + String.join(", ", KEYS) + ")");
            }
            if (values.containsKey(key)) {
                throw new BadSettingException(where + ": key '" + key + "' is set twice");
            }
            check(where, key, value);
            if (!value.isEmpty()) {
                values.put(key, value);
            }
        }
        return new TlsRptSettings(values);
    }

    private static void check(String where, String key, String value) {
        switch (key) {
            case "enabled":
                if (!value.equals("true") && !value.equals("false")) {
                    throw new BadSettingException(where + ": enabled must be true or false, not '" + value + "'");
                }
                break;
            case "send-delay":
                try {
                    Duration delay = Duration.parse(value);
                    if (delay.isNegative() || delay.compareTo(Duration.ofHours(23)) > 0) {
                        throw new BadSettingException(where + ": send-delay must be between PT0S and PT23H, not '" + value + "'");
                    }
                } catch (DateTimeParseException e) {
                    throw new BadSettingException(where + ": send-delay must be an ISO-8601 duration such as PT15M, not '" + value + "'");
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
