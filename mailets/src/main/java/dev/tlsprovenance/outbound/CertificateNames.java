package dev.tlsprovenance.outbound;

import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

import dev.tlsprovenance.policy.CertificateIdentities;

/**
 * RFC 6125 name checks of a server certificate, by the one rule shared with client certificates
 * ({@link CertificateIdentities}): the subjectAltName dNSNames, or the subject CN only when there is no dNSName and
 * the subject has a single CN; a certificate wildcard matches exactly one whole left-most label; an expected
 * "*.example.test" accepts any name one label below example.test, ".example.test" (Postfix style) any depth below it.
 */
public final class CertificateNames {
    private CertificateNames() {
    }

    /** The DNS identities of the certificate, lower case, in certificate order. */
    public static List<String> dnsNames(X509Certificate certificate) {
        return CertificateIdentities.dnsIdentities(certificate);
    }

    /** True when one of the certificate's names satisfies one of the expected names or patterns. */
    public static boolean matchesAny(List<String> certificateNames, Collection<String> expected) {
        return CertificateIdentities.matchesAny(certificateNames, expected);
    }

    static String normalise(String name) {
        return CertificateIdentities.normalise(name);
    }
}
