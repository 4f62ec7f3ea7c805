package dev.tlsprovenance.cli.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.tlsprovenance.distribution.ConfiguredListener;

/** The certificate chain a TLS listener presents, read from its PKCS12/JKS keystore or its PEM chain file. */
public record ServerIdentity(String source, List<X509Certificate> chain) {

    public ServerIdentity {
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** Where the listener's certificate lives, as written in the configuration (same file = same identity). */
    static String sourceOf(ConfiguredListener listener) {
        return listener.keystore().orElseGet(() -> listener.certificates().orElse("(none)"));
    }

    /**
     * @throws IOException naming the file and what is wrong with it (missing, unreadable, wrong password, no key)
     */
    static ServerIdentity load(Path home, ConfiguredListener listener) throws IOException {
        if (listener.keystore().isPresent()) {
            return fromKeyStore(ConfiguredListener.resolve(home, listener.keystore().get()), listener.keystoreType(),
                listener.secret().orElse(""), listener.keystore().get());
        }
        if (listener.certificates().isPresent()) {
            return fromPem(ConfiguredListener.resolve(home, listener.certificates().get()), listener.certificates().get());
        }
        throw new IOException("no <keystore> and no <certificates> configured");
    }

    private static ServerIdentity fromKeyStore(Path file, String type, String secret, String written) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("keystore " + file + " does not exist (the server generates a self-signed one at first start)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, secret.toCharArray());
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    Certificate[] chain = store.getCertificateChain(alias);
                    if (chain != null && chain.length > 0) {
                        List<X509Certificate> certificates = new ArrayList<>();
                        for (Certificate certificate : chain) {
                            certificates.add((X509Certificate) certificate);
                        }
                        return new ServerIdentity(written, certificates);
                    }
                }
            }
            throw new IOException("keystore " + file + " holds no private key with a certificate chain");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read keystore " + file + " (type " + type + "): " + e.getMessage(), e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("keystore ")) {
                throw e;
            }
            throw new IOException("cannot read keystore " + file + " (wrong <secret>?): " + e.getMessage(), e);
        }
    }

    private static ServerIdentity fromPem(Path file, String written) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("certificate chain " + file + " does not exist");
        }
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new IOException("no certificate in " + file);
            }
            return new ServerIdentity(written, certificates);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot parse certificate chain " + file + ": " + e.getMessage(), e);
        }
    }
}
