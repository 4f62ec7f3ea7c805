package dev.tlsprovenance.policy;

import java.net.IDN;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.naming.InvalidNameException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import dev.tlsprovenance.provenance.CertificateSummary;

/**
 * The DNS names a certificate vouches for, and how they match an expected name, per RFC 6125: the same rule for
 * client certificates ({@code client-names} of a policy row) and server certificates (outbound {@code names}).
 * <ul>
 *   <li>The DNS identities are the subjectAltName dNSName entries. The subject CN counts only when the certificate
 *       has no dNSName at all (section 6.4.4): {@code CN=mx.partner.test} with {@code DNS:other.partner.test} is
 *       {@code other.partner.test} only.</li>
 *   <li>A subject with more than one CN attribute yields no CN identity. RFC 6125 would take the "most specific"
 *       one, but which CN that is depends on how each tool orders RDNs (DER order versus the reversed RFC 4514
 *       string), and no CA issues such subjects for a host name; refusing them means an attacker-controlled second
 *       CN can never be the one that matches. Such a certificate matches by its dNSNames only.</li>
 *   <li>A presented wildcard matches exactly one whole left-most label ({@code *.partner.test} matches
 *       {@code mx.partner.test}, not {@code a.b.partner.test} nor {@code partner.test}, section 6.4.3). An expected
 *       {@code *.suffix} accepts names one label below the suffix, an expected {@code .suffix} (Postfix style) any
 *       depth below it.</li>
 * </ul>
 * Names are compared lower case, in A-label form, without a trailing dot. Pure Java.
 */
public final class CertificateIdentities {
    private static final int SAN_DNS = 2;

    private CertificateIdentities() {
    }

    /** The certificate's DNS identities, normalised, each once, in certificate order. */
    public static List<String> dnsIdentities(X509Certificate certificate) {
        List<String> dnsNames = new ArrayList<>();
        try {
            Collection<List<?>> alternativeNames = certificate.getSubjectAlternativeNames();
            if (alternativeNames != null) {
                for (List<?> entry : alternativeNames) {
                    if (((Integer) entry.get(0)) == SAN_DNS) {
                        dnsNames.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException unreadable) {
            // an unreadable SAN extension vouches for nothing; the CN alone is then judged below
        }
        return dnsIdentities(certificate.getSubjectX500Principal().getName(), dnsNames);
    }

    /**
     * The same rule from a recorded summary: {@code subjectDn} in RFC 2253/4514 form and the certificate's dNSName
     * values (without a {@code DNS:} prefix).
     */
    public static List<String> dnsIdentities(String subjectDn, Collection<String> dnsSubjectAltNames) {
        Set<String> names = new LinkedHashSet<>();
        dnsSubjectAltNames.forEach(name -> names.add(normalise(name)));
        if (names.isEmpty()) {
            soleCommonName(subjectDn).map(CertificateIdentities::normalise).ifPresent(names::add);
        }
        return List.copyOf(names);
    }

    /** The same rule from a recorded summary, whose SANs are typed ({@code DNS:name}, {@code IP:address}, ...). */
    public static List<String> dnsIdentities(CertificateSummary certificate) {
        List<String> dnsNames = new ArrayList<>();
        for (String alternativeName : certificate.subjectAltNames()) {
            if (alternativeName.regionMatches(true, 0, "DNS:", 0, 4)) {
                dnsNames.add(alternativeName.substring(4));
            }
        }
        return dnsIdentities(certificate.subject(), dnsNames);
    }

    /** True when one of the presented identities satisfies one of the expected names or patterns. */
    public static boolean matchesAny(Collection<String> presentedIdentities, Collection<String> expected) {
        for (String want : expected) {
            String normalisedWant = normalise(want);
            for (String got : presentedIdentities) {
                if (matches(normalise(got), normalisedWant)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Both arguments already {@link #normalise normalised}. */
    public static boolean matches(String presented, String expected) {
        if (expected.startsWith("*.") || expected.startsWith(".")) {
            String suffix = expected.startsWith("*.") ? expected.substring(1) : expected;
            boolean oneLabelOnly = expected.startsWith("*.");
            if (presented.equals("*" + suffix)) {
                return true;
            }
            if (presented.startsWith("*.")) {
                // a presented wildcard below the expected suffix is covered only by a "." (any depth) pattern
                return !oneLabelOnly && presented.substring(1).endsWith(suffix);
            }
            if (!presented.endsWith(suffix) || presented.length() == suffix.length()) {
                return false;
            }
            String below = presented.substring(0, presented.length() - suffix.length());
            return !oneLabelOnly || !below.contains(".");
        }
        if (presented.startsWith("*.")) {
            int dot = expected.indexOf('.');
            return dot > 0 && expected.substring(dot).equals(presented.substring(1))
                && expected.substring(dot + 1).contains(".");
        }
        return presented.equals(expected);
    }

    /** Lower case, A-labels, no trailing dot; a name that is not a valid IDN is only lower-cased. */
    public static String normalise(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        try {
            return lower.startsWith("*.") ? "*." + IDN.toASCII(lower.substring(2)) : IDN.toASCII(lower);
        } catch (IllegalArgumentException notAnIdn) {
            return lower;
        }
    }

    /** The subject's CN when it has exactly one CN attribute (also counting multi-valued RDNs). */
    static Optional<String> soleCommonName(String subjectDn) {
        List<String> commonNames = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(subjectDn).getRdns()) {
                Attribute cn = rdn.toAttributes().get("cn");
                if (cn != null) {
                    NamingEnumeration<?> values = cn.getAll();
                    while (values.hasMore()) {
                        commonNames.add(String.valueOf(values.next()));
                    }
                }
            }
        } catch (InvalidNameException notADistinguishedName) {
            return Optional.empty();
        } catch (NamingException unreadable) {
            return Optional.empty();
        }
        return commonNames.size() == 1 ? Optional.of(commonNames.get(0)) : Optional.empty();
    }
}
