package dev.tlsprovenance.cli.doctor;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** Certificate names vs host names, as RFC 6125 peers compare them (DNS SANs; the CN only without any SAN). */
final class HostNames {
    private static final int DNS_NAME = 2;

    private HostNames() {
    }

    static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (((Integer) alternative.get(0)) == DNS_NAME) {
                        names.add(((String) alternative.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // fall back to the CN below
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                    }
                }
            } catch (InvalidNameException e) {
                // no usable name at all
            }
        }
        return names;
    }

    static boolean covers(List<String> certificateNames, String host) {
        String wanted = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        for (String name : certificateNames) {
            if (name.equals(wanted)) {
                return true;
            }
            if (name.startsWith("*.") && wanted.indexOf('.') > 0
                    && wanted.substring(wanted.indexOf('.')).equals(name.substring(1))) {
                return true;
            }
        }
        return false;
    }
}
