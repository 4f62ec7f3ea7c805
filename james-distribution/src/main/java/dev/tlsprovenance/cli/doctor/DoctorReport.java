package dev.tlsprovenance.cli.doctor;

import java.util.List;
import java.util.stream.Collectors;

/** All findings of one doctor run, and the DNS records this server should publish, as readable text or JSON. */
public record DoctorReport(List<Finding> findings, PublishedRecords published) {

    public DoctorReport {
        findings = List.copyOf(findings);
    }

    public DoctorReport(List<Finding> findings) {
        this(findings, PublishedRecords.none());
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
        if (!published.isEmpty()) {
            text.append(text.length() == 0 ? "" : "\n").append("dns records to publish (zone-file lines)\n");
            for (DnsRecord record : published.records()) {
                text.append("  ; ").append(record.why()).append('\n').append("  ").append(record.zoneLine()).append('\n');
            }
            published.mtaStsPolicies().forEach((domain, policy) -> {
                text.append("  ; MTA-STS policy file for ").append(domain).append(", served as text/plain at https://mta-sts.")
                    .append(domain).append("/.well-known/mta-sts.txt:\n");
                for (String line : policy.split("\r\n")) {
                    text.append("    ").append(line).append('\n');
                }
            });
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
        String records = published.records().stream()
            .map(record -> "\n    {\"name\":" + quote(record.name()) + ",\"type\":" + quote(record.type()) + ",\"data\":"
                + quote(record.data()) + ",\"zone-line\":" + quote(record.zoneLine()) + ",\"why\":" + quote(record.why()) + "}")
            .collect(Collectors.joining(","));
        String policies = published.mtaStsPolicies().entrySet().stream()
            .map(policy -> "\n    {\"domain\":" + quote(policy.getKey()) + ",\"url\":" + quote("https://mta-sts." + policy.getKey()
                + "/.well-known/mta-sts.txt") + ",\"text\":" + quote(policy.getValue()) + "}")
            .collect(Collectors.joining(","));
        return "{\n  \"ok\": " + !breaksTlsDelivery()
            + ",\n  \"counts\": {\"ok\": " + count(Finding.Verdict.OK) + ", \"warn\": " + count(Finding.Verdict.WARN)
            + ", \"fail\": " + count(Finding.Verdict.FAIL) + "}"
            + ",\n  \"findings\": [\n    " + items + "\n  ]"
            + ",\n  \"dns-records\": [" + records + "]"
            + ",\n  \"mta-sts-policies\": [" + policies + "]\n}\n";
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
