package dev.tlsprovenance.inbound;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ESMTP parameters of one {@code RCPT TO:<address> KEY=value ...} argument (RFC 5321 section 4.1.2
 * {@code Rcpt-parameters}), split where James 3.8.1's {@code RcptCmdHandler} splits them: after the last {@code >},
 * when a space follows it. Each word is {@code KEY=value} (the key upper-cased, as James does) or a bare {@code KEY}
 * (value empty); runs of spaces are one separator. A parameter given twice is {@link #duplicate() reported}, never
 * resolved: RFC 5321 section 4.1.1.11 leaves its meaning undefined, so the command is refused.
 *
 * <p>Hand-written because no library parses SMTP command parameters and James's own parser is the bug this class
 * exists for (see {@link RcptOptionsCmdHandler}); it is the same few lines of splitting, without the address.
 */
final class RcptOptions {

    private final Map<String, String> parameters;
    private final Optional<String> duplicate;

    private RcptOptions(Map<String, String> parameters, Optional<String> duplicate) {
        this.parameters = parameters;
        this.duplicate = duplicate;
    }

    /** @param argument the whole argument of the RCPT command, {@code TO:<...>} included; may be null */
    static RcptOptions of(String argument) {
        Map<String, String> parameters = new LinkedHashMap<>();
        Optional<String> duplicate = Optional.empty();
        for (String word : optionText(argument).split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            int equals = word.indexOf('=');
            String key = equals > 0 ? word.substring(0, equals).toUpperCase(Locale.US) : word;
            String value = equals > 0 ? word.substring(equals + 1) : "";
            if (parameters.putIfAbsent(key, value) != null && duplicate.isEmpty()) {
                duplicate = Optional.of(key);
            }
        }
        return new RcptOptions(Map.copyOf(parameters), duplicate);
    }

    /** The text after the address, as James cuts it: after the last {@code >} and the one space that must follow. */
    private static String optionText(String argument) {
        if (argument == null || argument.indexOf(':') <= 0) {
            return "";
        }
        String path = argument.substring(argument.indexOf(':') + 1).trim();
        int close = path.lastIndexOf('>');
        if (close > 0 && path.length() > close + 2 && path.charAt(close + 1) == ' ') {
            return path.substring(close + 2);
        }
        return "";
    }

    /** Key (upper-cased for KEY=value) to value (empty for a bare keyword), each key once. */
    Map<String, String> parameters() {
        return parameters;
    }

    /** The first key given more than once, if any. */
    Optional<String> duplicate() {
        return duplicate;
    }
}
