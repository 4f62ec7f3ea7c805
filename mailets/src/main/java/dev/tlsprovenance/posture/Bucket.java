package dev.tlsprovenance.posture;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The counters of one direction for one (UTC day, recipient domain, policy row): whole numbers and small maps of
 * word to number, written with the field names of {@code GET /tls/posture} (and read back from them: the checkpoint
 * uses the same form). A map holds at most {@value #MAP_KEYS} words; further words (a hand-edited ledger with many
 * made-up cipher names) are counted under {@code other}.
 */
final class Bucket {
    static final int MAP_KEYS = 64;
    static final String OTHER = "other";
    static final List<String> MAPS = List.of("transport", "protocols", "ciphers", "verify", "reasons", "level", "failures",
        "policy-source", "result-type");

    /** The fields of a direction in reply order; which are maps; which are repeated per day. */
    enum Shape {
        INBOUND(List.of("messages", "recipients", "tls", "cleartext", "unknown", "transport", "protocols", "ciphers",
                "verify", "client-certificates", "accepted", "refused", "reasons", "fallbacks", "requiretls"),
            List.of("messages", "tls", "cleartext")),
        OUTBOUND(List.of("level", "policy-source", "attempts", "delivered", "deferred", "failed", "tls", "cleartext", "none",
                "refused", "transport", "protocols", "ciphers", "verify", "fallbacks", "requiretls", "failures", "result-type"),
            List.of("attempts", "tls", "cleartext", "none"));

        /** Listed with 0 when nothing was counted, so a reader finds every status. */
        static final List<String> VERIFY_WORDS = List.of("verified", "not-presented", "not-checked", "failed");

        final List<String> fields;
        final List<String> dayFields;
        private final Map<String, Integer> index = new LinkedHashMap<>();
        private int scalars;
        private int maps;

        Shape(List<String> fields, List<String> dayFields) {
            this.fields = fields;
            this.dayFields = dayFields;
            for (String field : fields) {
                index.put(field, MAPS.contains(field) ? maps++ : scalars++);
            }
        }

        int slot(String field) {
            Integer slot = index.get(field);
            if (slot == null) {
                throw new IllegalArgumentException("no field " + field + " in " + this);
            }
            return slot;
        }

        boolean isMap(String field) {
            return MAPS.contains(field);
        }
    }

    final Shape shape;
    private final long[] numbers;
    private final Map<String, Long>[] words;

    @SuppressWarnings("unchecked")
    Bucket(Shape shape) {
        this.shape = shape;
        this.numbers = new long[shape.scalars];
        this.words = new Map[shape.maps];
    }

    /** A copy that shares nothing with this one (a checkpoint is written from copies, outside the locks). */
    Bucket copy() {
        Bucket copy = new Bucket(shape);
        System.arraycopy(numbers, 0, copy.numbers, 0, numbers.length);
        for (int i = 0; i < words.length; i++) {
            copy.words[i] = words[i] == null ? null : new TreeMap<>(words[i]);
        }
        return copy;
    }

    void add(String field, long n) {
        numbers[shape.slot(field)] += n;
    }

    long number(int slot) {
        return numbers[slot];
    }

    long get(String field) {
        return numbers[shape.slot(field)];
    }

    void count(String map, String word) {
        countBy(map, word, 1);
    }

    private void countBy(String map, String word, long n) {
        int slot = shape.slot(map);
        Map<String, Long> counts = words[slot];
        if (counts == null) {
            counts = new TreeMap<>();
            words[slot] = counts;
        }
        String key = counts.containsKey(word) || counts.size() < MAP_KEYS - 1 ? word : OTHER;
        counts.merge(key, n, Long::sum);
    }

    Map<String, Long> words(String map) {
        Map<String, Long> counts = words[shape.slot(map)];
        return counts == null ? Map.of() : counts;
    }

    /** Adds another bucket's counts (a reply sums many: by slot, without looking names up). */
    void addAll(Bucket other) {
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] += other.numbers[i];
        }
        for (int slot = 0; slot < words.length; slot++) {
            Map<String, Long> theirs = other.words[slot];
            if (theirs == null) {
                continue;
            }
            Map<String, Long> ours = words[slot];
            if (ours == null) {
                words[slot] = new TreeMap<>(theirs);
                continue;
            }
            for (Map.Entry<String, Long> entry : theirs.entrySet()) {
                String key = ours.containsKey(entry.getKey()) || ours.size() < MAP_KEYS - 1 ? entry.getKey() : OTHER;
                ours.merge(key, entry.getValue(), Long::sum);
            }
        }
    }

    void writeTo(ObjectNode node) {
        for (String field : shape.fields) {
            if (!shape.isMap(field)) {
                node.put(field, get(field));
                continue;
            }
            ObjectNode counts = node.putObject(field);
            if (field.equals("verify")) {
                Shape.VERIFY_WORDS.forEach(word -> counts.put(word, 0L));
            }
            words(field).forEach(counts::put);
        }
    }

    /** Reads what {@link #writeTo} wrote; fields it does not know are ignored. */
    static Bucket readFrom(Shape shape, JsonNode node) {
        Bucket bucket = new Bucket(shape);
        for (String field : shape.fields) {
            JsonNode value = node.get(field);
            if (value == null) {
                continue;
            }
            if (!shape.isMap(field)) {
                bucket.add(field, value.asLong());
                continue;
            }
            Iterator<Map.Entry<String, JsonNode>> entries = value.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                if (entry.getValue().asLong() != 0) {
                    bucket.countBy(field, entry.getKey(), entry.getValue().asLong());
                }
            }
        }
        return bucket;
    }
}
