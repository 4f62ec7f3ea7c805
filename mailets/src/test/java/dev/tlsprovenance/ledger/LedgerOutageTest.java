package dev.tlsprovenance.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** A directory where the ledger file should be fails for root too (chmod would not). */
class LedgerOutageTest {
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(Ledger.class);

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
    }

    private List<String> lines(Level level) {
        return log.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    @Test
    void oneErrorPerOutageWithItsCauseAndOneInfoWhenItEnds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("outbound.jsonl");
        Ledger ledger = new Ledger("outbound ledger", new JsonLinesFile(file, 1_000_000, 5));
        Files.createDirectories(file);

        for (int i = 0; i < 5; i++) {
            assertThat(ledger.isWritable()).isFalse();
            assertThat(ledger.append(Ledger.newLine().put("n", Integer.toString(i)))).isFalse();
        }
        assertThat(lines(Level.ERROR)).hasSize(1);
        assertThat(lines(Level.ERROR).get(0)).startsWith("The outbound ledger " + file + " cannot be written (")
            .contains("FileSystemException", "Is a directory");
        assertThat(lines(Level.INFO)).isEmpty();

        Files.delete(file);
        assertThat(ledger.isWritable()).isTrue();
        assertThat(ledger.append(Ledger.newLine().put("n", "after"))).isTrue();
        assertThat(lines(Level.ERROR)).hasSize(1);
        assertThat(lines(Level.INFO)).hasSize(1);
        assertThat(lines(Level.INFO).get(0)).startsWith("The outbound ledger " + file + " can be written again");
        assertThat(Files.readAllLines(file)).containsExactly("{\"n\":\"after\"}");
    }
}
