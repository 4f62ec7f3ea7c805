package dev.tlsprovenance.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only file of JSON lines, rotated by size as logrotate would: when the next line would take the file past
 * {@code maxBytes} it becomes {@code NAME.1} (older files shift up, {@code NAME.<keep>} is dropped). Both ledgers
 * (outbound and inbound) are written through it. Each line is written with one {@code write} on a file opened for
 * appending, so concurrent readers never see half a line from a writer that did not crash.
 */
public final class JsonLinesFile {
    /** How many rotated files the ledgers keep beside the live one: {@code NAME.1} .. {@code NAME.5}. */
    public static final int KEPT_ROTATIONS = 5;
    /** Free space below which the file counts as unwritable: a full disk is found before a line is lost to it. */
    static final long MIN_FREE_BYTES = 64 * 1024;

    private final Path file;
    private final long maxBytes;
    private final int keep;
    /** Looked up once: finding a path's file store reads the mount table, asking it for free space does not. */
    private volatile FileStore store;

    public JsonLinesFile(Path file, long maxBytes, int keep) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    public Path file() {
        return file;
    }

    /**
     * One stat, open, write and close per line when the file is there (the directory is made only when the open
     * finds it missing): the inbound ledger writes a line per mail, and creating the directories first on every line
     * was half of the append's cost in the packaged server's profile.
     */
    public synchronized void append(String jsonLine) throws IOException {
        byte[] line = (jsonLine + "\n").getBytes(StandardCharsets.UTF_8);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException missing) {
            size = -1;
        }
        if (size >= 0 && size + line.length > maxBytes) {
            rotate();
        }
        try (FileChannel channel = openForAppending()) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    private FileChannel openForAppending() throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (NoSuchFileException noDirectory) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        }
    }

    /**
     * Fails, with the cause, when a line could not be appended now: the directory cannot be created, the file cannot
     * be opened for appending (a directory in its place, no permission, a read-only file system), or the file
     * system has less than {@value #MIN_FREE_BYTES} bytes left. Writes nothing.
     */
    public void probe() throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE)) {
            FileStore known = store;
            if (known == null) {
                known = Files.getFileStore(parent);
                store = known;
            }
            long usable;
            try {
                usable = known.getUsableSpace();
            } catch (IOException e) {
                store = null;
                throw e;
            }
            if (usable < MIN_FREE_BYTES) {
                throw new IOException("only " + usable + " bytes left on the file system of " + file);
            }
        }
    }

    private void rotate() throws IOException {
        Files.deleteIfExists(numbered(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(numbered(i))) {
                Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (keep >= 1) {
            Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.delete(file);
        }
    }

    private Path numbered(int index) {
        return rotation(file, index);
    }

    /** Rotation {@code index} of {@code file}: {@code NAME.index}; 0 is the live file. */
    public static Path rotation(Path file, int index) {
        return index == 0 ? file : file.resolveSibling(file.getFileName() + "." + index);
    }

    /**
     * The files a ledger written at {@code file} with {@code keep} rotations may be in, oldest first:
     * {@code NAME.keep} .. {@code NAME.1}, then {@code NAME}. Readers (posture, TLS-RPT) walk them in this order.
     */
    public static List<Path> filesOldestFirst(Path file, int keep) {
        List<Path> files = new ArrayList<>();
        for (int i = keep; i >= 0; i--) {
            files.add(rotation(file, i));
        }
        return files;
    }
}
