package dev.tlsprovenance.outbound;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What a server certificate chain is checked against: the JVM's default anchors or a private CA bundle (PEM
 * certificates only), and optionally the row's revocation list file ({@code crl=}). CRLs live only in that file:
 * a CA bundle holding CRL blocks is refused rather than half-used.
 */
public final class TrustMaterial {
    private final String name;
    private final Set<TrustAnchor> anchors;
    private final Optional<RevocationListFile> revocationLists;

    private TrustMaterial(String name, Set<TrustAnchor> anchors, Optional<RevocationListFile> revocationLists) {
        this.name = name;
        this.anchors = Set.copyOf(anchors);
        this.revocationLists = revocationLists;
    }

    /** The anchors the JVM trusts by default (its cacerts, or javax.net.ssl.trustStore when set). */
    public static TrustMaterial jvmDefault() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            Set<TrustAnchor> anchors = new HashSet<>();
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager) {
                    for (X509Certificate issuer : ((X509TrustManager) manager).getAcceptedIssuers()) {
                        anchors.add(new TrustAnchor(issuer, null));
                    }
                }
            }
            return new TrustMaterial("jvm-default", anchors, Optional.empty());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the JVM's default trust anchors", e);
        }
    }

    /** Reads a PEM bundle of CA certificates (trust anchors). */
    public static TrustMaterial privateCa(Path pemBundle) throws IOException {
        String pem = Files.readString(pemBundle, StandardCharsets.US_ASCII);
        if (pem.contains("-----BEGIN X509 CRL-----")) {
            throw new IOException(pemBundle + ": a CA bundle holds certificates only; put CRLs in the file named by crl=");
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (String block : blocks(pem, "CERTIFICATE")) {
                Collection<? extends Certificate> certificates = factory.generateCertificates(stream(block));
                for (Certificate certificate : certificates) {
                    anchors.add(new TrustAnchor((X509Certificate) certificate, null));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(pemBundle + ": not a PEM bundle of certificates: " + e.getMessage(), e);
        }
        if (anchors.isEmpty()) {
            throw new IOException(pemBundle + ": no CA certificate found");
        }
        return new TrustMaterial("private-ca:" + pemBundle, anchors, Optional.empty());
    }

    /**
     * Same anchors, and every server certificate must be shown not revoked by the CRLs in {@code pemCrlFile}.
     * The file is read when first needed and again when it changes.
     */
    public TrustMaterial withRevocationLists(Path pemCrlFile) {
        return new TrustMaterial(name, anchors, Optional.of(new RevocationListFile(pemCrlFile)));
    }

    /** "jvm-default" or "private-ca:/path/ca.pem": recorded as the verification's trust. */
    public String name() {
        return name;
    }

    public Set<TrustAnchor> anchors() {
        return anchors;
    }

    /** Empty: revocation is not checked. */
    public Optional<RevocationListFile> revocationLists() {
        return revocationLists;
    }

    private static List<String> blocks(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        List<String> blocks = new ArrayList<>();
        int from = 0;
        while (true) {
            int start = pem.indexOf(begin, from);
            if (start < 0) {
                return blocks;
            }
            int stop = pem.indexOf(end, start);
            if (stop < 0) {
                return blocks;
            }
            blocks.add(pem.substring(start, stop + end.length()) + "\n");
            from = stop + end.length();
        }
    }

    private static ByteArrayInputStream stream(String block) {
        return new ByteArrayInputStream(block.getBytes(StandardCharsets.US_ASCII));
    }
}
