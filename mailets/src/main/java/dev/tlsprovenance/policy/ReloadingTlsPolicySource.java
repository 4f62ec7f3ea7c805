package dev.tlsprovenance.policy;

import java.io.IOException;
import java.io.Reader;
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
 */
public final class ReloadingTlsPolicySource implements TlsPolicySource {
    private static final Logger LOGGER = LoggerFactory.getLogger(ReloadingTlsPolicySource.class);
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);

    private final Path file;
    private final PolicyPathResolver paths;
    private final long checkIntervalNanos;
    private final AtomicLong nextCheckNanos;
    private final Object reloadLock = new Object();

    private volatile TlsPolicyTable table;
    private volatile FileStamp loadedStamp;
    private volatile Optional<PolicyFileException> lastError = Optional.empty();
    private volatile Instant loadedAt;

    private ReloadingTlsPolicySource(Path file, Duration checkInterval, PolicyPathResolver paths) {
        this.file = file;
        this.paths = paths;
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

    public static ReloadingTlsPolicySource load(Path file, Duration checkInterval, PolicyPathResolver paths)
            throws PolicyFileException {
        ReloadingTlsPolicySource source = new ReloadingTlsPolicySource(file, checkInterval, paths);
        FileStamp stamp = FileStamp.of(file);
        if (stamp.isMissing()) {
            throw new PolicyFileException(file.toString(), 0, "file does not exist");
        }
        source.install(source.read(stamp), stamp);
        return source;
    }

    /**
     * Like {@link #load} but a missing file means an empty table (every namespace gets the built-in
     * default) until the file appears. An invalid file still throws.
     */
    public static ReloadingTlsPolicySource loadIfPresent(Path file, Duration checkInterval, PolicyPathResolver paths)
            throws PolicyFileException {
        ReloadingTlsPolicySource source = new ReloadingTlsPolicySource(file, checkInterval, paths);
        FileStamp stamp = FileStamp.of(file);
        if (stamp.isMissing()) {
            LOGGER.warn("TLS policy file {} does not exist: no namespace rules (inbound none, outbound may) until it is created",
                    file);
            source.install(TlsPolicyTable.empty(), stamp);
        } else {
            source.install(source.read(stamp), stamp);
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
                return false;
            }
            try {
                install(read(stamp), stamp);
                return true;
            } catch (PolicyFileException e) {
                loadedStamp = stamp;
                lastError = Optional.of(e);
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

    public Path file() {
        return file;
    }

    private TlsPolicyTable read(FileStamp stamp) throws PolicyFileException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return TlsPolicyTable.parse(file.getFileName().toString(), reader, paths);
        } catch (IOException e) {
            throw new PolicyFileException(file.toString(), 0, "cannot read: " + e, e);
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
