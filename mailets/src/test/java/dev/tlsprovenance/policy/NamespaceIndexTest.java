package dev.tlsprovenance.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The hash index agrees with the obvious linear definition of "most specific row" on random tables. */
class NamespaceIndexTest {
    private static final String[] LABELS = {"a", "b", "mx", "eu", "tenant", "hosted", "test", "com", "x-1", "_dmarc"};

    @Test
    void agreesWithALinearScan() {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            Map<String, NamespacePolicy> rows = new LinkedHashMap<>();
            for (int i = 0; i < 1 + random.nextInt(200); i++) {
                String name = randomName(random, 1 + random.nextInt(4));
                String namespace = random.nextBoolean() ? "." + name : name;
                rows.putIfAbsent(namespace, NamespacePolicy.builder(namespace, "row" + i).build());
            }
            TlsPolicyTable table = TlsPolicyTable.of(new ArrayList<>(rows.values()));
            for (int q = 0; q < 500; q++) {
                String query = randomName(random, 1 + random.nextInt(6));
                assertThat(table.lookup(query)).as(query).isSameAs(linear(rows, query));
            }
        }
    }

    private static NamespacePolicy linear(Map<String, NamespacePolicy> rows, String query) {
        if (rows.containsKey(query)) {
            return rows.get(query);
        }
        NamespacePolicy best = NamespacePolicy.builtInDefault();
        int bestLength = -1;
        for (Map.Entry<String, NamespacePolicy> row : rows.entrySet()) {
            String namespace = row.getKey();
            if (namespace.startsWith(".") && query.endsWith(namespace) && namespace.length() > bestLength) {
                best = row.getValue();
                bestLength = namespace.length();
            }
        }
        return best;
    }

    private static String randomName(Random random, int labels) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < labels; i++) {
            parts.add(LABELS[random.nextInt(LABELS.length)]);
        }
        return String.join(".", parts);
    }
}
