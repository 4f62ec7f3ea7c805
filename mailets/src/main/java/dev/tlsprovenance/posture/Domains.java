package dev.tlsprovenance.posture;

import java.net.IDN;
import java.util.Locale;

/** Recipient domains as the posture keys them: lower case, IDN as A-label (so a query in U-labels finds them). */
final class Domains {
    private Domains() {
    }

    static String ofAddress(String address) {
        int at = address.lastIndexOf('@');
        return normalise(at < 0 ? "" : address.substring(at + 1));
    }

    static String normalise(String domain) {
        String trimmed = domain.trim();
        if (trimmed.endsWith(".")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            return IDN.toASCII(trimmed, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return trimmed.toLowerCase(Locale.ROOT);
        }
    }
}
