package dev.tlsprovenance.posture;

import dev.tlsprovenance.ledger.JsonLinesFile;
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
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
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
 * {@value Bucket#MAP_KEYS} words per counter map. A bucket takes about 2.5 KiB (measured: 1,000,000 lines over 60 days
 * and ~1,000 domains, ~62,000 buckets, ~165 MiB; BENCHMARKS.md), so memory follows days x domains, not lines; and
 * at most {@value Tally#MAX_BUCKETS} buckets a ledger (~50 MiB): past that the oldest day is dropped ({@link Tally}),
 * since 400 x 5,000 buckets would be several GiB, more than the server's heap.
 * <p>
 * A line that cannot be read (cut, hand-edited) is counted as {@code unreadable}, logged at WARN with file and line
 * (once per file per minute) and skipped.
 */
public final class Posture implements AutoCloseable {
    public static final String CHECKPOINT_FILE = "checkpoint.json";
    static final int CHECKPOINT_VERSION = 1;
    private static final Logger LOGGER = LoggerFactory.getLogger(Posture.class);
    /** Strict: a line with anything after its JSON object (two lines run together, a cut) is unreadable. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
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
            this.tail = new LedgerTail(file, JsonLinesFile.KEPT_ROTATIONS);
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
                        + " (further ones in this file are logged at most once a minute)", from, lineNumber, problem(e));
                }
            }
        }
    }

    /** What is wrong with a line, on one short line: never the line itself (it may be long, or hand-edited text). */
    static String problem(Exception e) {
        String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException
            ? ((com.fasterxml.jackson.core.JsonProcessingException) e).getOriginalMessage() : e.getMessage();
        String text = e.getClass().getSimpleName() + (message == null ? "" : ": " + message.replaceAll("\\s+", " "));
        return text.length() <= 160 ? text : text.substring(0, 160) + "...";
    }

    private final LedgerLocations locations;
    private final Settings settings;
    /** Guarded by {@code this}: the counters. Reading the files is serialised by {@link #reading}. */
    private final Map<Path, Counted> ledgers = new LinkedHashMap<>();
    private final Object reading = new Object();
    private final Executor background;
    private final Optional<ExecutorService> ownThread;
    private final AtomicBoolean catchUpPending = new AtomicBoolean();
    private Map<Path, JsonNode> savedLedgers;
    private Instant lastCheckpoint = Instant.EPOCH;

    public Posture(LedgerLocations locations, Settings settings) {
        this(locations, settings, Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tls-posture-reader");
            thread.setDaemon(true);
            return thread;
        }));
    }

    /** With the executor that runs the background reads (a test holds them back to see {@code complete:false}). */
    Posture(LedgerLocations locations, Settings settings, Executor background) {
        this.locations = locations;
        this.settings = settings;
        this.background = background;
        this.ownThread = background instanceof ExecutorService ? Optional.of((ExecutorService) background) : Optional.empty();
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
            if (settings.checkpointDirectory.isPresent()
                && (firstCompletion || (lines > 0 && !now.isBefore(lastCheckpoint.plus(settings.checkpointEvery))))) {
                // copied here, where positions and counters are of one moment; written on the background thread,
                // so a request never waits for the file
                List<Saved> snapshot = snapshot();
                lastCheckpoint = now;
                background.execute(() -> writeCheckpoint(snapshot));
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
            Map<String, Map<String, TreeMap<LocalDate, long[]>>> perDay = new TreeMap<>();
            int[] daySlots = shape.dayFields.stream().mapToInt(shape::slot).toArray();
            for (Counted counted : ledgers.values()) {
                if (counted.direction != direction) {
                    continue;
                }
                counted.tally.forEach(query.firstDay(), query.lastDay(), (day, domain, row, bucket) -> {
                    if (!query.matches(domain)) {
                        return;
                    }
                    totals.computeIfAbsent(domain, d -> new TreeMap<>()).computeIfAbsent(row, r -> new Bucket(shape)).addAll(bucket);
                    long[] oneDay = perDay.computeIfAbsent(domain, d -> new TreeMap<>()).computeIfAbsent(row, r -> new TreeMap<>())
                        .computeIfAbsent(day, d -> new long[daySlots.length]);
                    for (int i = 0; i < daySlots.length; i++) {
                        oneDay[i] += bucket.number(daySlots[i]);
                    }
                });
            }
            ArrayNode list = reply.putArray(direction.token());
            totals.forEach((domain, rows) -> rows.forEach((row, total) -> {
                ObjectNode entry = list.addObject();
                entry.put("domain", domain);
                entry.put("row", row);
                total.writeTo(entry);
                ArrayNode days = entry.putArray("days");
                perDay.get(domain).get(row).forEach((day, counts) -> {
                    ObjectNode oneDay = days.addObject();
                    oneDay.put("day", day.toString());
                    for (int i = 0; i < daySlots.length; i++) {
                        oneDay.put(shape.dayFields.get(i), counts[i]);
                    }
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

    /** What the checkpoint holds of one ledger: a copy, written without any lock. */
    private static final class Saved {
        final Direction direction;
        final Path file;
        final long unreadable;
        final List<LedgerTail.FileState> files;
        final Tally tally;

        Saved(Counted counted) {
            this.direction = counted.direction;
            this.file = counted.file;
            this.unreadable = counted.unreadable;
            this.files = counted.tail.state();
            this.tally = counted.tally.copy();
        }
    }

    private synchronized List<Saved> snapshot() {
        List<Saved> saved = new ArrayList<>();
        ledgers.values().forEach(counted -> saved.add(new Saved(counted)));
        return saved;
    }

    private void writeCheckpoint(List<Saved> snapshot) {
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
                for (Saved ledger : snapshot) {
                    writeLedger(json, ledger);
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("TLS posture: cannot write the checkpoint {} ({}); a restart will read the ledgers again", file, e.toString());
        }
    }

    private static void writeLedger(JsonGenerator json, Saved counted) throws IOException {
        json.writeStartObject();
        json.writeStringField("direction", counted.direction.token());
        json.writeStringField("file", counted.file.toString());
        json.writeNumberField("unreadable", counted.unreadable);
        json.writeArrayFieldStart("files");
        for (LedgerTail.FileState state : counted.files) {
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
        ownThread.ifPresent(ExecutorService::shutdownNow);
    }

}
