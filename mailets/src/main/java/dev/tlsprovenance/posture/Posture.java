package dev.tlsprovenance.posture;

import dev.tlsprovenance.provenance.Direction;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The TLS posture: counters of the inbound and outbound ledgers ({@link LedgerLocations}), kept up to date
 * incrementally ({@link LedgerTail}: each request first reads only what was appended since the last one) and saved
 * in a checkpoint ({@value #CHECKPOINT_FILE} under the checkpoint directory, written to a temporary file and renamed
 * into place) so a restart continues where it was instead of re-reading every line. The first read after start (or
 * after a ledger is registered) runs on a background thread; until it is done a request gets what is counted so far
 * and {@code "complete":false}.
 * <p>
 * Memory is bounded by {@link Settings}: {@code daysKept} UTC days (default 400; older days are dropped, older
 * lines not counted) x {@code domainsPerDay} distinct recipient domains per direction, day and ledger (default 5,000;
 * the rest under {@code (other)}) x the policy rows seen for a domain (rows come from the policy file) x at most
 * {@value Bucket#MAP_KEYS} words per counter map. A bucket takes about 1-2 KiB, so the worst case is large (400 x
 * 5,000 buckets); a mail server with a few hundred domains a day uses a few hundred MiB at most, typically far less.
 * <p>
 * A line that cannot be read (cut, hand-edited) is counted as {@code unreadable}, logged at WARN with file and line
 * (once per file per minute) and skipped.
 */
public final class Posture implements AutoCloseable {
    public static final String CHECKPOINT_FILE = "checkpoint.json";
    static final int CHECKPOINT_VERSION = 1;
    private static final Logger LOGGER = LoggerFactory.getLogger(Posture.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    /** Bounds and places. */
    public static final class Settings {
        public static final int DEFAULT_DAYS_KEPT = 400;
        public static final int DEFAULT_DOMAINS_PER_DAY = 5000;
        final int daysKept;
        final int domainsPerDay;
        final Optional<Path> checkpointDirectory;
        final Duration checkpointEvery;
        final Clock clock;

        public Settings(int daysKept, int domainsPerDay, Optional<Path> checkpointDirectory, Duration checkpointEvery, Clock clock) {
            if (daysKept < 1 || domainsPerDay < 1) {
                throw new IllegalArgumentException("daysKept and domainsPerDay must be >= 1, not " + daysKept + " and " + domainsPerDay);
            }
            this.daysKept = daysKept;
            this.domainsPerDay = domainsPerDay;
            this.checkpointDirectory = checkpointDirectory;
            this.checkpointEvery = checkpointEvery;
            this.clock = clock;
        }

        public static Settings defaults(Optional<Path> checkpointDirectory) {
            return new Settings(DEFAULT_DAYS_KEPT, DEFAULT_DOMAINS_PER_DAY, checkpointDirectory, Duration.ofSeconds(30), Clock.systemUTC());
        }
    }

    /** One ledger file (with its rotations) and what was counted from it. */
    private final class Counted {
        final Direction direction;
        final Path file;
        final LedgerTail tail;
        final Tally tally;
        long unreadable;
        boolean complete;
        final Map<Path, Instant> lastWarning = new HashMap<>();

        Counted(Direction direction, Path file) {
            this.direction = direction;
            this.file = file;
            this.tail = new LedgerTail(file, 5);
            this.tally = new Tally(direction == Direction.INBOUND ? Bucket.Shape.INBOUND : Bucket.Shape.OUTBOUND,
                settings.domainsPerDay);
        }

        void line(Path from, long lineNumber, byte[] bytes, int offset, int length, LocalDate firstKept) {
            try {
                JsonNode json = JSON.readTree(bytes, offset, length);
                synchronized (Posture.this) {
                    if (direction == Direction.INBOUND) {
                        LedgerLineCounter.countInbound(json, tally, firstKept);
                    } else {
                        LedgerLineCounter.countOutbound(json, tally, firstKept);
                    }
                }
            } catch (Exception e) {
                synchronized (Posture.this) {
                    unreadable++;
                }
                Instant now = settings.clock.instant();
                Instant last = lastWarning.get(from);
                if (last == null || !now.isBefore(last.plus(WARN_EVERY))) {
                    lastWarning.put(from, now);
                    LOGGER.warn("TLS posture: {}:{} is not a readable ledger line ({}); skipped and counted as unreadable"
                        + " (further ones in this file are logged at most once a minute)", from, lineNumber, e.toString());
                }
            }
        }
    }

    private final LedgerLocations locations;
    private final Settings settings;
    /** Guarded by {@code this}: the counters. Reading the files is serialised by {@link #reading}. */
    private final Map<Path, Counted> ledgers = new LinkedHashMap<>();
    private final Object reading = new Object();
    private final ExecutorService background;
    private final AtomicBoolean catchUpPending = new AtomicBoolean();
    private Map<Path, JsonNode> savedLedgers;
    private Instant lastCheckpoint = Instant.EPOCH;

    public Posture(LedgerLocations locations, Settings settings) {
        this.locations = locations;
        this.settings = settings;
        this.background = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tls-posture-reader");
            thread.setDaemon(true);
            return thread;
        });
        locations.onRegistration(this::catchUpInBackground);
    }

    /** Starts reading the registered ledgers in the background (also done at each registration). */
    public void catchUpInBackground() {
        if (catchUpPending.compareAndSet(false, true)) {
            background.execute(() -> {
                catchUpPending.set(false);
                try {
                    catchUp();
                } catch (RuntimeException e) {
                    LOGGER.warn("TLS posture: reading the ledgers failed; the next request tries again", e);
                }
            });
        }
    }

    /** Reads what was appended to every ledger since the last call (all of it the first time); returns the lines. */
    public long catchUp() {
        synchronized (reading) {
            long lines = 0;
            boolean firstCompletion = false;
            LocalDate firstKept = LocalDate.ofInstant(settings.clock.instant(), ZoneOffset.UTC).minusDays(settings.daysKept - 1L);
            for (Counted counted : registered()) {
                try {
                    lines += counted.tail.readNew((file, number, bytes, offset, length) ->
                        counted.line(file, number, bytes, offset, length, firstKept));
                    synchronized (this) {
                        firstCompletion |= !counted.complete;
                        counted.complete = true;
                    }
                } catch (IOException e) {
                    LOGGER.warn("TLS posture: cannot read {} ({}); counted so far is kept", counted.file, e.toString());
                }
            }
            synchronized (this) {
                ledgers.values().forEach(counted -> counted.tally.dropBefore(firstKept));
            }
            Instant now = settings.clock.instant();
            if (firstCompletion || (lines > 0 && !now.isBefore(lastCheckpoint.plus(settings.checkpointEvery)))) {
                writeCheckpoint();
                lastCheckpoint = now;
            }
            return lines;
        }
    }

    /** The reply of {@code GET /tls/posture}: catches up first when the first read is done, else answers at once. */
    public ObjectNode answer(PostureQuery query) {
        registered();
        if (isComplete()) {
            catchUp();
        } else {
            catchUpInBackground();
        }
        return render(query);
    }

    public synchronized boolean isComplete() {
        return ledgers.values().stream().allMatch(counted -> counted.complete);
    }

    synchronized ObjectNode render(PostureQuery query) {
        ObjectNode reply = JSON.createObjectNode();
        reply.put("since", query.since().toString());
        reply.put("until", query.until().toString());
        reply.put("complete", ledgers.values().stream().allMatch(counted -> counted.complete));
        ObjectNode configured = reply.putObject("ledgers");
        ObjectNode unreadable = reply.putObject("unreadable");
        for (Direction direction : List.of(Direction.INBOUND, Direction.OUTBOUND)) {
            ArrayNode files = configured.putArray(direction.token());
            long bad = 0;
            for (Counted counted : ledgers.values()) {
                if (counted.direction == direction) {
                    files.add(counted.file.toString());
                    bad += counted.unreadable;
                }
            }
            unreadable.put(direction.token(), bad);
        }
        for (Direction direction : List.of(Direction.INBOUND, Direction.OUTBOUND)) {
            Bucket.Shape shape = direction == Direction.INBOUND ? Bucket.Shape.INBOUND : Bucket.Shape.OUTBOUND;
            Map<String, Map<String, Bucket>> totals = new TreeMap<>();
            Map<String, Map<String, TreeMap<LocalDate, Bucket>>> perDay = new TreeMap<>();
            for (Counted counted : ledgers.values()) {
                if (counted.direction != direction) {
                    continue;
                }
                counted.tally.forEach(query.firstDay(), query.lastDay(), (day, domain, row, bucket) -> {
                    if (!query.matches(domain)) {
                        return;
                    }
                    totals.computeIfAbsent(domain, d -> new TreeMap<>()).computeIfAbsent(row, r -> new Bucket(shape)).addAll(bucket);
                    perDay.computeIfAbsent(domain, d -> new TreeMap<>()).computeIfAbsent(row, r -> new TreeMap<>())
                        .computeIfAbsent(day, d -> new Bucket(shape)).addAll(bucket);
                });
            }
            ArrayNode list = reply.putArray(direction.token());
            totals.forEach((domain, rows) -> rows.forEach((row, total) -> {
                ObjectNode entry = list.addObject();
                entry.put("domain", domain);
                entry.put("row", row);
                total.writeTo(entry);
                ArrayNode days = entry.putArray("days");
                perDay.get(domain).get(row).forEach((day, bucket) -> {
                    ObjectNode oneDay = days.addObject();
                    oneDay.put("day", day.toString());
                    shape.dayFields.forEach(field -> oneDay.put(field, bucket.get(field)));
                });
            }));
        }
        return reply;
    }

    private List<Counted> registered() {
        List<Counted> all = new ArrayList<>();
        synchronized (this) {
            for (Direction direction : List.of(Direction.INBOUND, Direction.OUTBOUND)) {
                for (Path file : locations.of(direction)) {
                    Counted counted = ledgers.get(file);
                    if (counted == null) {
                        counted = new Counted(direction, file);
                        restore(counted);
                        ledgers.put(file, counted);
                    }
                    all.add(counted);
                }
            }
        }
        return all;
    }

    /** Continues from the checkpoint when it describes this ledger and its files still match. */
    private void restore(Counted counted) {
        if (savedLedgers == null) {
            savedLedgers = readCheckpoint();
        }
        JsonNode saved = savedLedgers.remove(counted.file);
        if (saved == null) {
            return;
        }
        try {
            if (!counted.direction.token().equals(saved.path("direction").asText())) {
                throw new IOException("it is of the " + saved.path("direction").asText() + " direction");
            }
            List<LedgerTail.FileState> files = new ArrayList<>();
            for (JsonNode file : saved.path("files")) {
                files.add(new LedgerTail.FileState(file.hasNonNull("file-key") ? file.get("file-key").asText() : null,
                    file.hasNonNull("head-sha256") ? file.get("head-sha256").asText() : null,
                    file.path("offset").asLong(), file.path("lines").asLong()));
            }
            if (!counted.tail.matches(files)) {
                throw new IOException("its files no longer match those on disk (replaced, truncated or rotated away)");
            }
            for (JsonNode bucket : saved.path("buckets")) {
                counted.tally.bucket(LocalDate.parse(bucket.path("day").asText()), bucket.path("domain").asText(),
                    bucket.path("row").asText()).addAll(Bucket.readFrom(counted.tally.shape, bucket));
            }
            counted.unreadable = saved.path("unreadable").asLong();
            counted.tail.restore(files);
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("TLS posture: the checkpoint of {} is discarded ({}); the ledger is read again from its start",
                counted.file, e.getMessage());
            counted.tally.clear();
            counted.unreadable = 0;
            counted.tail.restore(List.of());
        }
    }

    private Map<Path, JsonNode> readCheckpoint() {
        Map<Path, JsonNode> saved = new HashMap<>();
        if (settings.checkpointDirectory.isEmpty()) {
            return saved;
        }
        Path file = settings.checkpointDirectory.get().resolve(CHECKPOINT_FILE);
        try (InputStream in = Files.newInputStream(file)) {
            JsonNode checkpoint = JSON.readTree(in);
            if (checkpoint == null || checkpoint.path("version").asInt() != CHECKPOINT_VERSION) {
                throw new IOException("version " + (checkpoint == null ? "none" : checkpoint.path("version").asText("none"))
                    + ", expected " + CHECKPOINT_VERSION);
            }
            for (JsonNode ledger : checkpoint.path("ledgers")) {
                saved.put(Path.of(ledger.path("file").asText()), ledger);
            }
        } catch (NoSuchFileException e) {
            return saved;
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("TLS posture: the checkpoint {} is discarded ({}); the ledgers are read again from their start",
                file, e.getMessage());
            saved.clear();
        }
        return saved;
    }

    /** Called with {@link #reading} held: the files' positions and the counters are those of one moment. */
    private void writeCheckpoint() {
        if (settings.checkpointDirectory.isEmpty()) {
            return;
        }
        Path directory = settings.checkpointDirectory.get();
        Path file = directory.resolve(CHECKPOINT_FILE);
        Path temporary = directory.resolve(CHECKPOINT_FILE + ".tmp");
        try {
            Files.createDirectories(directory);
            try (OutputStream out = Files.newOutputStream(temporary);
                 JsonGenerator json = JSON.getFactory().createGenerator(out)) {
                json.writeStartObject();
                json.writeNumberField("version", CHECKPOINT_VERSION);
                json.writeStringField("written-at", settings.clock.instant().toString());
                json.writeArrayFieldStart("ledgers");
                synchronized (this) {
                    for (Counted counted : ledgers.values()) {
                        writeLedger(json, counted);
                    }
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("TLS posture: cannot write the checkpoint {} ({}); a restart will read the ledgers again", file, e.toString());
        }
    }

    private static void writeLedger(JsonGenerator json, Counted counted) throws IOException {
        json.writeStartObject();
        json.writeStringField("direction", counted.direction.token());
        json.writeStringField("file", counted.file.toString());
        json.writeNumberField("unreadable", counted.unreadable);
        json.writeArrayFieldStart("files");
        for (LedgerTail.FileState state : counted.tail.state()) {
            json.writeStartObject();
            json.writeStringField("file-key", state.fileKey());
            json.writeStringField("head-sha256", state.headSha256());
            json.writeNumberField("offset", state.offset());
            json.writeNumberField("lines", state.lines());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("buckets");
        IOException[] failed = new IOException[1];
        counted.tally.forEach((day, domain, row, bucket) -> {
            ObjectNode node = JSON.createObjectNode();
            node.put("day", day.toString());
            node.put("domain", domain);
            node.put("row", row);
            bucket.writeTo(node);
            try {
                JSON.writeTree(json, node);
            } catch (IOException e) {
                failed[0] = e;
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    @Override
    public void close() {
        background.shutdownNow();
    }

}
