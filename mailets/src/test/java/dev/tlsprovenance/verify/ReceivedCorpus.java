package dev.tlsprovenance.verify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code received-corpus/received-lines.txt}: each case is a source, expected facts and a Received value. */
public final class ReceivedCorpus {
    public static final String RESOURCE = "/received-corpus/received-lines.txt";

    private ReceivedCorpus() {
    }

    public static final class Case {
        public final int lineNumber;
        public final String source;
        public final Map<String, String> expected;
        public final String received;

        Case(int lineNumber, String source, Map<String, String> expected, String received) {
            this.lineNumber = lineNumber;
            this.source = source;
            this.expected = expected;
            this.received = received;
        }

        public boolean synthetic() {
            return source.startsWith("synthetic");
        }

        @Override
        public String toString() {
            return "line " + lineNumber + " " + expected.getOrDefault("family", "?") + ": "
                + (received.length() > 70 ? received.substring(0, 70) + "..." : received);
        }
    }

    public static List<Case> cases() {
        try (InputStream in = ReceivedCorpus.class.getResourceAsStream(RESOURCE);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<Case> cases = new ArrayList<>();
            String source = null;
            Map<String, String> expected = null;
            int expectedLine = 0;
            int number = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("@ ")) {
                    source = line.substring(2).trim();
                } else if (line.startsWith("= ")) {
                    expected = new LinkedHashMap<>();
                    expectedLine = number;
                    for (String pair : line.substring(2).trim().split("\\s+")) {
                        int eq = pair.indexOf('=');
                        expected.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                } else {
                    if (expected == null || source == null) {
                        throw new IllegalStateException("corpus line " + number + ": Received value without '@' source or '=' expectations");
                    }
                    cases.add(new Case(expectedLine, source, expected, line));
                    expected = null;
                }
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
