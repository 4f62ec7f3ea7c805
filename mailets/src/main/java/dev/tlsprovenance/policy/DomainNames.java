package dev.tlsprovenance.policy;

import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/**
 * Domain names in the one form the policy table compares: lowercase A-labels without a trailing dot.
 * Also the RFC 6125 style wildcard match used for expected certificate names.
 */
public final class DomainNames {
    private static final int MAX_LABEL = 63;

    private DomainNames() {
    }

    /**
     * Canonical form of a domain for lookups: never fails; a name that is not a valid IDN is only
     * lowercased (it then simply matches no row but the default).
     */
    public static String canonical(String domain) {
        if (domain == null) {
            return "";
        }
        int end = domain.length();
        if (end > 0 && domain.charAt(end - 1) == '.') {
            end--;
        }
        boolean plainLowercaseAscii = true;
        for (int i = 0; i < end; i++) {
            char c = domain.charAt(i);
            if (c >= 0x80 || (c >= 'A' && c <= 'Z')) {
                plainLowercaseAscii = false;
                break;
            }
        }
        String trimmed = end == domain.length() ? domain : domain.substring(0, end);
        if (plainLowercaseAscii) {
            return trimmed;
        }
        return toAscii(trimmed).orElse(trimmed.toLowerCase(Locale.ROOT));
    }

    /**
     * Strict form for names written by an administrator: A-label, lowercase, letters, digits,
     * hyphens and underscores only, labels of 1-63 characters.
     *
     * @return empty when the name is not a valid domain name
     */
    public static Optional<String> strictCanonical(String domain) {
        if (domain == null || domain.isEmpty()) {
            return Optional.empty();
        }
        String withoutDot = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        Optional<String> ascii = toAscii(withoutDot);
        if (ascii.isEmpty() || ascii.get().isEmpty()) {
            return Optional.empty();
        }
        for (String label : ascii.get().split("\\.", -1)) {
            if (label.isEmpty() || label.length() > MAX_LABEL || label.startsWith("-") || label.endsWith("-")) {
                return Optional.empty();
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                if (!allowed) {
                    return Optional.empty();
                }
            }
        }
        return ascii;
    }

    /**
     * Whether {@code name} matches {@code pattern}; a pattern {@code *.example.com} matches exactly one
     * left-most label ({@code a.example.com}, not {@code example.com} nor {@code a.b.example.com}), as in
     * RFC 6125 section 6.4.3. Both sides are compared in canonical form.
     */
    public static boolean matchesPattern(String pattern, String name) {
        String canonicalName = canonical(name);
        if (pattern.startsWith("*.")) {
            String parent = canonical(pattern.substring(2));
            int firstDot = canonicalName.indexOf('.');
            return firstDot > 0 && canonicalName.substring(firstDot + 1).equals(parent);
        }
        return canonical(pattern).equals(canonicalName);
    }

    private static Optional<String> toAscii(String domain) {
        try {
            return Optional.of(IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
