package dev.tlsprovenance.posture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.ledger.JsonLinesFile;
import dev.tlsprovenance.ledger.OutboundLedgerLine;
import dev.tlsprovenance.provenance.Direction;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** The posture core against generated ledgers whose counts the generator kept. */
class PostureTest {
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    static final Instant START = Instant.parse("2026-11-22T00:00:00Z");
    static final List<String> DOMAINS = List.of("partner.test", "mx.partner.test", "deep.mx.partner.test", "other.test",
        "coexist.test");
    static final List<String> ROWS = List.of("tls-policy.conf:3", "tls-policy.conf:12", "tls-policy.conf:100");
    static final Executor SAME_THREAD = Runnable::run;

    @TempDir
    Path directory;

    private Posture posture(LedgerLocations locations, Optional<Path> checkpoints) {
        return new Posture(locations, new Posture.Settings(400, 5000, checkpoints, Duration.ZERO,
            Clock.fixed(NOW, ZoneOffset.UTC)), SAME_THREAD);
    }

    /** Writes generated lines through the ledger's own rotating writer, reading incrementally at random points. */
    private GeneratedLedgers writeAndRead(long seed, int lines, Posture posture, JsonLinesFile inbound, JsonLinesFile outbound) throws Exception {
        GeneratedLedgers generated = new GeneratedLedgers(seed, DOMAINS, ROWS, START, 10);
        Random random = new Random(seed);
        for (int i = 0; i < lines; i++) {
            if (random.nextBoolean()) {
                inbound.append(generated.inbound().toJson().toString());
            } else {
                outbound.append(generated.outbound().toJson().toString());
            }
            if (random.nextInt(40) == 0) {
                posture.catchUp();
            }
        }
        posture.catchUp();
        return generated;
    }

    @Test
    void countsEqualTheModelForEveryQueryFormWhileTheLedgersRotate() throws Exception {
        for (long seed = 1; seed <= 6; seed++) {
            Path dir = Files.createDirectories(directory.resolve("seed" + seed));
            LedgerLocations locations = new LedgerLocations();
            Posture posture = posture(locations, Optional.empty());
            JsonLinesFile inbound = new JsonLinesFile(dir.resolve("inbound.jsonl"), 60_000, 5);
            JsonLinesFile outbound = new JsonLinesFile(dir.resolve("outbound.jsonl"), 60_000, 5);
            locations.register(Direction.INBOUND, inbound.file());
            locations.register(Direction.OUTBOUND, outbound.file());
            GeneratedLedgers generated = writeAndRead(seed, 400, posture, inbound, outbound);
            assertThat(Files.exists(dir.resolve("outbound.jsonl.1"))).as("the ledgers rotated").isTrue();

            List<PostureQuery> queries = new ArrayList<>();
            List<Predicate<String>> filters = new ArrayList<>();
            for (String since : new String[] {null, "3d", "PT30H", "P10D", "2026-11-25T13:14:15Z", "2026-11-01T00:00:00Z"}) {
                for (String until : new String[] {null, "2026-11-28T00:00:00Z"}) {
                    for (String domain : new String[] {null, "partner.test", "PARTNER.test", ".partner.test", "mx.partner.test", "nowhere.test"}) {
                        if (until != null && since != null && !since.startsWith("2026")) {
                            continue;
                        }
                        queries.add(PostureQuery.parse(since, until, domain, NOW));
                        filters.add(domain == null ? d -> true : domain.equals(".partner.test") ? d -> d.endsWith(".partner.test")
                            : d -> d.equalsIgnoreCase(domain));
                    }
                }
            }
            for (int i = 0; i < queries.size(); i++) {
                PostureQuery query = queries.get(i);
                ObjectNode reply = posture.render(query);
                LocalDate first = LocalDate.ofInstant(query.since(), ZoneOffset.UTC);
                LocalDate last = LocalDate.ofInstant(query.until(), ZoneOffset.UTC);
                sameEntries(reply.get("inbound"), generated.expected(Direction.INBOUND, first, last, filters.get(i)),
                    "seed " + seed + " inbound " + describe(query));
                sameEntries(reply.get("outbound"), generated.expected(Direction.OUTBOUND, first, last, filters.get(i)),
                    "seed " + seed + " outbound " + describe(query));
                assertThat(reply.get("complete").asBoolean()).isTrue();
                assertThat(reply.get("unreadable").toString()).isEqualTo("{\"inbound\":0,\"outbound\":0}");
            }
            assertThat(posture.render(queries.get(0)).get("inbound")).as("something was counted").isNotEmpty();
        }
    }

    /** Entry by entry, so a failure shows the one (domain, row) that differs. */
    static void sameEntries(JsonNode actual, JsonNode expected, String what) {
        for (int i = 0; i < Math.max(actual.size(), expected.size()); i++) {
            assertThat(actual.get(i)).as("%s entry %d", what, i).isEqualTo(expected.get(i));
        }
    }

    private static String describe(PostureQuery query) {
        return query.since() + ".." + query.until() + " " + query.domain();
    }

    @Test
    void theReplySaysWhichLedgersAreReadAndSinceIsTheStartOfItsDay() throws Exception {
        LedgerLocations locations = new LedgerLocations();
        Posture posture = posture(locations, Optional.empty());
        Path inbound = directory.resolve("in/inbound.jsonl");
        locations.register(Direction.INBOUND, inbound);

        ObjectNode reply = posture.answer(PostureQuery.parse("PT6H", null, null, NOW));

        assertThat(reply.toString()).isEqualTo("{\"since\":\"2026-12-02T00:00:00Z\",\"until\":\"2026-12-02T12:00:00Z\","
            + "\"complete\":true,\"ledgers\":{\"inbound\":[\"" + inbound.toAbsolutePath() + "\"],\"outbound\":[]},"
            + "\"unreadable\":{\"inbound\":0,\"outbound\":0},\"inbound\":[],\"outbound\":[]}");
    }

    @Test
    void aRequestDuringTheFirstReadAnswersWhatIsThereWithCompleteFalse() throws Exception {
        GeneratedLedgers generated = new GeneratedLedgers(7, DOMAINS, ROWS, START, 10);
        JsonLinesFile outbound = new JsonLinesFile(directory.resolve("outbound.jsonl"), 10_000_000, 5);
        for (int i = 0; i < 20; i++) {
            outbound.append(generated.outbound().toJson().toString());
        }
        List<Runnable> held = new ArrayList<>();
        LedgerLocations locations = new LedgerLocations();
        Posture posture = new Posture(locations, new Posture.Settings(400, 5000, Optional.empty(), Duration.ZERO,
            Clock.fixed(NOW, ZoneOffset.UTC)), held::add);
        locations.register(Direction.OUTBOUND, outbound.file());
        PostureQuery all = PostureQuery.parse("30d", null, null, NOW);

        ObjectNode during = posture.answer(all);
        assertThat(during.get("complete").asBoolean()).isFalse();
        assertThat(during.get("outbound")).isEmpty();
        assertThat(held).as("one background read, however many requests").hasSize(1);

        held.get(0).run();
        ObjectNode after = posture.answer(all);
        assertThat(after.get("complete").asBoolean()).isTrue();
        sameEntries(after.get("outbound"), generated.expected(Direction.OUTBOUND,
            LocalDate.parse("2026-11-02"), LocalDate.parse("2026-12-02"), d -> true), "after the first read");
    }

    @Test
    void cutLinesAtEveryByteOffsetAreSkippedAndCountedTheRestExact() throws Exception {
        GeneratedLedgers generated = new GeneratedLedgers(11, DOMAINS, ROWS, START, 10);
        String before = generated.outbound().toJson().toString();
        String cut = generated.outbound().toJson().toString();
        GeneratedLedgers kept = new GeneratedLedgers(11, DOMAINS, ROWS, START, 10);
        kept.outbound();
        String after = generated.outbound().toJson().toString();
        byte[] line = cut.getBytes(StandardCharsets.UTF_8);
        ListAppender<ILoggingEvent> log = listen();
        try {
            for (int at = 0; at < line.length; at++) {
                for (int form = 0; form < 2; form++) {
                    Path dir = Files.createDirectories(directory.resolve("cut" + at + "-" + form));
                    Path file = dir.resolve("outbound.jsonl");
                    byte[] damaged = form == 0 ? java.util.Arrays.copyOfRange(line, 0, at)
                        : java.util.Arrays.copyOfRange(line, at + 1, line.length);
                    Files.write(file, (before + "\n").getBytes(StandardCharsets.UTF_8));
                    Files.write(file, damaged, StandardOpenOption.APPEND);
                    Files.write(file, ("\n" + after + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
                    LedgerLocations locations = new LedgerLocations();
                    Posture posture = posture(locations, Optional.empty());
                    locations.register(Direction.OUTBOUND, file);
                    posture.catchUp();

                    ObjectNode reply = posture.render(PostureQuery.parse("30d", null, null, NOW));
                    assertThat(reply.get("unreadable").get("outbound").asLong()).as("%s at %d", form == 0 ? "cut" : "start lost", at)
                        .isEqualTo(1);
                    assertThat(reply.get("outbound")).as("the other lines, at %d", at).isEqualTo(
                        twoLineModel(before, after));
                }
            }
        } finally {
            unlisten(log);
        }
        assertThat(log.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
            .contains("outbound.jsonl:2 is not a readable ledger line"));
    }

    /** The reply for a ledger holding exactly these two lines (read by a second posture, no damage). */
    private JsonNode twoLineModel(String first, String second) throws Exception {
        Path dir = Files.createDirectories(directory.resolve("clean-" + Integer.toHexString((first + second).hashCode())));
        Path file = dir.resolve("outbound.jsonl");
        if (!Files.exists(file)) {
            Files.writeString(file, first + "\n" + second + "\n");
        }
        LedgerLocations locations = new LedgerLocations();
        Posture posture = posture(locations, Optional.empty());
        locations.register(Direction.OUTBOUND, file);
        posture.catchUp();
        JsonNode clean = posture.render(PostureQuery.parse("30d", null, null, NOW)).get("outbound");
        assertThat(clean.size()).isBetween(1, 2);
        return clean;
    }

    @Test
    void unreadableLinesAreLoggedOncePerFilePerMinute() throws Exception {
        Path file = directory.resolve("inbound.jsonl");
        Files.writeString(file, "garbage\n{\"dir\":\n[]\n\n");
        ListAppender<ILoggingEvent> log = listen();
        try {
            LedgerLocations locations = new LedgerLocations();
            Posture posture = posture(locations, Optional.empty());
            locations.register(Direction.INBOUND, file);
            posture.catchUp();
            assertThat(posture.render(PostureQuery.parse("30d", null, null, NOW)).get("unreadable").get("inbound").asLong()).isEqualTo(4);
        } finally {
            unlisten(log);
        }
        assertThat(log.list).hasSize(1);
        assertThat(log.list.get(0).getFormattedMessage()).contains(file + ":1 is not a readable ledger line");
    }

    @Test
    void theCheckpointRestoresCountersAndPositionsAndOnlyNewLinesAreRead() throws Exception {
        Path checkpoints = directory.resolve("var/tls-posture");
        LedgerLocations locations = new LedgerLocations();
        JsonLinesFile inbound = new JsonLinesFile(directory.resolve("inbound.jsonl"), 60_000, 5);
        JsonLinesFile outbound = new JsonLinesFile(directory.resolve("outbound.jsonl"), 60_000, 5);
        locations.register(Direction.INBOUND, inbound.file());
        locations.register(Direction.OUTBOUND, outbound.file());
        Posture first = posture(locations, Optional.of(checkpoints));
        GeneratedLedgers generated = writeAndRead(21, 300, first, inbound, outbound);
        PostureQuery all = PostureQuery.parse("30d", null, null, NOW);
        ObjectNode before = first.render(all);
        assertThat(Files.exists(checkpoints.resolve(Posture.CHECKPOINT_FILE))).isTrue();
        assertThat(Files.exists(checkpoints.resolve(Posture.CHECKPOINT_FILE + ".tmp"))).isFalse();

        Posture second = posture(locations, Optional.of(checkpoints));
        assertThat(second.catchUp()).as("lines read after a restart with nothing new").isZero();
        assertThat(second.render(all)).isEqualTo(before);

        for (int i = 0; i < 30; i++) {
            outbound.append(generated.outbound().toJson().toString());
            inbound.append(generated.inbound().toJson().toString());
        }
        Posture third = posture(locations, Optional.of(checkpoints));
        assertThat(third.catchUp()).isEqualTo(60);
        LocalDate from = LocalDate.parse("2026-11-02");
        sameEntries(third.render(all).get("outbound"), generated.expected(Direction.OUTBOUND, from, LocalDate.parse("2026-12-02"), d -> true), "outbound");
        sameEntries(third.render(all).get("inbound"), generated.expected(Direction.INBOUND, from, LocalDate.parse("2026-12-02"), d -> true), "inbound");
    }

    @Test
    void aCheckpointThatIsCorruptOfAnotherVersionOrOfOtherFilesIsDiscardedWithOneWarning() throws Exception {
        Path checkpoints = directory.resolve("var/tls-posture");
        LedgerLocations locations = new LedgerLocations();
        JsonLinesFile outbound = new JsonLinesFile(directory.resolve("outbound.jsonl"), 10_000_000, 5);
        locations.register(Direction.OUTBOUND, outbound.file());
        GeneratedLedgers generated = new GeneratedLedgers(31, DOMAINS, ROWS, START, 10);
        for (int i = 0; i < 50; i++) {
            outbound.append(generated.outbound().toJson().toString());
        }
        posture(locations, Optional.of(checkpoints)).catchUp();
        String good = Files.readString(checkpoints.resolve(Posture.CHECKPOINT_FILE));
        PostureQuery all = PostureQuery.parse("30d", null, null, NOW);
        JsonNode expected = generated.expected(Direction.OUTBOUND, LocalDate.parse("2026-11-02"), LocalDate.parse("2026-12-02"), d -> true);

        List<String> damaged = new ArrayList<>();
        for (int at = 0; at < good.length(); at += Math.max(1, good.length() / 40)) {
            damaged.add(good.substring(0, at));
        }
        damaged.add(good.replace("\"version\":1", "\"version\":99"));
        damaged.add("{\"version\":1,\"ledgers\":[{\"direction\":\"outbound\",\"file\":\"" + outbound.file().toAbsolutePath()
            + "\",\"files\":[{\"file-key\":\"(dev=0,ino=1)\",\"head-sha256\":\"00\",\"offset\":5,\"lines\":1}],\"buckets\":[]}]}");
        damaged.add(good.replaceAll("\"offset\":\\d+", "\"offset\":999999999"));
        for (String checkpoint : damaged) {
            Files.writeString(checkpoints.resolve(Posture.CHECKPOINT_FILE), checkpoint);
            ListAppender<ILoggingEvent> log = listen();
            Posture restarted;
            try {
                restarted = posture(locations, Optional.of(checkpoints));
                restarted.catchUp();
            } finally {
                unlisten(log);
            }
            sameEntries(restarted.render(all).get("outbound"), expected, "after a checkpoint of " + checkpoint.length() + " chars");
            assertThat(log.list).as("warnings for checkpoint of %d chars", checkpoint.length()).hasSize(1);
            assertThat(log.list.get(0).getFormattedMessage()).contains("checkpoint").contains("discarded");
        }
    }

    @Test
    void domainsBeyondTheBoundOfADayAreCountedUnderOtherAndOldDaysAreDropped() throws Exception {
        LedgerLocations locations = new LedgerLocations();
        Posture posture = new Posture(locations, new Posture.Settings(3, 2, Optional.empty(), Duration.ZERO,
            Clock.fixed(NOW, ZoneOffset.UTC)), SAME_THREAD);
        JsonLinesFile outbound = new JsonLinesFile(directory.resolve("outbound.jsonl"), 10_000_000, 5);
        locations.register(Direction.OUTBOUND, outbound.file());
        GeneratedLedgers generated = new GeneratedLedgers(41, List.of("a.test", "b.test", "c.test", "d.test"), List.of("tls-policy.conf:1"),
            Instant.parse("2026-12-02T00:00:00Z"), 1);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            OutboundLedgerLine line = generated.outbound();
            outbound.append(line.toJson().toString());
            order.add(line.record().recipientDomain().orElseThrow());
        }
        GeneratedLedgers old = new GeneratedLedgers(42, List.of("old.test"), List.of("tls-policy.conf:1"),
            Instant.parse("2026-11-20T00:00:00Z"), 1);
        outbound.append(old.outbound().toJson().toString());
        posture.catchUp();

        JsonNode reply = posture.render(PostureQuery.parse("P100D", null, null, NOW)).get("outbound");
        List<String> firstTwo = order.stream().distinct().limit(2).sorted().collect(java.util.stream.Collectors.toList());
        assertThat(reply).hasSize(3);
        assertThat(reply.get(0).get("domain").asText()).isEqualTo("(other)");
        assertThat(List.of(reply.get(1).get("domain").asText(), reply.get(2).get("domain").asText())).isEqualTo(firstTwo);
        long total = 0;
        for (JsonNode entry : reply) {
            total += entry.get("attempts").asLong();
        }
        assertThat(total).as("every attempt of the day counted, none of 12 days ago").isEqualTo(40);
        assertThat(reply.get(0).get("attempts").asLong())
            .isEqualTo(order.stream().filter(d -> !firstTwo.contains(d)).count());
    }

    @Test
    void domainsAreMatchedInAnyCaseAndAsALabels() throws Exception {
        LedgerLocations locations = new LedgerLocations();
        Posture posture = posture(locations, Optional.empty());
        JsonLinesFile outbound = new JsonLinesFile(directory.resolve("outbound.jsonl"), 10_000_000, 5);
        locations.register(Direction.OUTBOUND, outbound.file());
        GeneratedLedgers generated = new GeneratedLedgers(51, List.of("Bücher.Test"), List.of("tls-policy.conf:1"), START, 3);
        for (int i = 0; i < 5; i++) {
            outbound.append(generated.outbound().toJson().toString());
        }
        posture.catchUp();

        for (String asked : List.of("xn--bcher-kva.test", "bücher.test", "BÜCHER.TEST", ".test")) {
            JsonNode reply = posture.render(PostureQuery.parse("30d", null, asked, NOW)).get("outbound");
            assertThat(reply).as(asked).hasSize(1);
            assertThat(reply.get(0).get("domain").asText()).isEqualTo("xn--bcher-kva.test");
            assertThat(reply.get(0).get("attempts").asLong()).isEqualTo(5);
        }
        assertThat(posture.render(PostureQuery.parse("30d", null, ".xn--bcher-kva.test", NOW)).get("outbound"))
            .as("subdomains only").isEmpty();
    }

    private static ListAppender<ILoggingEvent> listen() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Logger logger = (Logger) LoggerFactory.getLogger(Posture.class);
        logger.addAppender(appender);
        logger.setAdditive(false);
        return appender;
    }

    private static void unlisten(ListAppender<ILoggingEvent> appender) {
        Logger logger = (Logger) LoggerFactory.getLogger(Posture.class);
        logger.detachAppender(appender);
        logger.setAdditive(true);
    }

}
