package dev.tlsprovenance.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import dev.tlsprovenance.verify.Hop;
import dev.tlsprovenance.verify.MessageReport;
import dev.tlsprovenance.verify.TlsStatus;

/** The human-readable form of a report: one row per hop, first hop first, and the verdict. */
final class ReportTable {
    private static final String[] HEADINGS = {"HOP", "FROM", "BY", "TIME", "TLS", "PROTOCOL", "CIPHER", "BITS", "CLIENT CERT", "TRUSTED", "SOURCE"};

    private ReportTable() {
    }

    static void print(PrintWriter out, String title, MessageReport report) {
        out.println(title);
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADINGS);
        for (int i = 0; i < report.hops().size(); i++) {
            rows.add(row(i, report.hops().get(i)));
        }
        int[] widths = new int[HEADINGS.length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < row.length; c++) {
                line.append(row[c]);
                if (c < row.length - 1) {
                    line.append(" ".repeat(widths[c] - row[c].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.println("  verdict: " + report.verdict().token() + (report.note().isEmpty() ? "" : " (" + report.note() + ")"));
        out.println();
    }

    private static String[] row(int index, Hop hop) {
        String tls = hop.applicable() ? hop.tls().token() : "n/a";
        if (hop.tls() == TlsStatus.YES && hop.weak()) {
            tls = "yes (weak)";
        }
        return new String[] {
            Integer.toString(index),
            clip(hop.fromHost().orElse("-"), 40),
            clip(hop.byHost().orElse("-"), 40),
            hop.time().map(Object::toString).orElse("-"),
            tls,
            hop.protocol().or(hop::protocolLabel).orElse("-"),
            hop.cipherIana().or(hop::cipher).orElse("-"),
            hop.bits() > 0 ? Integer.toString(hop.bits()) : "-",
            hop.clientCertificate().token(),
            hop.trusted() ? "yes" : "no (claim)",
            hop.source().token(),
        };
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "~";
    }
}
