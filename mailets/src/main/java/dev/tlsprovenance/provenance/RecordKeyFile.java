package dev.tlsprovenance.provenance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.tlsprovenance.secrets.OwnerOnlyFiles;

/**
 * The file that holds the secret(s) of a {@link RecordSeal}: text, {@code #} comments and blank lines ignored, one
 * base64 secret of at least 32 bytes per line, the current (sealing) one first and older ones still accepted after
 * it (rotation). On a POSIX file system the file must be readable by its owner only (mode 0600 or 0400).
 *
 * <p>{@link #loadOrCreate} is for the default location under {@code var/}: the first start generates a 32-byte
 * secret from {@link SecureRandom}, written to a temporary file created with mode 0600 and then hard-linked to its
 * name, so the key appears whole or not at all and an existing file (another node's, or one written while we
 * generated) is never overwritten. {@link #load} is for a configured file, which must already exist (several nodes
 * of one deployment share it). Every failure names the file.
 */
public final class RecordKeyFile {
    public static final int GENERATED_SECRET_BYTES = 32;
    private static final Set<PosixFilePermission> NOT_FOR_OTHERS = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private RecordKeyFile() {
    }

    /** Reads a key file that must exist. */
    public static RecordSeal load(Path file) throws RecordKeyException {
        checkMode(file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new RecordKeyException(file, "the file does not exist");
        } catch (AccessDeniedException e) {
            throw new RecordKeyException(file, "the file is not readable by this process");
        } catch (IOException e) {
            throw new RecordKeyException(file, "cannot read it: " + e);
        }
        List<byte[]> secrets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(line);
            } catch (IllegalArgumentException e) {
                throw new RecordKeyException(file, "line " + (i + 1) + " is not a base64 secret");
            }
            if (secret.length < RecordSeal.MINIMUM_SECRET_BYTES) {
                throw new RecordKeyException(file, "line " + (i + 1) + " holds a secret of " + secret.length
                    + " bytes; at least " + RecordSeal.MINIMUM_SECRET_BYTES + " are needed (e.g. openssl rand -base64 32)");
            }
            secrets.add(secret);
        }
        if (secrets.isEmpty()) {
            throw new RecordKeyException(file, "the file holds no secret (one base64 line of at least "
                + RecordSeal.MINIMUM_SECRET_BYTES + " bytes is needed)");
        }
        return RecordSeal.of(secrets);
    }

    /** Reads the key file, generating it first when it does not exist. */
    public static RecordSeal loadOrCreate(Path file) throws RecordKeyException {
        if (!Files.exists(file)) {
            create(file, new SecureRandom());
        }
        return load(file);
    }

    /**
     * Writes a new key file unless one exists; returns whether this call created it.
     * A concurrent creator (another process starting on the same {@code var/}) wins or loses whole.
     */
    static boolean create(Path file, SecureRandom random) throws RecordKeyException {
        byte[] secret = new byte[GENERATED_SECRET_BYTES];
        random.nextBytes(secret);
        String content = "# James TLS Provenance record key: the HMAC-SHA256 secret that seals inbound TLS records.\n"
            + "# Keep it secret (mode 0600). Nodes of one deployment share one key; see docs/inbound-tls-policy.md.\n"
            + "# Key id " + RecordSeal.of(secret).currentKeyId() + ". Older keys may follow the first line during a rotation.\n"
            + Base64.getEncoder().encodeToString(secret) + "\n";
        try {
            return OwnerOnlyFiles.createNew(file, content.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new RecordKeyException(file, "cannot create it: " + e);
        }
    }

    private static void checkMode(Path file) throws RecordKeyException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return; // no POSIX modes here (e.g. Windows): the administrator's ACLs are all there is
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = view.readAttributes().permissions();
        } catch (NoSuchFileException e) {
            throw new RecordKeyException(file, "the file does not exist");
        } catch (IOException e) {
            throw new RecordKeyException(file, "cannot read its mode: " + e);
        }
        Set<PosixFilePermission> excess = EnumSet.noneOf(PosixFilePermission.class);
        excess.addAll(permissions);
        excess.retainAll(NOT_FOR_OTHERS);
        if (!excess.isEmpty()) {
            throw new RecordKeyException(file, "its mode is " + PosixFilePermissions.toString(permissions)
                + ", but a secret must be readable by its owner only: chmod 600 " + file);
        }
    }
}
