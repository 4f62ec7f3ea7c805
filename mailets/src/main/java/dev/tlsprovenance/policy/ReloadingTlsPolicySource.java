package dev.tlsprovenance.policy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy file, re-read when it changes. {@link #current()} looks at the file's modification time,
 * size and identity at most once per check interval, on the calling thread (no background thread to
 * manage); a changed file is parsed and swapped in atomically. A broken edit is rejected as a whole:
 * the last good table stays in force, the error is logged with file and line and kept in
 * {@link #lastError()}.
 * <p>
 * Fails closed: an edit that cannot be read whole never replaces the table in force. The reloader never
 * reads a file that is still being written: a file renamed into place (new identity) is read at once, an
 * edit in place only once its modification time is a settle period old; the file is read once into memory,
 * and a file that changed while it was read is left for the next check. On reload a file that ends inside
 * a line (no final line break: cut short) and a table without rows (empty file, comments only: to remove
 * every rule write {@code default inbound=none outbound=may}) are refused. At start-up a table without rows
 * is refused too: the server does not start.
 */
public final class ReloadingTlsPolicySource implements TlsPolicySource {
    private static final Logger LOGGER = LoggerFactory.getLogger(ReloadingTlsPolicySource.class);
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);
    /** How long an edited-in-place file must stay untouched before it is read. */
    public static final Duration DEFAULT_SETTLE_PERIOD = Duration.ofSeconds(1);
    static final String NO_ROWS = "the file has no rows (empty, or comments only); an edit never removes every rule"
            + " by accident: to remove them all write the row 'default inbound=none outbound=may'";

    private final Path file;
    private final PolicyPathResolver paths;
    private final long checkIntervalNanos;
    private final Duration settle;
    private final AtomicLong nextCheckNanos;
    private final Object reloadLock = new Object();

    private volatile TlsPolicyTable table;
    private volatile FileStamp loadedStamp;
    private volatile Optional<PolicyFileException> lastError = Optional.empty();
    private volatile Instant loadedAt;
    private volatile Optional<RefusedPolicyEdit> lastRefusedEdit = Optional.empty();
    /** A change seen but not read yet, and since when it has looked like this. */
    private FileStamp pendingStamp;
    private long pendingSinceNanos;

    private ReloadingTlsPolicySource(Path file, Duration checkInterval, PolicyPathResolver paths, Duration settle) {
        this.file = file;
        this.paths = paths;
        this.settle = settle;
        this.checkIntervalNanos = checkInterval.toNanos();
        this.nextCheckNanos = new AtomicLong(System.nanoTime() + checkIntervalNanos);
    }

    /**
     * Loads {@code file} now; relative paths inside it are resolved against its directory.
     *
     * @throws PolicyFileException when the file is missing or invalid: the server must not start
     */
    public static ReloadingTlsPolicySource load(Path file, Duration checkInterval) throws PolicyFileException {
        return load(file, checkInterval, PolicyPathResolver.relativeTo(directoryOf(file)));
    }

    /** Without a settle period: an edit is read at the first check that sees it (tools and tests). */
    public static ReloadingTlsPolicySource load(Path file, Duration checkInterval, PolicyPathResolver paths)
            throws PolicyFileException {
        return load(file, checkInterval, paths, Duration.ZERO);
    }

    public static ReloadingTlsPolicySource load(Path file, Duration checkInterval, PolicyPathResolver paths,
                                                Duration settle) throws PolicyFileException {
        ReloadingTlsPolicySource source = new ReloadingTlsPolicySource(file, checkInterval, paths, settle);
        FileStamp stamp = FileStamp.of(file);
        if (stamp.isMissing()) {
            throw new PolicyFileException(file.toString(), 0, "file does not exist");
        }
        source.install(source.readAtStartUp(stamp), stamp);
        return source;
    }

    /**
     * Like {@link #load} but a missing file means an empty table (every namespace gets the built-in
     * default) until the file appears. An invalid or empty file still throws.
     */
    public static ReloadingTlsPolicySource loadIfPresent(Path file, Duration checkInterval, PolicyPathResolver paths)
            throws PolicyFileException {
        return loadIfPresent(file, checkInterval, paths, Duration.ZERO);
    }

    public static ReloadingTlsPolicySource loadIfPresent(Path file, Duration checkInterval, PolicyPathResolver paths,
                                                         Duration settle) throws PolicyFileException {
        ReloadingTlsPolicySource source = new ReloadingTlsPolicySource(file, checkInterval, paths, settle);
        FileStamp stamp = FileStamp.of(file);
        if (stamp.isMissing()) {
            LOGGER.warn("TLS policy file {} does not exist: no namespace rules (inbound none, outbound may) until it is created",
                    file);
            source.install(TlsPolicyTable.empty(), stamp);
        } else {
            source.install(source.readAtStartUp(stamp), stamp);
        }
        return source;
    }

    @Override
    public TlsPolicyTable current() {
        long now = System.nanoTime();
        long due = nextCheckNanos.get();
        if (now - due >= 0 && nextCheckNanos.compareAndSet(due, now + checkIntervalNanos)) {
            reloadIfChanged();
        }
        return table;
    }

    /**
     * Checks the file now, whatever the interval; tests and admin tools call this to make a reload
     * deterministic.
     *
     * @return whether a new table was installed
     */
    public boolean reloadIfChanged() {
        synchronized (reloadLock) {
            FileStamp stamp = FileStamp.of(file);
            if (stamp.equals(loadedStamp)) {
                return false;
            }
            if (stamp.isMissing()) {
                LOGGER.error("TLS policy file {} disappeared; keeping the table loaded at {} ({} rows)",
                        file, loadedAt, table.size());
                loadedStamp = stamp;
                lastRefusedEdit = Optional.of(new RefusedPolicyEdit(Instant.now(),
                        file + ": the file disappeared; the table loaded at " + loadedAt + " stays in force"));
                return false;
            }
            if (!isComplete(stamp)) {
                LOGGER.debug("TLS policy file {} changed {} ago: waiting until it has been untouched for {}", file,
                        stamp.age(), settle);
                return false;
            }
            try {
                Optional<String> text = snapshot(stamp);
                if (text.isEmpty()) {
                    LOGGER.info("TLS policy file {} changed while it was read: read again at the next check", file);
                    return false;
                }
                install(parseEdit(text.get()), stamp);
                return true;
            } catch (PolicyFileException e) {
                loadedStamp = stamp;
                lastError = Optional.of(e);
                lastRefusedEdit = Optional.of(new RefusedPolicyEdit(Instant.now(), e.getMessage()));
                LOGGER.error("TLS policy file REJECTED, the previous table ({} rows, loaded at {}) stays in force: {}",
                        table.size(), loadedAt, e.getMessage());
                return false;
            }
        }
    }

    /** The error of the last rejected edit, cleared by the next successful load. */
    public Optional<PolicyFileException> lastError() {
        return lastError;
    }

    /**
     * The last edit that was refused (with when and why), kept after a later good load so an administrator still sees
     * it; {@link RefusedPolicyEdit#at()} after {@link #loadedAt()} means the file on disk is not the table in force.
     */
    public Optional<RefusedPolicyEdit> lastRefusedEdit() {
        return lastRefusedEdit;
    }

    /** When the table in force was read. */
    public Instant loadedAt() {
        return loadedAt;
    }

    public Path file() {
        return file;
    }

    /**
     * A file renamed into place is complete; one edited in place once nobody has written to it for the settle period:
     * its modification time is that old, or its size and time have not moved for that long (a time in the future).
     */
    private boolean isComplete(FileStamp stamp) {
        boolean renamedIntoPlace = stamp.fileKey != null && loadedStamp != null && loadedStamp.fileKey != null
                && !stamp.fileKey.equals(loadedStamp.fileKey);
        if (renamedIntoPlace || settle.isZero() || stamp.age().compareTo(settle) >= 0) {
            return true;
        }
        long now = System.nanoTime();
        if (!stamp.equals(pendingStamp)) {
            pendingStamp = stamp;
            pendingSinceNanos = now;
            return false;
        }
        return now - pendingSinceNanos >= settle.toNanos();
    }

    private TlsPolicyTable readAtStartUp(FileStamp stamp) throws PolicyFileException {
        Optional<String> text = snapshot(stamp);
        if (text.isEmpty()) {
            // Being written while James starts: take what is there once it holds still.
            text = snapshot(FileStamp.of(file));
        }
        if (text.isEmpty()) {
            throw new PolicyFileException(file.toString(), 0, "the file keeps changing while it is read");
        }
        if (!text.get().isEmpty() && !text.get().endsWith("\n")) {
            LOGGER.warn("TLS policy file {} does not end with a line break; if it was cut short, rows may be missing keys."
                    + " An edit like this is refused on reload: end the file with a newline", file);
        }
        return requireRows(parse(text.get()));
    }

    private TlsPolicyTable parseEdit(String text) throws PolicyFileException {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new PolicyFileException(sourceName(), (int) text.chars().filter(c -> c == '\n').count() + 1,
                    "the file ends in the middle of a line (no final line break): cut short while it was written?"
                    + " A complete file ends with a newline");
        }
        return requireRows(parse(text));
    }

    private TlsPolicyTable requireRows(TlsPolicyTable table) throws PolicyFileException {
        if (table.size() == 0) {
            throw new PolicyFileException(file.toString(), 0, NO_ROWS);
        }
        return table;
    }

    private TlsPolicyTable parse(String text) throws PolicyFileException {
        return TlsPolicyTable.parse(sourceName(), new StringReader(text), paths);
    }

    private String sourceName() {
        return file.getFileName().toString();
    }

    /**
     * The file's text, read once; empty when the file changed while it was read (size or stamp moved).
     */
    private Optional<String> snapshot(FileStamp before) throws PolicyFileException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PolicyFileException(file.toString(), 0, "cannot read: " + e, e);
        }
        if (bytes.length != before.size || !FileStamp.of(file).equals(before)) {
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            throw new PolicyFileException(file.toString(), 0, "is not UTF-8 text: " + e, e);
        }
    }

    private void install(TlsPolicyTable newTable, FileStamp stamp) {
        table = newTable;
        loadedStamp = stamp;
        loadedAt = Instant.now();
        lastError = Optional.empty();
        LOGGER.info("TLS policy loaded from {}: {} rows, default {}", file, newTable.size(),
                newTable.defaultPolicy().source());
    }

    private static Path directoryOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of("") : parent;
    }

    /** What tells us the file changed without reading it: identity (rename-into-place edits), mtime, size. */
    private static final class FileStamp {
        private static final FileStamp MISSING = new FileStamp(null, -1, -1);

        private final Object fileKey;
        private final long modifiedNanos;
        private final long size;

        private FileStamp(Object fileKey, long modifiedNanos, long size) {
            this.fileKey = fileKey;
            this.modifiedNanos = modifiedNanos;
            this.size = size;
        }

        static FileStamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(attributes.fileKey(),
                        attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), attributes.size());
            } catch (NoSuchFileException e) {
                return MISSING;
            } catch (IOException e) {
                LOGGER.warn("Cannot stat TLS policy file {}: {}", file, e.toString());
                return MISSING;
            }
        }

        boolean isMissing() {
            return size < 0;
        }

        /** Time since the last modification; negative for a modification time in the future. */
        Duration age() {
            return Duration.ofNanos(System.currentTimeMillis() * 1_000_000L - modifiedNanos);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof FileStamp)) {
                return false;
            }
            FileStamp other = (FileStamp) o;
            return Objects.equals(fileKey, other.fileKey) && modifiedNanos == other.modifiedNanos && size == other.size;
        }

        @Override
        public int hashCode() {
            return Objects.hash(fileKey, modifiedNanos, size);
        }
    }
}
