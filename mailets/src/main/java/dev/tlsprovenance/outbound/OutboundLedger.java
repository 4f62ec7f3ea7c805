package dev.tlsprovenance.outbound;

import dev.tlsprovenance.provenance.TlsProvenance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import dev.tlsprovenance.json.JsonStrings;

/**
 * The durable record of outbound attempts: one JSON object per line ({@link TlsProvenance#toFields()}, all values
 * strings), appended to {@code outbound.jsonl}. When the file would pass {@code maxBytes} it is rotated to
 * {@code outbound.jsonl.1} (older files shift up to {@code keep}), as logrotate would. Reporting tools and the CLI
 * read these lines back with {@link TlsProvenance#fromFields(Map)}.
 */
public final class OutboundLedger {
    private final Path file;
    private final long maxBytes;
    private final int keep;

    public OutboundLedger(Path file, long maxBytes, int keep) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    public Path file() {
        return file;
    }

    public synchronized void append(TlsProvenance attempt) throws IOException {
        byte[] line = (toJson(attempt.toFields()) + "\n").getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (Files.exists(file) && Files.size(file) + line.length > maxBytes) {
            rotate();
        }
        Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private void rotate() throws IOException {
        Files.deleteIfExists(numbered(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(numbered(i))) {
                Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (keep >= 1) {
            Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.delete(file);
        }
    }

    private Path numbered(int index) {
        return file.resolveSibling(file.getFileName() + "." + index);
    }

    static String toJson(Map<String, String> fields) {
        StringBuilder json = new StringBuilder(512).append('{');
        boolean first = true;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            JsonStrings.append(json, field.getKey());
            json.append(':');
            JsonStrings.append(json, field.getValue());
        }
        return json.append('}').toString();
    }
}
