package dev.tlsprovenance.outbound;

import java.net.IDN;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * RFC 6125 name checks of a server certificate: the DNS names it claims (subjectAltName dNSName, or the subject
 * CN only when there is no dNSName), matched against the names a policy expects.
 * <p>
 * A certificate wildcard matches exactly one whole left-most label ("*.example.test" matches "mx.example.test",
 * not "a.b.example.test" nor "example.test"). An expected name may itself be a pattern: "*.example.test" accepts
 * any certificate name one label below example.test, ".example.test" (Postfix style) any depth below it.
 */
public final class CertificateNames {
    private CertificateNames() {
    }

    /** The DNS identities of the certificate, lower case, in certificate order. */
    public static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (((Integer) san.get(0)) == 2) {
                        names.add(normalise(String.valueOf(san.get(1))));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // fall through to the CN
        }
        if (names.isEmpty()) {
            commonName(certificate).ifPresentOrElse(cn -> names.add(normalise(cn)), () -> { });
        }
        return names;
    }

    static java.util.Optional<String> commonName(X509Certificate certificate) {
        try {
            LdapName name = new LdapName(certificate.getSubjectX500Principal().getName());
            for (Rdn rdn : name.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return java.util.Optional.of(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }

    /** True when one of the certificate's names satisfies one of the expected names or patterns. */
    public static boolean matchesAny(List<String> certificateNames, Collection<String> expected) {
        for (String want : expected) {
            for (String got : certificateNames) {
                if (matches(got, normalise(want))) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean matches(String certificateName, String expected) {
        if (expected.startsWith("*.") || expected.startsWith(".")) {
            String suffix = expected.startsWith("*.") ? expected.substring(1) : expected;
            boolean oneLabelOnly = expected.startsWith("*.");
            if (certificateName.equals("*" + suffix)) {
                return true;
            }
            if (certificateName.startsWith("*.")) {
                // a certificate wildcard below the expected suffix covers names the pattern accepts only for "." patterns
                return !oneLabelOnly && certificateName.substring(1).endsWith(suffix);
            }
            if (!certificateName.endsWith(suffix) || certificateName.length() == suffix.length()) {
                return false;
            }
            String below = certificateName.substring(0, certificateName.length() - suffix.length());
            return !oneLabelOnly || !below.contains(".");
        }
        if (certificateName.startsWith("*.")) {
            int dot = expected.indexOf('.');
            return dot > 0 && expected.substring(dot).equals(certificateName.substring(1))
                && expected.substring(dot + 1).contains(".");
        }
        return certificateName.equals(expected);
    }

    static String normalise(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        try {
            return lower.startsWith("*.") ? "*." + IDN.toASCII(lower.substring(2)) : IDN.toASCII(lower);
        } catch (IllegalArgumentException e) {
            return lower;
        }
    }
}
