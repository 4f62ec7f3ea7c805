package dev.tlsprovenance.posture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rotating tail against generated sequences of what happens to a ledger between two reads: lines appended whole
 * or in two writes (the second through the file still open, wherever it was renamed to), the ledger's own rotation
 * to .1 .. .5 (the sixth deleted), an external rotator's truncation, a file replaced by another, a hand edit that
 * rewrites the file with its old lines. Whatever the order: no line is handed over twice, none in part, and every
 * complete line still on disk at the last read has been handed over.
 */
class LedgerTailTest {
    @TempDir
    Path directory;

    private final List<String> handed = new ArrayList<>();
    private int serial;

    private LedgerTail.LineSink collect() {
        return (file, number, bytes, offset, length) -> handed.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
    }

    private String nextLine(Random random) {
        serial++;
        return "{\"line\":" + serial + ",\"pad\":\"" + "x".repeat(random.nextInt(300)) + "\"}";
    }

    @Test
    void generatedSequencesOfAppendsRotationsTruncationsAndReplacementsLoseNothingOnDiskAndCountNothingTwice() throws Exception {
        // -Dtail.seed=N replays one sequence and prints each step and the files; -Dtail.seeds=N runs more of them
        long only = Long.getLong("tail.seed", 0);
        for (long seed = only > 0 ? only : 1; seed <= (only > 0 ? only : Long.getLong("tail.seeds", 300)); seed++) {
            Path dir = Files.createDirectories(directory.resolve("s" + seed));
            Path base = dir.resolve("outbound.jsonl");
            Random random = new Random(seed);
            // lines cross read-buffer boundaries at every position: buffers of 1 to 700 bytes, and the real one
            int buffer = seed % 4 == 0 ? LedgerTail.BUFFER_BYTES : 1 + random.nextInt(700);
            LedgerTail tail = new LedgerTail(base, 5, buffer);
            handed.clear();
            Set<String> written = new HashSet<>();
            FileChannel partialWriter = null;
            String partialRest = null;
            Object partialKey = null;
            List<String> steps = new ArrayList<>();
            for (int step = 0; step < 60; step++) {
                int op = random.nextInt(12);
                // one writer writes whole lines: nothing else goes into the file that has a half line at its end
                boolean writesBase = op <= 3 || op >= 8;
                if (partialWriter != null && (random.nextInt(3) == 0 || writesBase && stillAt(base, partialKey))) {
                    steps.add("finish");
                    partialWriter.write(ByteBuffer.wrap((partialRest + "\n").getBytes(StandardCharsets.UTF_8)));
                    partialWriter.close();
                    partialWriter = null;
                    continue;
                }
                if (op <= 2) {
                    steps.add("append");
                    String line = nextLine(random);
                    written.add(line);
                    Files.writeString(base, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } else if (op == 3 && partialWriter == null) {
                    steps.add("half");
                    String line = nextLine(random);
                    written.add(line);
                    int cut = 1 + random.nextInt(line.length() - 1);
                    partialWriter = FileChannel.open(base, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
                    partialKey = Files.readAttributes(base, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
                    partialWriter.write(ByteBuffer.wrap(line.substring(0, cut).getBytes(StandardCharsets.UTF_8)));
                    partialRest = line.substring(cut);
                } else if (op <= 5) {
                    steps.add("read");
                    tail.readNew(collect());
                    if (only > 0) {
                        System.out.println("READ -> " + handed.size() + " " + handed.stream().map(l -> l.substring(8, 12)).collect(java.util.stream.Collectors.toList()) + " STATE " + tail.state());
                    }
                } else if (op <= 7) {
                    steps.add("rotate");
                    rotate(base);
                } else if (op == 8) {
                    steps.add("truncate");
                    if (Files.exists(base)) {
                        try (FileChannel channel = FileChannel.open(base, StandardOpenOption.WRITE)) {
                            channel.truncate(0);
                        }
                    }
                } else if (op == 9) {
                    steps.add("replace");
                    String line = nextLine(random);
                    written.add(line);
                    Path temporary = dir.resolve("new.tmp");
                    Files.writeString(temporary, line + "\n");
                    Files.move(temporary, base, StandardCopyOption.REPLACE_EXISTING);
                } else if (op == 10) {
                    steps.add("hand-edit");
                    if (Files.exists(base)) {
                        String line = nextLine(random);
                        written.add(line);
                        Path temporary = dir.resolve("edit.tmp");
                        Files.writeString(temporary, Files.readString(base) + line + "\n");
                        Files.move(temporary, base, StandardCopyOption.REPLACE_EXISTING);
                    }
                } else {
                    steps.add("read");
                    tail.readNew(collect());
                    if (only > 0) {
                        System.out.println("READ -> " + handed.size() + " " + handed.stream().map(l -> l.substring(8, 12)).collect(java.util.stream.Collectors.toList()) + " STATE " + tail.state());
                    }
                }
                if (only > 0) {
                    System.out.println(steps.get(steps.size() - 1) + " " + listing(base));
                }
            }
            if (partialWriter != null) {
                partialWriter.close();
            }
            tail.readNew(collect());

            String what = "seed " + seed + " buffer " + buffer + " " + steps;
            assertThat(new HashSet<>(handed)).as("no line twice: %s", what).hasSize(handed.size());
            assertThat(written).as("only whole written lines: %s", what).containsAll(handed);
            assertThat(handed).as("every complete line on disk: %s", what).containsAll(completeLinesOnDisk(base));
        }
    }

    private static String listing(Path base) throws IOException {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i <= 5; i++) {
            Path file = i == 0 ? base : numbered(base, i);
            if (Files.exists(file)) {
                String content = Files.readString(file);
                out.append(" [").append(i).append(" ").append(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                    .append(" ").append(content.replaceAll("\"pad\":\"x*\"", "").replace("\n", "|")).append("]");
            }
        }
        return out.toString();
    }

    private static boolean stillAt(Path base, Object key) throws IOException {
        return Files.exists(base) && Files.readAttributes(base, java.nio.file.attribute.BasicFileAttributes.class).fileKey().equals(key);
    }

    private static void rotate(Path base) throws IOException {
        Files.deleteIfExists(numbered(base, 5));
        for (int i = 4; i >= 1; i--) {
            if (Files.exists(numbered(base, i))) {
                Files.move(numbered(base, i), numbered(base, i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (Files.exists(base)) {
            Files.move(base, numbered(base, 1), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path numbered(Path base, int i) {
        return base.resolveSibling(base.getFileName() + "." + i);
    }

    private static List<String> completeLinesOnDisk(Path base) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 5; i >= 0; i--) {
            Path file = i == 0 ? base : numbered(base, i);
            if (!Files.exists(file)) {
                continue;
            }
            String content = Files.readString(file);
            int end = content.lastIndexOf('\n');
            if (end < 0) {
                continue;
            }
            for (String line : content.substring(0, end).split("\n", -1)) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void aLineWrittenHalfBeforeAndHalfAfterTheRenameIsHandedOverOnceWhole() throws Exception {
        Path base = directory.resolve("outbound.jsonl");
        LedgerTail tail = new LedgerTail(base, 5);
        Files.writeString(base, "first\n");
        try (FileChannel writer = FileChannel.open(base, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            writer.write(ByteBuffer.wrap("sec".getBytes(StandardCharsets.UTF_8)));
            assertThat(tail.readNew(collect())).isEqualTo(1);
            rotate(base);
            Files.writeString(base, "third\n");
            assertThat(tail.readNew(collect())).isEqualTo(1);
            writer.write(ByteBuffer.wrap("ond\n".getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(tail.readNew(collect())).isEqualTo(1);
        assertThat(handed).containsExactly("first", "third", "second");
    }

    @Test
    void aStateSavedAndRestoredContinuesWhereItStopped() throws Exception {
        Path base = directory.resolve("inbound.jsonl");
        Files.writeString(base, "a\nb\n");
        LedgerTail first = new LedgerTail(base, 5);
        first.readNew(collect());
        List<LedgerTail.FileState> saved = first.state();
        rotate(base);
        Files.writeString(numbered(base, 1), "c\n", StandardOpenOption.APPEND);
        Files.writeString(base, "d\n");

        LedgerTail restarted = new LedgerTail(base, 5);
        assertThat(restarted.matches(saved)).isTrue();
        restarted.restore(saved);
        restarted.readNew(collect());
        assertThat(handed).containsExactly("a", "b", "c", "d");
        assertThat(restarted.state().get(0).lines()).isEqualTo(3);
    }

    @Test
    void aSavedStateOfFilesNoLongerThereOrCutShorterDoesNotMatch() throws Exception {
        Path base = directory.resolve("inbound.jsonl");
        Files.writeString(base, "a\nb\n");
        LedgerTail tail = new LedgerTail(base, 5);
        tail.readNew(collect());
        List<LedgerTail.FileState> saved = tail.state();

        Files.writeString(base, "a\n");
        Path other = directory.resolve("other.tmp");
        assertThat(new LedgerTail(base, 5).matches(saved)).as("same first line, shorter than what was read").isFalse();
        Files.writeString(other, "z\n");
        Files.move(other, base, StandardCopyOption.REPLACE_EXISTING);
        assertThat(new LedgerTail(base, 5).matches(saved)).as("another file").isFalse();
        Files.delete(base);
        assertThat(new LedgerTail(base, 5).matches(saved)).as("no file at all").isTrue();
    }
}
