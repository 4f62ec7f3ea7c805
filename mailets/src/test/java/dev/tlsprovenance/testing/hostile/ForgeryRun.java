package dev.tlsprovenance.testing.hostile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.tlsprovenance.testing.smtp.SmtpReply;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.verify.HeaderBlock;
import dev.tlsprovenance.verify.Hop;
import dev.tlsprovenance.verify.MessageReport;
import dev.tlsprovenance.verify.TlsStatus;
import dev.tlsprovenance.verify.TraceAnalyzer;
import dev.tlsprovenance.verify.TrustBoundary;
import dev.tlsprovenance.verify.Verdict;

/**
 * Sends generated {@link ForgeryCase}s in cleartext over one reused SMTP connection, then judges what was
 * delivered the way an administrator would: our {@code X-TLS-Provenance} stamp stripped (as a next hop that
 * renames it, or a system that drops {@code X-} headers, leaves the mail), {@code tls-provenance verify} with the
 * given hosts trusted, and the TLS of each named hop read.
 */
public final class ForgeryRun {
    public static final String STAMP = "X-TLS-Provenance";

    /** What became of one case. Only the first two are passes. */
    public enum Outcome {
        /** Delivered; every judged hop is not {@code yes} and the verdict is not {@code tls-all-the-way}. */
        HARMLESS,
        /** The server refused a command with 5xx, DATA was refused too, and nothing was delivered. */
        REFUSED_5XX,
        /** A judged hop read as {@code tls=yes}, or the verdict was {@code tls-all-the-way}: the forgery worked. */
        FORGED_TLS,
        /** A judged hop (named by its by-host) is not in the report at all. */
        HOP_MISSING,
        /** Refused, but not with 5xx (4xx, or the connection closed). */
        REFUSED_OTHERWISE,
        /** Refused, yet a message of this case was delivered. */
        REFUSED_BUT_DELIVERED,
        /** Accepted with 250, never delivered. */
        LOST
    }

    /** The SMTP side of one case. */
    public static final class Sent {
        public final ForgeryCase forgery;
        /** Empty when the whole transaction got 250; else the refused command and its reply. */
        public final Optional<String> refusal;
        public final boolean refusedWith5xx;

        Sent(ForgeryCase forgery, Optional<String> refusal, boolean refusedWith5xx) {
            this.forgery = forgery;
            this.refusal = refusal;
            this.refusedWith5xx = refusedWith5xx;
        }

        public boolean accepted() {
            return refusal.isEmpty();
        }
    }

    /** One case judged. */
    public static final class Result {
        public final Sent sent;
        public final Outcome outcome;
        public final String detail;

        Result(Sent sent, Outcome outcome, String detail) {
            this.sent = sent;
            this.outcome = outcome;
            this.detail = detail;
        }

        public boolean passed() {
            return outcome == Outcome.HARMLESS || outcome == Outcome.REFUSED_5XX;
        }
    }

    private ForgeryRun() {
    }

    /**
     * Every case on one connection (reopened only if the server closes it). A refused MAIL or RCPT is followed by
     * DATA, which must be refused too, then RSET: "nothing delivered" is then checked, not assumed.
     */
    public static List<Sent> send(String host, int port, List<ForgeryCase> cases) throws IOException {
        List<Sent> sent = new ArrayList<>();
        SmtpTestClient client = SmtpTestClient.connect(host, port);
        try {
            for (ForgeryCase forgery : cases) {
                try {
                    sent.add(sendOne(client, forgery));
                } catch (IOException closed) {
                    sent.add(new Sent(forgery, Optional.of("connection lost: " + closed.getMessage()), false));
                    client.close();
                    client = SmtpTestClient.connect(host, port);
                }
            }
            client.quit();
        } finally {
            client.close();
        }
        return sent;
    }

    private static Sent sendOne(SmtpTestClient client, ForgeryCase forgery) throws IOException {
        SmtpReply helo = client.command(forgery.heloCommand);
        if (!helo.isPositive()) {
            return refused(client, forgery, "HELO/EHLO", helo);
        }
        SmtpReply mail = client.mailFrom(forgery.mailFrom);
        if (!mail.isPositive()) {
            return refused(client, forgery, "MAIL", mail);
        }
        SmtpReply rcpt = client.rcptTo(forgery.rcptTo);
        if (!rcpt.isPositive()) {
            return refused(client, forgery, "RCPT", rcpt);
        }
        SmtpReply data = client.data(forgery.message());
        if (data.code() != 250) {
            return refused(client, forgery, "DATA", data);
        }
        return new Sent(forgery, Optional.empty(), false);
    }

    private static Sent refused(SmtpTestClient client, ForgeryCase forgery, String command, SmtpReply reply) throws IOException {
        boolean fiveXx = reply.code() >= 500;
        String refusal = command + " " + reply.code() + " " + reply.text();
        if (!command.equals("DATA")) {
            SmtpReply data = client.command("DATA");
            if (data.code() == 354) {
                // The server wants the message after all: send it, so the delivery check below can catch it.
                client.write(forgery.message().replace("\r\n.", "\r\n..") + "\r\n.\r\n");
                client.readReply();
                fiveXx = false;
            } else if (data.code() < 500) {
                fiveXx = false;
            }
            refusal += "; then DATA " + data.code();
        }
        client.rset();
        return new Sent(forgery, Optional.of(refusal), fiveXx);
    }

    /**
     * Judges each case against the delivered messages (raw header blocks keyed by subject): the hops written by
     * {@code judgedHosts} (by-host names) must exist and not read as TLS, and the verdict must not be
     * {@code tls-all-the-way}; {@code trusted} are the hosts an administrator would trust.
     */
    public static List<Result> judge(List<Sent> sent, Map<String, String> headersBySubject, List<String> judgedHosts) {
        TrustBoundary.Builder boundary = TrustBoundary.builder();
        judgedHosts.forEach(boundary::trustHost);
        TraceAnalyzer analyzer = new TraceAnalyzer(boundary.build());
        List<Result> results = new ArrayList<>();
        for (Sent one : sent) {
            String headers = headersBySubject.get(one.forgery.subject());
            if (!one.accepted()) {
                Outcome outcome = headers != null ? Outcome.REFUSED_BUT_DELIVERED
                    : one.refusedWith5xx ? Outcome.REFUSED_5XX : Outcome.REFUSED_OTHERWISE;
                results.add(new Result(one, outcome, one.refusal.get()));
                continue;
            }
            if (headers == null) {
                results.add(new Result(one, Outcome.LOST, "accepted, not delivered"));
                continue;
            }
            MessageReport report = analyzer.analyze(HeaderBlock.parse(withoutField(headers, STAMP) + "\r\n"));
            results.add(judgeReport(one, report, judgedHosts, headers));
        }
        return results;
    }

    private static Result judgeReport(Sent one, MessageReport report, List<String> judgedHosts, String headers) {
        List<String> received = HeaderBlock.parse(headers + "\r\n").values("Received");
        List<String> forged = new ArrayList<>();
        for (String host : judgedHosts) {
            List<Hop> hops = report.hops().stream()
                .filter(hop -> hop.byHost().map(host::equalsIgnoreCase).orElse(false))
                .collect(Collectors.toList());
            if (hops.isEmpty()) {
                return new Result(one, Outcome.HOP_MISSING, "no hop by " + host + " in " + report.hops() + "; Received: " + received);
            }
            hops.stream().filter(hop -> hop.tls() == TlsStatus.YES)
                .forEach(hop -> forged.add("hop by " + host + " reads tls=yes: " + hop.raw()));
        }
        if (report.verdict() == Verdict.TLS_ALL_THE_WAY) {
            forged.add("verdict tls-all-the-way; Received: " + received);
        }
        if (!forged.isEmpty()) {
            return new Result(one, Outcome.FORGED_TLS, String.join(" | ", forged));
        }
        return new Result(one, Outcome.HARMLESS, report.verdict().token());
    }

    /** How many cases had a judged hop by {@code host} read as TLS. */
    public static long forgedHops(List<Result> results, String host) {
        return results.stream().filter(r -> r.outcome == Outcome.FORGED_TLS && r.detail.contains("hop by " + host + " reads")).count();
    }

    /** The header block without every occurrence of field {@code name} (with its folded continuation lines). */
    public static String withoutField(String headerBlock, String name) {
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        for (String line : headerBlock.split("\r\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (!continuation) {
                skipping = line.toLowerCase(Locale.ROOT).startsWith(prefix);
            }
            if (!skipping) {
                out.append(line).append("\r\n");
            }
        }
        return out.toString();
    }

    /** Counts per outcome, per position, and the failing payload classes; also written to {@code target/forgery-reports}. */
    public static String summary(String title, List<Result> results) throws IOException {
        Map<Outcome, Integer> totals = new EnumMap<>(Outcome.class);
        Map<String, Map<Outcome, Integer>> byPosition = new LinkedHashMap<>();
        Map<String, List<String>> failing = new TreeMap<>();
        for (Result result : results) {
            totals.merge(result.outcome, 1, Integer::sum);
            byPosition.computeIfAbsent(result.sent.forgery.position.name(), p -> new EnumMap<>(Outcome.class))
                .merge(result.outcome, 1, Integer::sum);
            if (!result.passed()) {
                failing.computeIfAbsent(result.sent.forgery.position + " " + result.sent.forgery.family, k -> new ArrayList<>())
                    .add(result.sent.forgery.form + " -> " + result.outcome);
            }
        }
        StringBuilder text = new StringBuilder(title).append(": ").append(results.size()).append(" cases ").append(totals).append('\n');
        byPosition.forEach((position, counts) -> text.append("  ").append(position).append(' ').append(counts).append('\n'));
        text.append("refusals by command and reply:");
        results.stream().filter(r -> !r.sent.accepted())
            .map(r -> r.sent.refusal.get().replaceAll("^(\\S+ \\d+).*?(; then DATA \\d+)?$", "$1$2"))
            .collect(Collectors.groupingBy(key -> key, TreeMap::new, Collectors.counting()))
            .forEach((key, count) -> text.append(" [").append(key).append("]=").append(count));
        text.append('\n');
        text.append("forged hops by host:");
        results.stream().filter(r -> r.outcome == Outcome.FORGED_TLS)
            .flatMap(r -> java.util.Arrays.stream(r.detail.split(" \\| ")))
            .map(d -> d.startsWith("hop by ") ? d.substring(7, d.indexOf(' ', 7)) : "verdict")
            .collect(Collectors.groupingBy(h -> h, TreeMap::new, Collectors.counting()))
            .forEach((host, count) -> text.append(' ').append(host).append('=').append(count));
        text.append('\n');
        text.append("failing payload classes: ").append(failing.size()).append('\n');
        failing.forEach((clazz, forms) -> text.append("  ").append(clazz).append(": ").append(forms).append('\n'));
        results.stream().filter(r -> !r.passed()).limit(40)
            .forEach(r -> text.append("  e.g. ").append(r.sent.forgery).append(": ").append(r.detail).append('\n'));
        Path reports = Files.createDirectories(Path.of("target", "forgery-reports"));
        Files.writeString(reports.resolve(title.replaceAll("[^A-Za-z0-9]+", "-") + ".txt"), text, StandardCharsets.UTF_8);
        return text.toString();
    }
}
