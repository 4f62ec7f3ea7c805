package dev.tlsprovenance.distribution.webadmin;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RSA key pair of WebAdmin's tokens. At first start the distribution generates it where
 * {@code conf/webadmin.properties} says (default {@code var/webadmin/}): the private key (PKCS#8 PEM) signs the
 * tokens {@code tls-provenance admin-token} prints, the public key (X.509 {@code PUBLIC KEY} PEM) is the one James's
 * {@code JwtFilter} checks them with. Both files are created with mode 0600 in a 0700 directory (whoever can read the
 * private key, or replace the public one, can administer the server) and are never overwritten.
 */
public final class WebAdminKeys {
    private static final Logger LOGGER = LoggerFactory.getLogger(WebAdminKeys.class);
    static final int RSA_BITS = 2048;
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private WebAdminKeys() {
    }

    /**
     * Makes sure the key files exist before James reads the public key. Generates both when neither exists; writes
     * the public key from the private one when only the public key is missing (a start interrupted between the two
     * writes); touches nothing that exists. Returns the files it wrote.
     *
     * @throws IllegalStateException when token checks are on but the configuration names no usable public key
     */
    public static List<Path> generateMissing(WebAdminSettings settings) throws IOException, GeneralSecurityException {
        if (!settings.enabled() || !settings.jwtEnabled()) {
            return List.of();
        }
        Path publicKey = settings.publicKey().orElseThrow(() -> new IllegalStateException(settings.file()
            + ": jwt.enabled=true needs " + WebAdminSettings.PUBLIC_KEY + " (the public key WebAdmin checks tokens with)"));
        if (Files.exists(publicKey)) {
            return List.of();
        }
        Path privateKey = settings.privateKey().orElseThrow(() -> new IllegalStateException(settings.file() + ": "
            + WebAdminSettings.PUBLIC_KEY + " " + publicKey + " does not exist, and no " + WebAdminSettings.PRIVATE_KEY
            + " is set to generate a key pair"));
        List<Path> written = new ArrayList<>();
        PublicKey publicPart;
        if (Files.exists(privateKey)) {
            publicPart = publicKeyOf(readPrivateKey(privateKey));
        } else {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(RSA_BITS);
            KeyPair pair = generator.generateKeyPair();
            writeOwnerOnly(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            written.add(privateKey);
            publicPart = pair.getPublic();
        }
        writeOwnerOnly(publicKey, pem("PUBLIC KEY", publicPart.getEncoded()));
        written.add(publicKey);
        LOGGER.info("WebAdmin token keys generated (mode 0600): {}. Private key {} signs, public key {} checks. "
            + "Get a token with: bin/tls-provenance admin-token", written, privateKey, publicKey);
        return List.copyOf(written);
    }

    /** Reads the PKCS#8 PEM private key; the message names the file when it cannot. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object object = parser.readObject();
            if (!(object instanceof PrivateKeyInfo info)) {
                throw new IOException(file + " is not a PEM private key (-----BEGIN PRIVATE KEY-----)");
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
    }

    static PublicKey publicKeyOf(PrivateKey privateKey) throws GeneralSecurityException {
        if (!(privateKey instanceof RSAPrivateCrtKey rsa)) {
            throw new GeneralSecurityException("the WebAdmin private key is not an RSA key: " + privateKey.getAlgorithm());
        }
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
    }

    static String pem(String type, byte[] der) throws IOException {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject(type, der));
        }
        return text.toString();
    }

    /**
     * CREATE_NEW with the mode set at creation: the key is never readable by others, not even for an instant.
     * Not the extension's {@code secrets.OwnerOnlyFiles}: this runs in the server's main before James loads
     * {@code extensions-jars/}, so no extension class is on the class path here.
     */
    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        if (!Files.exists(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        }
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE);
        try (Writer writer = Channels.newWriter(Files.newByteChannel(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly), StandardCharsets.US_ASCII)) {
            writer.write(content);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " appeared while generating the WebAdmin keys; not overwritten", e);
        }
    }
}
