package dev.tlsprovenance.cli.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

import dev.tlsprovenance.servercert.CertificateAssessment;

/**
 * Judges the server's own certificate the way a verifying peer (a hosted service doing "TLS with a trusted
 * certificate") will: chain to a trusted root, validity dates, revocation (when the certificate names a CRL),
 * and whether its names cover the names peers connect to (the SMTP hello name, the MX name).
 */
final class CertificateCheck {
    static final String AREA = "certificate";
    private static final long EXPIRY_WARNING_DAYS = 30;
    private static final Duration CRL_TIMEOUT = Duration.ofSeconds(5);

    private final Set<TrustAnchor> anchors;
    private final Instant now;
    private final boolean network;

    CertificateCheck(Set<TrustAnchor> anchors, Instant now, boolean network) {
        this.anchors = anchors;
        this.now = now;
        this.network = network;
    }

    /** @param expectedNames host name -> why it must be covered (e.g. "SMTP hello name of smtpserver-mx") */
    List<Finding> check(ServerIdentity identity, Map<String, String> expectedNames) {
        X509Certificate leaf = identity.leaf();
        String subject = identity.source() + " (" + leaf.getSubjectX500Principal().getName() + ")";
        List<Finding> findings = new ArrayList<>();
        findings.add(trust(identity, subject));
        findings.add(validity(leaf, subject));
        findings.add(revocation(identity, subject));
        findings.addAll(names(leaf, subject, expectedNames));
        return findings;
    }

    private Finding trust(ServerIdentity identity, String subject) {
        X509Certificate leaf = identity.leaf();
        String issuer = leaf.getIssuerX500Principal().getName();
        if (CertificateAssessment.isSelfSigned(leaf)) {
            return Finding.fail(AREA, subject, "self-signed: peers that verify certificates will not deliver to this server "
                + "over TLS; install a certificate from a trusted CA");
        }
        try {
            validate(withoutAnchors(identity.chain()));
            return Finding.ok(AREA, subject, "chains to a trusted root (issuer " + issuer + ")");
        } catch (CertPathValidatorException e) {
            // An expired or not-yet-valid leaf is reported on its own line; judge its issuer here.
            if (e.getIndex() == 0 && (e.getReason() == BasicReason.EXPIRED || e.getReason() == BasicReason.NOT_YET_VALID)
                    && issuedByTrustedCa(identity.chain())) {
                return Finding.ok(AREA, subject, "issued by a trusted CA (issuer " + issuer + "), apart from its dates");
            }
            return Finding.fail(AREA, subject, "does not chain to a trusted root (issuer " + issuer + "): " + e.getMessage()
                + "; send the full chain (leaf first) or use a certificate from a public CA");
        } catch (GeneralSecurityException e) {
            return Finding.fail(AREA, subject, "cannot validate the chain: " + e.getMessage());
        }
    }

    private void validate(List<X509Certificate> path) throws GeneralSecurityException {
        PKIXParameters parameters = new PKIXParameters(anchors);
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(now));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    }

    /** The leaf's signature checks out against a trusted anchor, or against a next certificate that itself chains. */
    private boolean issuedByTrustedCa(List<X509Certificate> chain) {
        X509Certificate leaf = chain.get(0);
        for (TrustAnchor anchor : anchors) {
            if (anchor.getTrustedCert().getSubjectX500Principal().equals(leaf.getIssuerX500Principal()) && signedBy(leaf, anchor.getTrustedCert())) {
                return true;
            }
        }
        if (chain.size() < 2 || !signedBy(leaf, chain.get(1))) {
            return false;
        }
        try {
            validate(withoutAnchors(chain.subList(1, chain.size())));
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private Finding validity(X509Certificate leaf, String subject) {
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            return Finding.fail(AREA, subject, "not valid before " + day(notBefore));
        }
        long daysLeft = Duration.between(now, notAfter).toDays();
        if (!now.isBefore(notAfter)) {
            return Finding.fail(AREA, subject, "expired on " + day(notAfter) + " (" + Duration.between(notAfter, now).toDays()
                + " days ago): peers that verify certificates refuse it");
        }
        if (daysLeft < EXPIRY_WARNING_DAYS) {
            return Finding.warn(AREA, subject, "expires on " + day(notAfter) + ": " + daysLeft + " days left, renew it");
        }
        return Finding.ok(AREA, subject, "valid until " + day(notAfter) + " (" + daysLeft + " days left)");
    }

    private Finding revocation(ServerIdentity identity, String subject) {
        List<String> locations = crlLocations(identity.leaf());
        if (locations.isEmpty()) {
            return Finding.ok(AREA, subject, "names no CRL location: revocation not checked");
        }
        if (!network) {
            return Finding.warn(AREA, subject, "revocation not checked (--offline); CRL at " + String.join(", ", locations));
        }
        for (String location : locations) {
            try {
                X509CRL crl = fetchCrl(location);
                if (crl.isRevoked(identity.leaf())) {
                    return Finding.fail(AREA, subject, "REVOKED: listed in the CRL at " + location + "; peers checking revocation refuse it");
                }
                return Finding.ok(AREA, subject, "not revoked (CRL at " + location + ")");
            } catch (IOException | GeneralSecurityException e) {
                // try the next location
                if (location.equals(locations.get(locations.size() - 1))) {
                    return Finding.warn(AREA, subject, "CRL at " + location + " unreachable or unreadable (" + e.getMessage()
                        + "): peers that check revocation may refuse the certificate");
                }
            }
        }
        return Finding.warn(AREA, subject, "revocation could not be checked");
    }

    private List<Finding> names(X509Certificate leaf, String subject, Map<String, String> expectedNames) {
        List<String> certificateNames = HostNames.dnsNames(leaf);
        List<Finding> findings = new ArrayList<>();
        expectedNames.forEach((host, why) -> {
            if (HostNames.covers(certificateNames, host)) {
                findings.add(Finding.ok(AREA, subject, "covers " + host + " (" + why + ")"));
            } else {
                findings.add(Finding.fail(AREA, subject, "names " + certificateNames + " do not cover " + host + " (" + why
                    + "): peers that check the name refuse it"));
            }
        });
        return findings;
    }

    private List<X509Certificate> withoutAnchors(List<X509Certificate> chain) {
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            boolean isAnchor = anchors.stream().anyMatch(anchor -> certificate.equals(anchor.getTrustedCert()));
            if (!isAnchor && !(path.size() > 0 && CertificateAssessment.isSelfSigned(certificate))) {
                path.add(certificate);
            }
        }
        return path;
    }

    static List<String> crlLocations(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.cRLDistributionPoints.getId());
        if (extension == null) {
            return List.of();
        }
        List<String> locations = new ArrayList<>();
        try {
            CRLDistPoint points = CRLDistPoint.getInstance(ASN1Primitive.fromByteArray(DEROctetString.getInstance(extension).getOctets()));
            for (DistributionPoint point : points.getDistributionPoints()) {
                DistributionPointName name = point.getDistributionPoint();
                if (name != null && name.getType() == DistributionPointName.FULL_NAME) {
                    for (GeneralName general : GeneralNames.getInstance(name.getName()).getNames()) {
                        if (general.getTagNo() == GeneralName.uniformResourceIdentifier) {
                            locations.add(general.getName().toString());
                        }
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return List.of();
        }
        return locations;
    }

    private static X509CRL fetchCrl(String location) throws IOException, GeneralSecurityException {
        URLConnection connection = new URL(location).openConnection();
        connection.setConnectTimeout((int) CRL_TIMEOUT.toMillis());
        connection.setReadTimeout((int) CRL_TIMEOUT.toMillis());
        try (InputStream in = connection.getInputStream()) {
            Collection<? extends java.security.cert.CRL> crls = CertificateFactory.getInstance("X.509").generateCRLs(in);
            if (crls.isEmpty()) {
                throw new IOException("no CRL in the answer");
            }
            return (X509CRL) crls.iterator().next();
        }
    }

    private static String day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC).toString().toLowerCase(Locale.ROOT);
    }
}
