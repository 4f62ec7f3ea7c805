package dev.tlsprovenance.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.tlsprovenance.verify.HeaderVerification;
import dev.tlsprovenance.verify.ReportJsonWriter;
import dev.tlsprovenance.verify.TraceAnalyzer;
import dev.tlsprovenance.verify.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tls-provenance verify FILE...}: reads messages ({@code .eml}, mbox, or {@code -} for standard input),
 * shows each one's path hop by hop and whether every trusted hop used TLS.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = VerifyCommand.EXIT_USAGE,
    exitCodeOnExecutionException = VerifyCommand.EXIT_USAGE,
    description = {
        "Prove from a message's headers, hop by hop, that it travelled over TLS.",
        "Reads Received lines (Postfix, Exim, Sendmail, Exchange, Gmail, OpenSMTPD, James, qmail, ...) and this "
            + "project's X-TLS-Provenance stamps, which take precedence inside the trust boundary."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:every trusted hop used TLS",
        "1:a trusted hop was cleartext",
        "2:only unknowns stand in the way (or no message)",
        "3:usage error or unreadable input"})
public final class VerifyCommand implements Callable<Integer> {
    static final int EXIT_USAGE = 3;
    private static final long PROGRESS_MIN_BYTES = 4L * 1024 * 1024;

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "A .eml file, an mbox file, or - for standard input.")
    private List<String> files;

    @Option(names = "--json", description = "Write JSON ({\"messages\":[...]}, hop index 0 = first hop) instead of tables.")
    private boolean json;

    @Option(names = "--summary", description = "One line per message (verdict and Message-ID) instead of a table.")
    private boolean summary;

    @Option(names = "--no-progress", negatable = false, description = "Never draw the progress bar on standard error.")
    private boolean noProgress;

    @Mixin
    private TrustOptions trust;

    private InputStream stdin = System.in;
    private Boolean terminalOverride;

    /** For tests and embedding: what {@code -} reads. */
    VerifyCommand withStdin(InputStream in) {
        this.stdin = in;
        return this;
    }

    /** For tests: pretend standard error is (or is not) a terminal. */
    VerifyCommand withTerminal(boolean terminal) {
        this.terminalOverride = terminal;
        return this;
    }

    @Override
    public Integer call() {
        TraceAnalyzer analyzer = trust.analyzer();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReportJsonWriter jsonWriter = json ? new ReportJsonWriter(out) : null;
        Verdict worst = null;
        long messages = 0;
        if (jsonWriter != null) {
            jsonWriter.begin();
        } else if (!summary) {
            out.println("Trusted: " + trust.describe());
            out.println();
        }
        for (String file : files) {
            Progress progress = null;
            try (InputStream raw = open(file)) {
                long size = file.equals("-") ? -1 : Files.size(Path.of(file));
                progress = showProgress(size) ? new Progress(err, size) : null;
                InputStream in = progress == null ? raw : progress.counting(raw);
                Progress shown = progress;
                boolean mbox = HeaderVerification.splitsMbox(file);
                long[] index = {0};
                Verdict fileWorst = HeaderVerification.verify(in, mbox, analyzer, report -> {
                    index[0]++;
                    if (jsonWriter != null) {
                        jsonWriter.message(report);
                    } else if (summary) {
                        out.println(report.verdict().token() + "\t" + file + "#" + index[0] + "\t" + report.messageId().orElse("-")
                            + (report.note().isEmpty() ? "" : "\t" + report.note()));
                    } else {
                        ReportTable.print(out, "Message " + report.messageId().orElse("(no Message-ID)") + " - " + file
                            + (mbox ? " #" + index[0] : ""), report);
                    }
                    if (shown != null) {
                        shown.message();
                    }
                });
                messages += index[0];
                if (fileWorst != null) {
                    worst = worst == null ? fileWorst : worst.worst(fileWorst);
                }
            } catch (NoSuchFileException e) {
                err.println("verify: no such file: " + file);
                return EXIT_USAGE;
            } catch (IOException e) {
                err.println("verify: cannot read " + file + ": " + e.getMessage());
                return EXIT_USAGE;
            } finally {
                if (progress != null) {
                    progress.finish();
                }
            }
        }
        if (jsonWriter != null) {
            jsonWriter.end();
            out.println();
        } else if (!summary) {
            out.println(messages + " message(s); overall: " + (worst == null ? "no message found" : worst.token()));
        }
        out.flush();
        return worst == null ? Verdict.UNKNOWN_HOP.exitCode() : worst.exitCode();
    }

    private InputStream open(String file) throws IOException {
        if (file.equals("-")) {
            return new FilterInputStream(stdin) {
                @Override
                public void close() {
                    // Standard input belongs to the caller.
                }
            };
        }
        return Files.newInputStream(Path.of(file));
    }

    private boolean showProgress(long size) {
        if (noProgress || size >= 0 && size < PROGRESS_MIN_BYTES) {
            return false;
        }
        return terminalOverride != null ? terminalOverride : System.console() != null;
    }

    /** A one-line bar on standard error, redrawn at most every 200 ms. */
    private static final class Progress {
        private final PrintWriter err;
        private final long total;
        private long bytes;
        private long messages;
        private long lastDraw;

        Progress(PrintWriter err, long total) {
            this.err = err;
            this.total = total;
        }

        InputStream counting(InputStream in) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        bytes++;
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int off, int len) throws IOException {
                    int n = super.read(buffer, off, len);
                    if (n > 0) {
                        bytes += n;
                    }
                    return n;
                }
            };
        }

        void message() {
            messages++;
            long now = System.nanoTime();
            if (now - lastDraw > 200_000_000L) {
                lastDraw = now;
                draw();
            }
        }

        void finish() {
            draw();
            err.println();
            err.flush();
        }

        private void draw() {
            if (total > 0) {
                int percent = (int) Math.min(100, bytes * 100 / total);
                int filled = percent * 30 / 100;
                err.print("\r[" + "#".repeat(filled) + " ".repeat(30 - filled) + "] " + percent + "% " + messages + " messages");
            } else {
                err.print("\r" + messages + " messages");
            }
            err.flush();
        }
    }
}
