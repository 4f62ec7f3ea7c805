package dev.tlsprovenance.posture;

import dev.tlsprovenance.ledger.JsonLinesFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import com.google.common.io.BaseEncoding;

/**
 * Reads what was appended to a rotating JSON-lines ledger since the last call: the live file {@code NAME} and its
 * rotations {@code NAME.1} .. {@code NAME.<keep>} (the ledger's own rotation, or an external rotator renaming the live
 * file at any time). Each call hands every complete line not handed before to the sink, oldest file first; a partial
 * last line (being written) waits for its newline.
 * <p>
 * A file is known by its identity, not its name: the file system's {@code fileKey} (device and inode on Linux) plus a
 * SHA-256 of its first line (so a reused inode is a new file), or the first line alone where there is no fileKey (or
 * when a file was replaced by an edited copy, which keeps its first line). So a rename between two calls, even of a
 * file whose last line was still being written, continues where it stopped; a file truncated (to empty, by a
 * {@code copytruncate}-style rotator) or replaced by another one is read from its start; a file shorter than what was
 * read but with the same first line (cut in place) continues at its end. The states of files not seen in one call
 * are kept a little while ({@value #REMEMBERED_FILES} files), because a rotation that happens while the names are
 * listed can hide a file from one listing; a forgotten file found again would be read twice.
 */
public final class LedgerTail {
    static final int REMEMBERED_FILES = 16;
    static final int BUFFER_BYTES = 1 << 20;
    /** A first line longer than this is identified by its first bytes. */
    private static final int HEAD_LIMIT = 64 * 1024;

    /** Receives each complete line (without its newline) and where it was. */
    public interface LineSink {
        void line(Path file, long lineNumber, byte[] bytes, int offset, int length);
    }

    /** What was read of one file: identity, bytes consumed (always at a line boundary), lines consumed. */
    public static final class FileState {
        private final String fileKey;
        private final String headSha256;
        private final long offset;
        private final long lines;

        public FileState(String fileKey, String headSha256, long offset, long lines) {
            this.fileKey = fileKey;
            this.headSha256 = headSha256;
            this.offset = offset;
            this.lines = lines;
        }

        /** The file system's identity of the file, null where it has none. */
        public String fileKey() {
            return fileKey;
        }

        /** SHA-256 of the first line, null until the first line is complete. */
        public String headSha256() {
            return headSha256;
        }

        public long offset() {
            return offset;
        }

        public long lines() {
            return lines;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof FileState)) {
                return false;
            }
            FileState that = (FileState) other;
            return offset == that.offset && lines == that.lines && Objects.equals(fileKey, that.fileKey)
                && Objects.equals(headSha256, that.headSha256);
        }

        @Override
        public int hashCode() {
            return Objects.hash(fileKey, headSha256, offset, lines);
        }

        @Override
        public String toString() {
            return "key=" + fileKey + " head=" + headSha256 + " offset=" + offset + " lines=" + lines;
        }
    }

    private final Path base;
    private final int keep;
    private final int bufferBytes;
    /** Most recently seen first. */
    private List<FileState> known = new ArrayList<>();

    public LedgerTail(Path base, int keep) {
        this(base, keep, BUFFER_BYTES);
    }

    /** With another read buffer: a test makes it tiny, so that lines cross buffer boundaries everywhere. */
    LedgerTail(Path base, int keep, int bufferBytes) {
        this.base = Objects.requireNonNull(base);
        this.keep = keep;
        this.bufferBytes = bufferBytes;
    }

    public Path base() {
        return base;
    }

    public synchronized List<FileState> state() {
        return List.copyOf(known);
    }

    /** Continues from a saved state (a checkpoint). */
    public synchronized void restore(List<FileState> saved) {
        known = new ArrayList<>(saved);
    }

    /**
     * Whether a saved state still describes the files on disk: some file matches a saved one (or there are no files
     * and nothing was saved), and none that matches is shorter than what was read of it.
     */
    public boolean matches(List<FileState> saved) throws IOException {
        List<OnDisk> files = list();
        if (saved.isEmpty()) {
            return true;
        }
        boolean any = false;
        for (OnDisk file : files) {
            FileState state = match(file, saved, new HashSet<>());
            if (state != null) {
                any = true;
                if (file.size < state.offset) {
                    return false;
                }
            }
        }
        return any || files.isEmpty();
    }

    /** Hands every complete line appended since the last call to the sink; returns how many. */
    public synchronized long readNew(LineSink sink) throws IOException {
        List<OnDisk> files = list();
        Set<FileState> claimed = new HashSet<>();
        List<FileState> seen = new ArrayList<>();
        long count = 0;
        for (OnDisk file : files) {
            FileState state = match(file, known, claimed);
            long offset = 0;
            long lines = 0;
            if (state != null) {
                claimed.add(state);
                offset = state.offset;
                lines = state.lines;
                if (file.size < offset) {
                    // cut in place below what was read, first line intact: what is left was all read
                    offset = lastLineEnd(file.path, file.size);
                }
            }
            Read read = readFrom(file.path, offset, lines, sink);
            count += read.lines - lines;
            String head = file.headSha256 != null ? file.headSha256 : (read.offset > 0 ? headOf(file.path) : null);
            seen.add(new FileState(file.fileKey, head, read.offset, read.lines));
        }
        List<FileState> next = new ArrayList<>(seen);
        for (FileState old : known) {
            if (!claimed.contains(old) && next.size() < REMEMBERED_FILES) {
                next.add(old);
            }
        }
        known = next;
        return count;
    }

    private static final class OnDisk {
        final Path path;
        final String fileKey;
        final long size;
        final String headSha256;

        OnDisk(Path path, String fileKey, long size, String headSha256) {
            this.path = path;
            this.fileKey = fileKey;
            this.size = size;
            this.headSha256 = headSha256;
        }
    }

    private static final class Read {
        final long offset;
        final long lines;

        Read(long offset, long lines) {
            this.offset = offset;
            this.lines = lines;
        }
    }

    /** The ledger's files, oldest first; one entry per identity (a rename during the listing can show one twice). */
    private List<OnDisk> list() throws IOException {
        List<OnDisk> files = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (Path path : JsonLinesFile.filesOldestFirst(base, keep)) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(path, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (!attributes.isRegularFile()) {
                continue;
            }
            String fileKey = attributes.fileKey() == null ? null : attributes.fileKey().toString();
            if (fileKey != null && !keys.add(fileKey)) {
                continue;
            }
            String head;
            try {
                head = headOf(path);
            } catch (NoSuchFileException e) {
                continue;
            }
            files.add(new OnDisk(path, fileKey, attributes.size(), head));
        }
        return files;
    }

    /**
     * The saved state of this file: same fileKey and first line; else the same first line under another fileKey (an
     * edited copy renamed into place, or no fileKey); else, for a file whose first line was not complete when last
     * seen, the same fileKey. The first line is asked before a bare fileKey, because inodes are reused: a new file
     * may get the number of one seen empty before.
     */
    private static FileState match(OnDisk file, List<FileState> states, Set<FileState> claimed) {
        if (file.headSha256 != null) {
            for (FileState state : states) {
                if (!claimed.contains(state) && file.fileKey != null && file.fileKey.equals(state.fileKey)
                    && file.headSha256.equals(state.headSha256)) {
                    return state;
                }
            }
            for (FileState state : states) {
                if (!claimed.contains(state) && file.headSha256.equals(state.headSha256)) {
                    return state;
                }
            }
        }
        if (file.fileKey != null) {
            for (FileState state : states) {
                if (!claimed.contains(state) && file.fileKey.equals(state.fileKey) && state.headSha256 == null && state.offset == 0) {
                    return state;
                }
            }
        }
        return null;
    }

    private Read readFrom(Path path, long offset, long lines, LineSink sink) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(bufferBytes);
            byte[] carry = new byte[0];
            int carried = 0;
            long position = offset;
            long consumed = offset;
            long lineNumber = lines;
            while (true) {
                buffer.clear();
                int n = channel.read(buffer, position);
                if (n <= 0) {
                    break;
                }
                position += n;
                byte[] bytes = buffer.array();
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (bytes[i] != '\n') {
                        continue;
                    }
                    lineNumber++;
                    if (carried > 0) {
                        byte[] whole = concat(carry, carried, bytes, start, i - start);
                        sink.line(path, lineNumber, whole, 0, whole.length);
                        consumed += carried;
                        carried = 0;
                    } else {
                        sink.line(path, lineNumber, bytes, start, i - start);
                    }
                    consumed += (i - start) + 1;
                    start = i + 1;
                }
                int rest = n - start;
                if (rest > 0) {
                    if (carried + rest > carry.length) {
                        byte[] bigger = new byte[Math.max(carried + rest, carry.length * 2)];
                        System.arraycopy(carry, 0, bigger, 0, carried);
                        carry = bigger;
                    }
                    System.arraycopy(bytes, start, carry, carried, rest);
                    carried += rest;
                }
            }
            // consumed counts only whole lines; bytes of a carried partial line are read again next time
            return new Read(consumed, lineNumber);
        }
    }

    private static byte[] concat(byte[] first, int firstLength, byte[] second, int offset, int length) {
        byte[] whole = new byte[firstLength + length];
        System.arraycopy(first, 0, whole, 0, firstLength);
        System.arraycopy(second, offset, whole, firstLength, length);
        return whole;
    }

    /** SHA-256 of the first line (up to {@value #HEAD_LIMIT} bytes), null while it has no newline yet. */
    static String headOf(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            MessageDigest digest = sha256();
            long position = 0;
            while (position < HEAD_LIMIT) {
                buffer.clear();
                int n = channel.read(buffer, position);
                if (n <= 0) {
                    return null;
                }
                byte[] bytes = buffer.array();
                for (int i = 0; i < n; i++) {
                    if (bytes[i] == '\n') {
                        digest.update(bytes, 0, i);
                        return BaseEncoding.base16().lowerCase().encode(digest.digest());
                    }
                }
                digest.update(bytes, 0, n);
                position += n;
            }
            return BaseEncoding.base16().lowerCase().encode(digest.digest());
        }
    }

    /** Where the last complete line at or before {@code size} ends. */
    private static long lastLineEnd(Path path, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            for (long at = size - 1; at >= 0; at--) {
                one.clear();
                if (channel.read(one, at) == 1 && one.get(0) == '\n') {
                    return at + 1;
                }
            }
            return 0;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
