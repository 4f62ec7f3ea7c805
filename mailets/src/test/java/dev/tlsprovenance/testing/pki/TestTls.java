package dev.tlsprovenance.testing.pki;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS material one side of a handshake holds: an optional identity (key and chain) and the anchors
 * it trusts, optionally with CRLs. Reads like OkHttp's {@code HandshakeCertificates}:
 *
 * <pre>{@code
 * TestTls client = TestTls.builder()
 *     .identity(TestPki.shared().client("on-prem.test"))
 *     .trust(TestPki.shared().root())
 *     .build();
 * }</pre>
 *
 * Revocation checking never touches the network: only the CRLs given here are consulted (CRLs are
 * preferred, OCSP and CRL distribution points are not fetched), and a chain whose status cannot be
 * determined from them fails.
 */
public final class TestTls {
    /** The alias James's keystore loader and our PKCS12 files use for the identity. */
    public static final String KEY_ALIAS = "james";
    private static final char[] IN_MEMORY_PASSWORD = "changeit".toCharArray();

    private final TestCertificate identity;
    private final List<X509Certificate> anchors;
    private final List<X509CRL> revocationLists;
    private final X509KeyManager keyManager;
    private final X509TrustManager trustManager;
    private final SSLContext sslContext;

    private TestTls(Builder builder) throws GeneralSecurityException, IOException {
        this.identity = builder.identity;
        this.anchors = Collections.unmodifiableList(anchors(builder));
        this.revocationLists = Collections.unmodifiableList(new ArrayList<>(builder.revocationLists));
        this.keyManager = identity == null ? null : keyManager(identity);
        this.trustManager = trustManager(anchors, revocationLists);
        this.sslContext = SSLContext.getInstance("TLS");
        sslContext.init(keyManager == null ? null : new KeyManager[] {keyManager},
            new TrustManager[] {trustManager}, null);
    }

    public static Builder builder() {
        return new Builder();
    }

    public SSLContext sslContext() {
        return sslContext;
    }

    public Optional<X509KeyManager> keyManager() {
        return Optional.ofNullable(keyManager);
    }

    public X509TrustManager trustManager() {
        return trustManager;
    }

    public Optional<TestCertificate> identity() {
        return Optional.ofNullable(identity);
    }

    public List<X509Certificate> trustedCertificates() {
        return anchors;
    }

    /** The identity's key and chain under alias {@value #KEY_ALIAS}, as James's {@code <keystore>} reads it. */
    public Path writeKeyStorePkcs12(Path file, String password) {
        TestCertificate leaf = identity().orElseThrow(() -> new IllegalStateException("no identity to write"));
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry(KEY_ALIAS, leaf.privateKey(), password.toCharArray(),
                leaf.chain().toArray(new Certificate[0]));
            return store(keyStore, file, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write key store " + file, e);
        }
    }

    public Path writeTrustStorePkcs12(Path file, String password) {
        try {
            return store(trustStore(anchors), file, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write trust store " + file, e);
        }
    }

    public Path writeTrustPem(Path file) {
        return write(file, Pem.certificates(anchors));
    }

    public void writeIdentityPem(Path key, Path chain) {
        TestCertificate leaf = identity().orElseThrow(() -> new IllegalStateException("no identity to write"));
        write(key, leaf.privateKeyPem());
        write(chain, Pem.certificates(leaf.chain()));
    }

    private static Path write(Path file, String text) {
        try {
            createParent(file);
            return Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path store(KeyStore keyStore, Path file, String password) throws GeneralSecurityException, IOException {
        createParent(file);
        try (OutputStream out = Files.newOutputStream(file)) {
            keyStore.store(out, password.toCharArray());
        }
        return file;
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static List<X509Certificate> anchors(Builder builder) throws GeneralSecurityException {
        List<X509Certificate> anchors = new ArrayList<>(builder.anchors);
        if (builder.trustJvmDefaults) {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager) {
                    anchors.addAll(Arrays.asList(((X509TrustManager) manager).getAcceptedIssuers()));
                }
            }
        }
        return anchors;
    }

    private static X509KeyManager keyManager(TestCertificate identity) throws GeneralSecurityException, IOException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry(KEY_ALIAS, identity.privateKey(), IN_MEMORY_PASSWORD,
            identity.chain().toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keyStore, IN_MEMORY_PASSWORD);
        for (KeyManager manager : factory.getKeyManagers()) {
            if (manager instanceof X509KeyManager) {
                return (X509KeyManager) manager;
            }
        }
        throw new IllegalStateException("no X509KeyManager from " + factory.getAlgorithm());
    }

    private static X509TrustManager trustManager(List<X509Certificate> anchors, List<X509CRL> crls)
        throws GeneralSecurityException, IOException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        if (anchors.isEmpty()) {
            // An empty KeyStore is rejected by PKIX; trust nothing is still a valid test set-up.
            factory.init(emptyTrust());
        } else if (crls.isEmpty()) {
            factory.init(trustStore(anchors));
        } else {
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(trustStore(anchors), new X509CertSelector());
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
            PKIXRevocationChecker revocation =
                (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX").getRevocationChecker();
            revocation.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                PKIXRevocationChecker.Option.NO_FALLBACK));
            parameters.addCertPathChecker(revocation);
            parameters.setRevocationEnabled(true);
            factory.init(new CertPathTrustManagerParameters(parameters));
        }
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager) {
                return (X509TrustManager) manager;
            }
        }
        throw new IllegalStateException("no X509TrustManager from PKIX");
    }

    private static KeyStore emptyTrust() throws GeneralSecurityException, IOException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setCertificateEntry("nobody", TestPki.shared().unknownRoot().certificate());
        return keyStore;
    }

    static KeyStore trustStore(List<X509Certificate> anchors) throws GeneralSecurityException, IOException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        int index = 0;
        for (X509Certificate anchor : anchors) {
            keyStore.setCertificateEntry("trusted-" + index++, anchor);
        }
        return keyStore;
    }

    public static final class Builder {
        private TestCertificate identity;
        private final List<X509Certificate> anchors = new ArrayList<>();
        private boolean trustJvmDefaults;
        private final List<X509CRL> revocationLists = new ArrayList<>();

        private Builder() {
        }

        /** The leaf whose key and chain this side presents. */
        public Builder identity(TestCertificate leaf) {
            this.identity = Objects.requireNonNull(leaf);
            return this;
        }

        public Builder trust(TestCertificate... anchors) {
            for (TestCertificate anchor : anchors) {
                this.anchors.add(anchor.certificate());
            }
            return this;
        }

        public Builder trustJvmDefaults() {
            this.trustJvmDefaults = true;
            return this;
        }

        /** Enables PKIX revocation checking against exactly these CRLs (one per CA in the chain). */
        public Builder revocationLists(X509CRL... crls) {
            revocationLists.addAll(Arrays.asList(crls));
            return this;
        }

        public TestTls build() {
            try {
                return new TestTls(this);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot build TLS material", e);
            }
        }
    }
}
