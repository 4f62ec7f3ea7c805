package dev.tlsprovenance.benchmarks;

/** The entry point shared by the benchmarks that start in-process James servers. */
public final class BenchmarkMain {
    /** A benchmark's body. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private BenchmarkMain() {
    }

    /**
     * Runs the body and exits with 0, or prints its failure and exits with 1. The exit is explicit because James
     * leaves non-daemon threads behind after stop(), and they must not keep the JVM alive.
     */
    public static void runAndExit(Body body) {
        int status = 1;
        try {
            body.run();
            status = 0;
        } catch (Throwable failure) {
            failure.printStackTrace();
        } finally {
            System.exit(status);
        }
    }
}
