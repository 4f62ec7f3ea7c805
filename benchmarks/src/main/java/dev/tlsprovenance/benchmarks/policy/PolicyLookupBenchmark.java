package dev.tlsprovenance.benchmarks.policy;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.TlsPolicyTable;

/**
 * Time of one {@link TlsPolicyTable#lookup(String)} at 1k, 10k and 100k rows (half exact names, half
 * parent suffixes, plus a default row). The queried domains are a fixed shuffled mix of one third exact
 * hits, one third suffix hits two labels below their row, and one third misses that fall to the default;
 * one query in eight is written in mixed case with a trailing dot. Target: <= 200 ns at 100k rows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PolicyLookupBenchmark {
    static final int QUERIES = 4096;

    @Param({"1000", "10000", "100000"})
    int rows;

    private TlsPolicyTable table;
    private String[] queries;
    private int next;

    @Setup(Level.Trial)
    public void buildTable() {
        table = PolicyLookupData.table(rows);
        queries = PolicyLookupData.queries(rows, QUERIES);
    }

    @Benchmark
    public NamespacePolicy lookup() {
        String domain = queries[next];
        next = (next + 1) & (QUERIES - 1);
        return table.lookup(domain);
    }
}
