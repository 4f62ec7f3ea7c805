package dev.tlsprovenance.secrets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * Creates a secret file (a key) that is readable by its owner only from the first instant, is complete or absent,
 * and never replaces a file that exists. Used for the secrets the extension generates (the record key). The
 * distribution's WebAdmin keys have their own writer: they are made in the server's main, before James loads
 * {@code extensions-jars/}, where no extension class is on the class path.
 *
 * <p>The content goes to a temporary file in the same directory created with mode 0600, is forced to disk, and is then
 * hard-linked to its name (a link fails if the name exists, so two processes starting on one {@code var/} cannot both
 * win); on a file system without hard links a rename that refuses an existing target stands in. A missing directory is
 * created with mode 0700. Without POSIX modes (e.g. Windows) the files get the directory's default ACLs.
 */
public final class OwnerOnlyFiles {

    private OwnerOnlyFiles() {
    }

    /**
     * Writes {@code content} to {@code file} unless {@code file} exists.
     *
     * @return true when this call created the file, false when it existed (it is left as it was)
     */
    public static boolean createNew(Path file, byte[] content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        boolean posix = Files.getFileAttributeView(directory.getRoot(), PosixFileAttributeView.class) != null;
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                : new FileAttribute<?>[0]);
        }
        FileAttribute<?>[] ownerOnly = posix
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
            : new FileAttribute<?>[0];
        Path temporary = Files.createTempFile(directory, "." + file.getFileName() + ".", ".tmp", ownerOnly);
        try {
            try (FileChannel channel = FileChannel.open(temporary, EnumSet.of(StandardOpenOption.WRITE))) {
                channel.write(ByteBuffer.wrap(content));
                channel.force(true);
            }
            try {
                Files.createLink(file, temporary);
                return true;
            } catch (FileAlreadyExistsException someoneElseWon) {
                return false;
            } catch (UnsupportedOperationException | IOException noHardLinks) {
                if (Files.exists(file)) {
                    return false;
                }
                Files.move(temporary, file);
                return true;
            }
        } finally {
            // After a link the temporary name is a second name of the same file; after a move it is gone already.
            Files.deleteIfExists(temporary);
        }
    }
}
