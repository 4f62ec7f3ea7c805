package dev.tlsprovenance.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of a server from /proc: the process and every live descendant, each with its user + system time and the
 * time of the children it has already reaped (fields 14-17 of /proc/PID/stat, in clock ticks of 1/100 s on Linux).
 * A Postfix instance is a master with short-lived daemons (smtpd, cleanup, smtp, trivial-rewrite, ...): a daemon
 * that exits is reaped by the master, so its CPU moves into the master's children time and is still counted once.
 */
public final class ProcessCpu {
    static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** CPU seconds used so far by {@code root} and its live descendants, including the reaped children of each. */
    public static double treeSeconds(ProcessHandle root) {
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            return Stream.concat(Stream.of(root), descendants).mapToDouble(process -> seconds(process.pid())).sum();
        }
    }

    /** Waits until the tree uses less than 5% of one core over 500 ms (at most 120 s): a measurement starts idle. */
    public static void awaitIdle(ProcessHandle root) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        double before = treeSeconds(root);
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            double now = treeSeconds(root);
            if (now - before < 0.025) {
                return;
            }
            before = now;
        }
    }

    private static double seconds(long pid) {
        try {
            String[] fields = fieldsAfterName(Files.readString(Path.of("/proc/" + pid + "/stat")));
            long ticks = 0;
            for (int field = 11; field <= 14; field++) {
                ticks += Long.parseLong(fields[field]);
            }
            return ticks / TICKS_PER_SECOND;
        } catch (NoSuchFileException e) {
            return 0; // exited between the listing and the read: its time is now its parent's children time
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The fields of a /proc stat line (of a process or a thread) after its name, which is in parentheses and may hold
     * spaces: index 11 is utime, 12 stime, 13 cutime, 14 cstime (fields 14-17 of proc(5)).
     */
    static String[] fieldsAfterName(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** The name in a /proc stat line, as Linux keeps it (cut to 15 characters). */
    static String name(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** The 1-minute load average, from /proc/loadavg. */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
