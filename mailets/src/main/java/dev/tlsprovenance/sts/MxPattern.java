package dev.tlsprovenance.sts;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import dev.tlsprovenance.policy.CertificateIdentities;

/**
 * One {@code mx} value of an MTA-STS policy (RFC 8461 sections 3.2 and 4.1): a host name, or {@code *.} followed
 * by a domain, the wildcard standing for exactly one whole left-most label. Compared without regard to case and
 * to one trailing dot (DNS answers carry it, policies usually do not).
 *
 * <p>The same pattern serves twice, as Postfix's STS MX patterns do: to say which MX hosts may be used, and as a
 * reference identity the MX's certificate must match (see {@link #matchesCertificateName(String)}).
 *
 * <p>Immutable; {@link #text()} is the canonical form (lower case, no trailing dot).
 */
public final class MxPattern {
    private static final int MAX_NAME = 253;
    private static final int MAX_LABEL = 63;

    private final String text;
    private final boolean wildcard;
    /** The domain after {@code *.} for a wildcard, else the whole host name. */
    private final String base;

    private MxPattern(String text, boolean wildcard, String base) {
        this.text = text;
        this.wildcard = wildcard;
        this.base = base;
    }

    /**
     * Reads {@code ["*."] Domain} (RFC 5321 Domain: letter-digit-hyphen labels), with an optional trailing dot.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static MxPattern parse(String value) {
        Objects.requireNonNull(value, "value");
        boolean wildcard = value.startsWith("*.");
        String domain = wildcard ? value.substring(2) : value;
        Optional<String> problem = domainProblem(domain);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("not an MX pattern (\"*.\" and a domain, or a host name): '"
                    + value + "': " + problem.get());
        }
        String base = canonical(domain);
        return new MxPattern(wildcard ? "*." + base : base, wildcard, base);
    }

    /** Whether {@code host} (an MX host name, any case, trailing dot allowed) is matched by this pattern. */
    public boolean matches(String host) {
        if (host == null || domainProblem(host).isPresent()) {
            return false;
        }
        String name = canonical(host);
        if (!wildcard) {
            return name.equals(base);
        }
        int dot = name.indexOf('.');
        return dot > 0 && name.substring(dot + 1).equals(base);
    }

    /**
     * Whether a DNS-ID from a certificate's subject alternative names matches this pattern taken as the reference
     * identity, by the project's one RFC 6125 rule ({@link CertificateIdentities#matches}): an exact pattern
     * matches the same name or a certificate wildcard covering its left-most label (never a wildcard over a
     * single-label suffix such as {@code *.com}); a wildcard pattern matches the same wildcard or any name one
     * label below its domain.
     */
    public boolean matchesCertificateName(String dnsId) {
        if (dnsId == null || dnsId.isEmpty()) {
            return false;
        }
        return CertificateIdentities.matches(CertificateIdentities.normalise(dnsId), text);
    }

    public boolean isWildcard() {
        return wildcard;
    }

    /** Lower case, no trailing dot: {@code *.example.com} or {@code mx.example.com}. */
    public String text() {
        return text;
    }

    /**
     * Why {@code name} is not an RFC 5321 Domain (labels of letters, digits and inner hyphens, at most 63 octets,
     * 253 in all), one trailing dot allowed; empty when it is one.
     */
    static Optional<String> domainProblem(String name) {
        String body = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (body.isEmpty()) {
            return Optional.of("empty domain");
        }
        if (body.length() > MAX_NAME) {
            return Optional.of("longer than " + MAX_NAME + " characters");
        }
        int start = 0;
        while (true) {
            int end = body.indexOf('.', start);
            String label = end < 0 ? body.substring(start) : body.substring(start, end);
            Optional<String> problem = labelProblem(label);
            if (problem.isPresent()) {
                return problem;
            }
            if (end < 0) {
                return Optional.empty();
            }
            start = end + 1;
        }
    }

    private static Optional<String> labelProblem(String label) {
        if (label.isEmpty()) {
            return Optional.of("empty label");
        }
        if (label.length() > MAX_LABEL) {
            return Optional.of("label longer than " + MAX_LABEL + " characters: " + label);
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean letterDigit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!letterDigit && !(c == '-' && i > 0 && i < label.length() - 1)) {
                return Optional.of("character '" + c + "' at position " + (i + 1) + " of label '" + label + "'");
            }
        }
        return Optional.empty();
    }

    static String canonical(String name) {
        String body = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return body.toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MxPattern && ((MxPattern) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
