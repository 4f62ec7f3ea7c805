package dev.tlsprovenance.benchmarks.policy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.TlsPolicyTable;

/**
 * The same lookups as {@link PolicyLookupBenchmark}, timed in <em>CPU</em> time of the measuring thread,
 * so that time spent descheduled on a shared machine is not counted (cache pollution by neighbours
 * still is). Prints the median of 7 rounds of 20 million lookups per table size, after 3 warm-up rounds.
 * Run: {@code java -cp ... dev.tlsprovenance.benchmarks.policy.PolicyLookupCpuTime}
 */
public final class PolicyLookupCpuTime {
    private static final int LOOKUPS = 20_000_000;

    private PolicyLookupCpuTime() {
    }

    public static void main(String[] args) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int rows : new int[] {1_000, 10_000, 100_000}) {
            TlsPolicyTable table = PolicyLookupData.table(rows);
            String[] queries = PolicyLookupData.queries(rows, PolicyLookupBenchmark.QUERIES);
            double[] rounds = new double[7];
            long defaults = 0;
            for (int round = -3; round < rounds.length; round++) {
                long start = threads.getCurrentThreadCpuTime();
                defaults += run(table, queries);
                long cpu = threads.getCurrentThreadCpuTime() - start;
                if (round >= 0) {
                    rounds[round] = (double) cpu / LOOKUPS;
                }
            }
            Arrays.sort(rounds);
            System.out.printf("rows=%d  cpu ns/lookup median=%.1f  min=%.1f  max=%.1f  (defaults seen: %d)%n",
                rows, rounds[rounds.length / 2], rounds[0], rounds[rounds.length - 1], defaults);
        }
    }

    private static long run(TlsPolicyTable table, String[] queries) {
        NamespacePolicy fallback = table.defaultPolicy();
        long defaults = 0;
        int mask = queries.length - 1;
        for (int i = 0; i < LOOKUPS; i++) {
            if (table.lookup(queries[i & mask]) == fallback) {
                defaults++;
            }
        }
        return defaults;
    }
}
