package dev.tlsprovenance.verify;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The one way a message source is verified, shared by {@code tls-provenance verify} and WebAdmin's
 * {@code POST /tls/verify}, so that the page and the CLI never disagree: the source is split into messages by the
 * CLI's rule ({@link #splitsMbox}), each header section is analysed, and {@code --json} output is the
 * {@link ReportJsonWriter} document followed by a line break ({@link #json}).
 */
public final class HeaderVerification {
    /** What the CLI calls standard input; the WebAdmin route treats a request body without a file name like it. */
    public static final String STANDARD_INPUT = "-";

    private HeaderVerification() {
    }

    /**
     * Whether a source named {@code name} may hold several messages: a {@code .eml} file is one message (a
     * {@code From } line in its body never starts another one); standard input and any other file may be an mbox.
     */
    public static boolean splitsMbox(String name) {
        return !name.toLowerCase(Locale.ROOT).endsWith(".eml");
    }

    /**
     * Analyses every message of {@code source}, in order.
     *
     * @return the worst verdict, or null when the source holds no message
     */
    public static Verdict verify(InputStream source, boolean splitMbox, TraceAnalyzer analyzer, Consumer<MessageReport> sink)
            throws IOException {
        Verdict[] worst = {null};
        HeaderStream.forEachHeaderBlock(source, block -> {
            MessageReport report = analyzer.analyze(block);
            worst[0] = worst[0] == null ? report.verdict() : worst[0].worst(report.verdict());
            sink.accept(report);
        }, splitMbox);
        return worst[0];
    }

    /** Exactly what {@code tls-provenance verify --json NAME} prints for one source named {@code name}. */
    public static String json(InputStream source, String name, TraceAnalyzer analyzer) throws IOException {
        StringBuilder out = new StringBuilder(1024);
        ReportJsonWriter writer = new ReportJsonWriter(out);
        writer.begin();
        verify(source, splitsMbox(name), analyzer, writer::message);
        writer.end();
        return out.append(System.lineSeparator()).toString();
    }
}
