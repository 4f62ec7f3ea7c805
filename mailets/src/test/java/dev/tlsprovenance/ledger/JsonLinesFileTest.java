package dev.tlsprovenance.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory is made when the open finds it missing, not before every line; nothing else about appending changes. */
class JsonLinesFileTest {
    @Test
    void aDirectoryRemovedBetweenTwoLinesIsMadeAgainAndTheLineWritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("var/tls-ledger/inbound.jsonl");
        JsonLinesFile lines = new JsonLinesFile(file, 1_000_000, 2);

        lines.append("{\"n\":1}");
        Files.delete(file);
        Files.delete(file.getParent());
        lines.append("{\"n\":2}");

        assertThat(Files.readAllLines(file)).containsExactly("{\"n\":2}");
    }

    @Test
    void aFileWhereTheDirectoryShouldBeFailsTheAppendAndWritesNothing(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("var"), "not a directory");
        JsonLinesFile lines = new JsonLinesFile(dir.resolve("var/tls-ledger/inbound.jsonl"), 1_000_000, 2);

        assertThatThrownBy(() -> lines.append("{\"n\":1}")).isInstanceOf(IOException.class);
        assertThat(Files.readString(dir.resolve("var"))).isEqualTo("not a directory");
    }

    @Test
    void theLineThatWouldPassTheLimitGoesToAFreshFileAndTheOldOneIsNumbered(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ledger.jsonl");
        JsonLinesFile lines = new JsonLinesFile(file, 20, 2);

        lines.append("{\"n\":1111111}");   // 14 bytes with the newline
        lines.append("{\"n\":2222222}");   // 28 > 20: rotates first

        assertThat(Files.readAllLines(file)).containsExactly("{\"n\":2222222}");
        assertThat(Files.readAllLines(dir.resolve("ledger.jsonl.1"))).isEqualTo(List.of("{\"n\":1111111}"));
    }
}
