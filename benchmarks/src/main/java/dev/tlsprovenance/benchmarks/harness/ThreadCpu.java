package dev.tlsprovenance.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of one JVM's threads by stage, from /proc/PID/task/TID/stat (user + system ticks, 1/100 s), so that a
 * measurement can say where a server's CPU per mail went: its SMTP listener threads, the spool (James's mailet
 * container), ActiveMQ's broker and journal, the JIT compilers, the garbage collector. Linux cuts a thread's name to
 * 15 characters, which still tells these apart. A thread that exits between two snapshots takes its time with it
 * (its process still counts it): the difference between the process's CPU and the sum of the stages is reported
 * as {@link #EXITED_OR_UNNAMED} by {@link #stagesBetween}.
 */
public final class ThreadCpu {
    public static final String JIT = "jit";
    public static final String EXITED_OR_UNNAMED = "other";
    /** The stages in report order; each a thread-name prefix test, first match wins, the rest is {@link #EXITED_OR_UNNAMED}. */
    public static final List<String> STAGES = List.of("smtp", "spool", "delivery", "activemq", JIT, "gc", EXITED_OR_UNNAMED);

    private final Map<Long, Long> ticksByThread;
    private final Map<Long, String> stageByThread;
    private final double processSeconds;

    private ThreadCpu(Map<Long, Long> ticksByThread, Map<Long, String> stageByThread, double processSeconds) {
        this.ticksByThread = ticksByThread;
        this.stageByThread = stageByThread;
        this.processSeconds = processSeconds;
    }

    /** The CPU of every live thread of {@code jvm} now (empty for a process that is gone). */
    public static ThreadCpu of(ProcessHandle jvm) {
        Map<Long, Long> ticks = new HashMap<>();
        Map<Long, String> stages = new HashMap<>();
        try (Stream<Path> threads = Files.list(Path.of("/proc/" + jvm.pid() + "/task"))) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"));
                } catch (NoSuchFileException exited) {
                    continue;
                }
                long tid = Long.parseLong(thread.getFileName().toString());
                String[] fields = ProcessCpu.fieldsAfterName(stat);
                ticks.put(tid, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                stages.put(tid, stageOf(ProcessCpu.name(stat)));
            }
        } catch (NoSuchFileException gone) {
            return new ThreadCpu(Map.of(), Map.of(), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new ThreadCpu(ticks, stages, ProcessCpu.treeSeconds(jvm));
    }

    /** CPU seconds of the whole process tree when this snapshot was taken ({@link ProcessCpu#treeSeconds}). */
    public double processSeconds() {
        return processSeconds;
    }

    /** The stage of a thread by its (15-character) name; James 3.8.1's and this distribution's thread names. */
    static String stageOf(String threadName) {
        if (threadName.startsWith("smtpserver")) {
            return "smtp";
        } else if (threadName.startsWith("spooler")) {
            return "spool";
        } else if (threadName.startsWith("tls-delivery")) {
            return "delivery";
        } else if (threadName.startsWith("ActiveMQ")) {
            return "activemq";
        } else if (threadName.startsWith("C1 CompilerThre") || threadName.startsWith("C2 CompilerThre")
                || threadName.startsWith("Sweeper thread")) {
            return JIT;
        } else if (threadName.startsWith("GC Thread") || threadName.startsWith("G1 ") || threadName.equals("VM Thread")) {
            return "gc";
        }
        return EXITED_OR_UNNAMED;
    }

    /**
     * Seconds of CPU per stage from {@code before} to {@code after} (both of the same JVM), in {@link #STAGES} order;
     * {@link #EXITED_OR_UNNAMED} is the process's CPU not found in any live thread's stage.
     */
    public static Map<String, Double> stagesBetween(ThreadCpu before, ThreadCpu after) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        STAGES.forEach(stage -> seconds.put(stage, 0.0));
        double named = 0;
        for (Map.Entry<Long, Long> thread : after.ticksByThread.entrySet()) {
            String stage = after.stageByThread.get(thread.getKey());
            if (stage.equals(EXITED_OR_UNNAMED)) {
                continue;
            }
            double used = (thread.getValue() - before.ticksByThread.getOrDefault(thread.getKey(), 0L)) / ProcessCpu.TICKS_PER_SECOND;
            seconds.merge(stage, used, Double::sum);
            named += used;
        }
        seconds.put(EXITED_OR_UNNAMED, Math.max(0, after.processSeconds - before.processSeconds - named));
        return seconds;
    }
}
