package dev.tlsprovenance.policy;

import java.util.Locale;
import java.util.Optional;

/** SHA-256 pins as 64 lowercase hex characters; accepts the colon-separated form openssl prints. */
public final class Sha256Pins {
    private static final int HEX_LENGTH = 64;

    private Sha256Pins() {
    }

    /**
     * @return the canonical 64 lowercase hex characters, or empty when {@code pin} is not a SHA-256 value
     */
    public static Optional<String> canonical(String pin) {
        if (pin == null) {
            return Optional.empty();
        }
        String text = pin.trim();
        if (text.regionMatches(true, 0, "sha256:", 0, 7)) {
            text = text.substring(7);
        }
        String hex = text.replace(":", "").toLowerCase(Locale.ROOT);
        if (hex.length() != HEX_LENGTH) {
            return Optional.empty();
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return Optional.empty();
            }
        }
        return Optional.of(hex);
    }
}
