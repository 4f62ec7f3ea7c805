package dev.tlsprovenance.tlsrpt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What was already sent, so a restart never sends a day's report twice: {@code var/tls-rpt/sent.txt}, one line
 * {@code <day> <policy-domain> <destination>} per report handed over (accepted by our mail queue, or answered 2xx),
 * and {@code <day> <policy-domain> -} for a domain that publishes no TLS-RPT record. Appended and forced to disk
 * before the next report is sent. A line cut by a crash is ignored (its report may be sent again: at most one).
 */
public final class SentReports {
    public static final String NO_RECORD = "-";
    private final Path file;
    private final Set<String> sent = new HashSet<>();

    public SentReports(Path file) throws IOException {
        this.file = file;
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        }
        for (String line : lines) {
            if (line.split(" ").length == 3) {
                sent.add(line);
            }
        }
    }

    public synchronized boolean contains(LocalDate day, String domain, String destination) {
        return sent.contains(key(day, domain, destination));
    }

    public synchronized void add(LocalDate day, String domain, String destination) throws IOException {
        String key = key(day, domain, destination);
        if (sent.contains(key)) {
            return;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap((key + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        sent.add(key);
    }

    private static String key(LocalDate day, String domain, String destination) {
        return day + " " + domain + " " + destination.replace(' ', '+');
    }
}
