package dev.tlsprovenance.cli.doctor;

import java.util.List;
import java.util.stream.Collectors;

/** All findings of one doctor run, as readable text or JSON. */
public record DoctorReport(List<Finding> findings) {

    public DoctorReport {
        findings = List.copyOf(findings);
    }

    public boolean breaksTlsDelivery() {
        return findings.stream().anyMatch(finding -> finding.verdict() == Finding.Verdict.FAIL);
    }

    public long count(Finding.Verdict verdict) {
        return findings.stream().filter(finding -> finding.verdict() == verdict).count();
    }

    public String toText() {
        StringBuilder text = new StringBuilder();
        String area = null;
        for (Finding finding : findings) {
            if (!finding.area().equals(area)) {
                area = finding.area();
                text.append(text.length() == 0 ? "" : "\n").append(area).append('\n');
            }
            text.append(String.format("  [%-4s] %s: %s%n", finding.verdict().name(), finding.subject(), finding.message()));
        }
        text.append(String.format("%n%d ok, %d warning(s), %d problem(s)%s%n", count(Finding.Verdict.OK),
            count(Finding.Verdict.WARN), count(Finding.Verdict.FAIL),
            breaksTlsDelivery() ? ": TLS delivery to or from this server would fail" : ""));
        return text.toString();
    }

    public String toJson() {
        String items = findings.stream()
            .map(finding -> "{\"area\":" + quote(finding.area()) + ",\"subject\":" + quote(finding.subject())
                + ",\"verdict\":" + quote(finding.verdict().token()) + ",\"message\":" + quote(finding.message()) + "}")
            .collect(Collectors.joining(",\n    "));
        return "{\n  \"ok\": " + !breaksTlsDelivery()
            + ",\n  \"counts\": {\"ok\": " + count(Finding.Verdict.OK) + ", \"warn\": " + count(Finding.Verdict.WARN)
            + ", \"fail\": " + count(Finding.Verdict.FAIL) + "}"
            + ",\n  \"findings\": [\n    " + items + "\n  ]\n}\n";
    }

    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
