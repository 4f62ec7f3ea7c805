package dev.tlsprovenance.outbound;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CRL;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What a server certificate chain is checked against: the JVM's default anchors or a private CA bundle (PEM), plus
 * the certificate revocation lists found in that bundle ("-----BEGIN X509 CRL-----" blocks).
 */
public final class TrustMaterial {
    private final String name;
    private final Set<TrustAnchor> anchors;
    private final List<X509CRL> revocationLists;

    private TrustMaterial(String name, Set<TrustAnchor> anchors, List<X509CRL> revocationLists) {
        this.name = name;
        this.anchors = Set.copyOf(anchors);
        this.revocationLists = List.copyOf(revocationLists);
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
            return new TrustMaterial("jvm-default", anchors, List.of());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the JVM's default trust anchors", e);
        }
    }

    /** Reads a PEM bundle of CA certificates (trust anchors) and optional CRLs. */
    public static TrustMaterial privateCa(Path pemBundle) throws IOException {
        String pem = Files.readString(pemBundle, StandardCharsets.US_ASCII);
        Set<TrustAnchor> anchors = new HashSet<>();
        List<X509CRL> crls = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (String block : blocks(pem, "CERTIFICATE")) {
                Collection<? extends Certificate> certificates = factory.generateCertificates(stream(block));
                for (Certificate certificate : certificates) {
                    anchors.add(new TrustAnchor((X509Certificate) certificate, null));
                }
            }
            for (String block : blocks(pem, "X509 CRL")) {
                for (CRL crl : factory.generateCRLs(stream(block))) {
                    crls.add((X509CRL) crl);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(pemBundle + ": not a PEM bundle of certificates/CRLs: " + e.getMessage(), e);
        }
        if (anchors.isEmpty()) {
            throw new IOException(pemBundle + ": no CA certificate found");
        }
        return new TrustMaterial("private-ca:" + pemBundle, anchors, crls);
    }

    /** Same anchors with extra CRLs (e.g. supplied by a test or a separate file). */
    public TrustMaterial withRevocationLists(Collection<X509CRL> more) {
        List<X509CRL> all = new ArrayList<>(revocationLists);
        all.addAll(more);
        return new TrustMaterial(name, anchors, all);
    }

    /** "jvm-default" or "private-ca:/path/ca.pem": recorded as the verification's trust. */
    public String name() {
        return name;
    }

    public Set<TrustAnchor> anchors() {
        return anchors;
    }

    public List<X509CRL> revocationLists() {
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
