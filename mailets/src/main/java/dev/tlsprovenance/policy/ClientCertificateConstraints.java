package dev.tlsprovenance.policy;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a client certificate must satisfy for {@code inbound=require-verified-client-cert}: a chain to
 * the row's trust anchors (a PEM bundle; without one, the listener's or JVM's trust), and, when given,
 * one of the expected names (matched by RFC 6125 against the certificate's DNS identities, see
 * {@link CertificateIdentities}: the DNS SANs, the subject CN only without any DNS SAN; {@code *.example.test}
 * wildcards allowed on both sides) and one of
 * the SHA-256 pins (of the certificate DER or of its SubjectPublicKeyInfo DER). With a revocation list
 * (a PEM file of X.509 CRLs) the client certificate must not be listed in it.
 */
public final class ClientCertificateConstraints {
    private static final ClientCertificateConstraints NONE =
            new ClientCertificateConstraints(Optional.empty(), Set.of(), Set.of(), Optional.empty());

    private final Optional<Path> trustAnchors;
    private final Set<String> expectedNames;
    private final Set<String> pinsSha256;
    private final Optional<Path> revocationLists;

    private ClientCertificateConstraints(Optional<Path> trustAnchors, Set<String> expectedNames, Set<String> pinsSha256,
                                         Optional<Path> revocationLists) {
        this.trustAnchors = trustAnchors;
        this.expectedNames = expectedNames;
        this.pinsSha256 = pinsSha256;
        this.revocationLists = revocationLists;
    }

    public static ClientCertificateConstraints none() {
        return NONE;
    }

    public static ClientCertificateConstraints of(Optional<Path> trustAnchors, Collection<String> expectedNames,
                                                  Collection<String> pinsSha256) {
        return of(trustAnchors, expectedNames, pinsSha256, Optional.empty());
    }

    public static ClientCertificateConstraints of(Optional<Path> trustAnchors, Collection<String> expectedNames,
                                                  Collection<String> pinsSha256, Optional<Path> revocationLists) {
        return new ClientCertificateConstraints(Objects.requireNonNull(trustAnchors),
                Set.copyOf(new LinkedHashSet<>(expectedNames)), Set.copyOf(new LinkedHashSet<>(pinsSha256)),
                Objects.requireNonNull(revocationLists));
    }

    public Optional<Path> trustAnchors() {
        return trustAnchors;
    }

    public Set<String> expectedNames() {
        return expectedNames;
    }

    public Set<String> pinsSha256() {
        return pinsSha256;
    }

    /** PEM file of X.509 CRLs (of the CA issuing client certificates); without it revocation is not checked. */
    public Optional<Path> revocationLists() {
        return revocationLists;
    }

    /**
     * Whether one of the certificate's DNS identities ({@link CertificateIdentities#dnsIdentities}, never a CN
     * beside a DNS SAN) satisfies {@link #expectedNames()}.
     */
    public boolean namesMatch(Collection<String> certificateDnsIdentities) {
        return expectedNames.isEmpty() || CertificateIdentities.matchesAny(certificateDnsIdentities, expectedNames);
    }

    /** Whether the certificate or public-key fingerprint satisfies {@link #pinsSha256()}. */
    public boolean pinsMatch(String certificateSha256, String publicKeySha256) {
        return pinsSha256.isEmpty() || pinsSha256.contains(certificateSha256) || pinsSha256.contains(publicKeySha256);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ClientCertificateConstraints)) {
            return false;
        }
        ClientCertificateConstraints other = (ClientCertificateConstraints) o;
        return trustAnchors.equals(other.trustAnchors) && expectedNames.equals(other.expectedNames)
                && pinsSha256.equals(other.pinsSha256) && revocationLists.equals(other.revocationLists);
    }

    @Override
    public int hashCode() {
        return Objects.hash(trustAnchors, expectedNames, pinsSha256, revocationLists);
    }

    @Override
    public String toString() {
        return "ClientCertificateConstraints{trustAnchors=" + trustAnchors.map(Path::toString).orElse("-")
                + ", expectedNames=" + expectedNames + ", pins=" + pinsSha256.size()
                + ", crl=" + revocationLists.map(Path::toString).orElse("-") + "}";
    }
}
