package dev.tlsprovenance.tlsrpt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.ledger.JsonLinesFile;
import dev.tlsprovenance.ledger.OutboundLedgerLine;
import dev.tlsprovenance.provenance.MalformedProvenanceException;

/**
 * The reports of one UTC day from outbound ledgers: each ledger's files as {@link JsonLinesFile} rotates them
 * ({@code NAME.5} .. {@code NAME.1}, then the live file), oldest first, every line whose {@code time} falls in the day. Read whole each time (a daily job
 * and an on-demand preview; at the default 10 MiB x 6 files a ledger, a few seconds at most). Lines that cannot be read
 * are skipped and counted, one WARN per file. Attempts of our own report mails ({@code sender} equal to the report
 * sender) are left out: RFC 8460 §5.3, a report's session "SHOULD NOT" be included in the next report.
 */
public final class LedgerDay {
    private static final Logger LOGGER = LoggerFactory.getLogger(LedgerDay.class);
    private LedgerDay() {
    }

    public static Map<String, TlsReport> reports(List<Path> ledgers, LocalDate day, TlsReport.Settings settings,
                                                 Optional<String> reportSender) throws IOException {
        TlsReport.Builder builder = new TlsReport.Builder(day, settings);
        Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant until = from.plusSeconds(86_400);
        ObjectMapper json = new ObjectMapper();
        Optional<String> ours = reportSender.map(s -> s.toLowerCase(Locale.ROOT));
        for (Path ledger : ledgers) {
            for (Path file : filesOldestFirst(ledger)) {
                read(file, json, line -> {
                    Instant time = line.line.record().time();
                    if (time.isBefore(from) || !time.isBefore(until)) {
                        return;
                    }
                    if (ours.isPresent() && ours.get().equals(line.line.mail().sender().toLowerCase(Locale.ROOT))) {
                        return;
                    }
                    ReportedSession.of(line.line, line.raw).ifPresent(builder::add);
                });
            }
        }
        return builder.build();
    }

    static List<Path> filesOldestFirst(Path ledger) {
        return JsonLinesFile.filesOldestFirst(ledger, JsonLinesFile.KEPT_ROTATIONS);
    }

    private static void read(Path file, ObjectMapper json, java.util.function.Consumer<Parsed> sink) throws IOException {
        long number = 0;
        long unreadable = 0;
        long firstBad = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            String text;
            while ((text = reader.readLine()) != null) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                try {
                    JsonNode raw = json.readTree(text);
                    sink.accept(new Parsed(OutboundLedgerLine.parse(raw), raw));
                } catch (IOException | MalformedProvenanceException | RuntimeException e) {
                    if (unreadable++ == 0) {
                        firstBad = number;
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return;
        }
        if (unreadable > 0) {
            LOGGER.warn("TLS-RPT: {} line(s) of {} could not be read and are not in the reports (first: line {})",
                unreadable, file, firstBad);
        }
    }

    private static final class Parsed {
        final OutboundLedgerLine line;
        final JsonNode raw;

        Parsed(OutboundLedgerLine line, JsonNode raw) {
            this.line = line;
            this.raw = raw;
        }
    }
}
