package dev.tlsprovenance.benchmarks.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.tlsprovenance.policy.InboundRule;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.policy.TlsPolicyTable;

/** The table and queries both lookup measurements use (see {@link PolicyLookupBenchmark}). */
final class PolicyLookupData {
    private PolicyLookupData() {
    }

    /** Half exact names, half parent suffixes, plus a default row. */
    static TlsPolicyTable table(int rows) {
        List<NamespacePolicy> policies = new ArrayList<>(rows + 1);
        for (int i = 0; i < rows; i++) {
            String namespace = i % 2 == 0 ? "tenant" + i + ".example.test" : ".tenant" + i + ".hosted.test";
            policies.add(NamespacePolicy.builder(namespace, "tls-policy.conf:" + (i + 1))
                .inbound(InboundRule.REQUIRE)
                .outbound(OutboundPolicy.builder().level(OutboundLevel.SECURE).build())
                .build());
        }
        policies.add(NamespacePolicy.builder(NamespacePolicy.DEFAULT_NAMESPACE, "tls-policy.conf:" + (rows + 1)).build());
        return TlsPolicyTable.of(policies);
    }

    /** A third exact hits, a third suffix hits two labels below their row, a third default; 1 in 8 upper case + dot. */
    static String[] queries(int rows, int count) {
        Random random = new Random(42);
        String[] queries = new String[count];
        for (int q = 0; q < count; q++) {
            int row = random.nextInt(rows);
            String query;
            switch (q % 3) {
                case 0:
                    row &= ~1;
                    query = "tenant" + row + ".example.test";
                    break;
                case 1:
                    row |= 1;
                    row = row < rows ? row : row - 2;
                    query = "mx" + q + ".eu.tenant" + row + ".hosted.test";
                    break;
                default:
                    query = "unlisted" + row + ".elsewhere.test";
                    break;
            }
            queries[q] = q % 8 == 7 ? query.toUpperCase() + "." : query;
        }
        return queries;
    }
}
