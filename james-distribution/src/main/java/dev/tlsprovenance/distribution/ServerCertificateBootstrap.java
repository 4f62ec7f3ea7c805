package dev.tlsprovenance.distribution;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First-start certificate: when a TLS listener points at a keystore (or PEM key and chain) that does not exist,
 * generate a self-signed certificate there for the configured hello name, so the server starts and offers TLS,
 * and warn loudly that verifying peers will not deliver to it over TLS. Files that exist are never touched.
 */
public final class ServerCertificateBootstrap {
    private static final Logger LOGGER = LoggerFactory.getLogger(ServerCertificateBootstrap.class);
    static final String ALIAS = "james";

    private final Path workingDirectory;

    public ServerCertificateBootstrap(Path workingDirectory) {
        this.workingDirectory = workingDirectory;
    }

    /** Returns the files it generated (empty when every configured certificate already exists). */
    public List<Path> generateMissing(List<ConfiguredListener> listeners) throws IOException, GeneralSecurityException {
        Set<Path> generated = new LinkedHashSet<>();
        for (ConfiguredListener listener : listeners) {
            if (!listener.usesTls()) {
                continue;
            }
            String host = hostName(listeners);
            if (listener.keystore().isPresent()) {
                Path keystore = ConfiguredListener.resolve(workingDirectory, listener.keystore().get());
                if (!Files.exists(keystore) && !generated.contains(keystore)) {
                    writeKeyStore(keystore, listener.keystoreType(), listener.secret().orElse(""), SelfSignedCertificate.forHost(host));
                    generated.add(keystore);
                    warn(host, keystore);
                }
            } else if (listener.privateKey().isPresent() && listener.certificates().isPresent()) {
                Path key = ConfiguredListener.resolve(workingDirectory, listener.privateKey().get());
                Path chain = ConfiguredListener.resolve(workingDirectory, listener.certificates().get());
                if (!Files.exists(key) && !Files.exists(chain) && !generated.contains(key)) {
                    writePem(key, chain, SelfSignedCertificate.forHost(host));
                    generated.add(key);
                    generated.add(chain);
                    warn(host, chain);
                }
            }
        }
        return List.copyOf(generated);
    }

    /** The SMTP hello name of the first listener that sets one; else "localhost". */
    static String hostName(List<ConfiguredListener> listeners) {
        return listeners.stream()
            .map(ConfiguredListener::helloName)
            .flatMap(java.util.Optional::stream)
            .filter(name -> !name.isBlank())
            .findFirst()
            .orElse("localhost");
    }

    private static void writeKeyStore(Path file, String type, String secret, SelfSignedCertificate identity)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        store.load(null, null);
        store.setKeyEntry(ALIAS, identity.keyPair().getPrivate(), secret.toCharArray(), new Certificate[] {identity.certificate()});
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, secret.toCharArray());
        }
    }

    private static void writePem(Path key, Path chain, SelfSignedCertificate identity) throws IOException, GeneralSecurityException {
        Files.createDirectories(key.toAbsolutePath().getParent());
        Files.createDirectories(chain.toAbsolutePath().getParent());
        Files.writeString(key, pem("PRIVATE KEY", identity.keyPair().getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(chain, pem("CERTIFICATE", identity.certificate().getEncoded()), StandardCharsets.US_ASCII);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }

    private static void warn(String host, Path file) {
        String banner = "*".repeat(100);
        LOGGER.warn(banner);
        LOGGER.warn("No server certificate was found: generated a SELF-SIGNED certificate for '{}' in {}", host, file);
        LOGGER.warn("Peers that verify certificates (hosted mail services doing 'TLS with a trusted certificate')");
        LOGGER.warn("will NOT deliver to this server over TLS. Install a certificate from a trusted CA for your MX name");
        LOGGER.warn("at that path (or change conf/smtpserver.xml), then check with: bin/tls-provenance doctor");
        LOGGER.warn(banner);
    }
}
