package dev.tlsprovenance.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One {@code key=value} per line, {@code #} and {@code !} start comment lines, blank lines ignored; the separator is
 * the first {@code =} or {@code :}, as in {@code java.util.Properties}. The reader of {@code conf/dane.properties},
 * {@code conf/mta-sts.properties} and {@code conf/tls-rpt.properties}.
 * <p>Hand-written rather than {@code java.util.Properties} because an administrator's mistake must be named by file,
 * line and key, and {@code Properties} forgets line numbers, silently keeps the last of a repeated key and takes any
 * key at all. Here an unknown key, a repeated key or a line without a separator is refused with
 * {@code dane.properties:3: ...}, and a value that cannot be used with {@code dane.properties:3: dnssec.queryTimeout: ...}.
 * Immutable. Pure Java.
 */
public final class SettingsFile {
    private final String name;
    private final Map<String, Setting> settings;

    private SettingsFile(String name, Map<String, Setting> settings) {
        this.name = name;
        this.settings = Collections.unmodifiableMap(settings);
    }

    /** A value that cannot be used, or a file that cannot be read; the message names the file, line and key. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /** One line's setting and where it was written ({@code dane.properties:3}). */
    public static final class Setting {
        private final String where;
        private final String key;
        private final String value;

        Setting(String where, String key, String value) {
            this.where = where;
            this.key = key;
            this.value = value;
        }

        public String where() {
            return where;
        }

        public String key() {
            return key;
        }

        public String value() {
            return value;
        }

        /**
         * The value as {@code parser} reads it; an {@link IllegalArgumentException} of the parser becomes
         * {@code where: key: message} ({@code 'x' is not a number} for a {@link NumberFormatException}).
         */
        public <T> T parse(Function<String, T> parser) throws Invalid {
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                throw invalid(e instanceof NumberFormatException ? "'" + value + "' is not a number" : e.getMessage());
            }
        }

        /** Runs {@code setter}, which checks the parsed value; its {@link IllegalArgumentException} names this line. */
        public void apply(Runnable setter) throws Invalid {
            try {
                setter.run();
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
        }

        /** {@code where: key: message}. */
        public Invalid invalid(String message) {
            return new Invalid(where + ": " + key + ": " + message);
        }
    }

    /** @param keys every key the file may hold, in the order an error message lists them */
    public static SettingsFile read(Path file, List<String> keys) throws Invalid {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Invalid(file + ": cannot be read: " + e.getMessage());
        }
        return parse(String.valueOf(file.getFileName()), lines, keys);
    }

    /** @param name how lines are named in messages: {@code name:line} */
    public static SettingsFile parse(String name, List<String> lines, List<String> keys) throws Invalid {
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            String where = name + ":" + (i + 1);
            int separator = firstSeparator(line);
            if (separator < 1) {
                throw new Invalid(where + ": expected key=value, got '" + line + "'");
            }
            String key = line.substring(0, separator).strip();
            String value = line.substring(separator + 1).strip();
            if (!keys.contains(key)) {
                throw new Invalid(where + ": unknown key '" + key + "' (expected one of " + String.join(", ", keys) + ")");
            }
            Setting earlier = settings.get(key);
            if (earlier != null) {
                throw new Invalid(where + ": " + key + " is already set at " + earlier.where);
            }
            settings.put(key, new Setting(where, key, value));
        }
        return new SettingsFile(name, settings);
    }

    private static int firstSeparator(String line) {
        int equals = line.indexOf('=');
        int colon = line.indexOf(':');
        if (equals < 0) {
            return colon;
        }
        return colon < 0 ? equals : Math.min(equals, colon);
    }

    /** The file name, as messages name it. */
    public String name() {
        return name;
    }

    public Optional<Setting> get(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    /** The parsed value of {@code key}, or {@code fallback} when the file does not set it. */
    public <T> T value(String key, T fallback, Function<String, T> parser) throws Invalid {
        Setting setting = settings.get(key);
        return setting == null ? fallback : setting.parse(parser);
    }
}
