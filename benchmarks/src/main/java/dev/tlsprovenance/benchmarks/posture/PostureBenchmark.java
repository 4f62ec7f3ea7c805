package dev.tlsprovenance.benchmarks.posture;

import dev.tlsprovenance.ledger.InboundLedgerLine;
import dev.tlsprovenance.ledger.MailIdentity;
import dev.tlsprovenance.ledger.OutboundLedgerLine;
import dev.tlsprovenance.posture.LedgerLocations;
import dev.tlsprovenance.posture.Posture;
import dev.tlsprovenance.posture.PostureQuery;
import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The posture over a 1,000,000-line ledger (see BENCHMARKS.md, "TLS posture"): time of the first full read, time
 * and allocation of a request after 1,000 appended lines, time to start from the checkpoint, heap after the full
 * read. One JVM, the posture's own code (no James, no HTTP): what {@code GET /tls/posture} does inside.
 * <p>
 * Arguments: [lines (1000000)] [rounds (3)] [requests per round (5)]. The ledgers are generated once under
 * {@code benchmarks/target/posture-bench/} (600,000 outbound and 400,000 inbound lines of ~1.2 KiB: 1,000 domains
 * drawn Zipf-like, one policy row each of 60, 60 UTC days, every transport, verification, result and failure).
 */
public final class PostureBenchmark {
    private static final Instant END = Instant.parse("2026-12-02T00:00:00Z");
    private static final int DAYS = 60;
    private static final int DOMAINS = 1000;
    private static final CertificateSummary CERTIFICATE = new CertificateSummary(
        "CN=mx.partner-0001.example,O=Partner Mail Services Ltd,L=Amsterdam,C=NL",
        "CN=Partner Issuing CA 2026 G2,O=Partner Trust Services,C=NL",
        List.of("DNS:mx.partner-0001.example", "DNS:mx2.partner-0001.example", "DNS:smtp.partner-0001.example"),
        "4f1d2c9a7b0e11d2", "3a:91:5c:77:0e:aa:1b:42:9f:6d:c3:58:e1:07:bb:24:9c:40:d8:16:72:ee:05:3b:a9:61:1f:cc:8d:30:47:b2",
        Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));
    private static final String[] NOTHING_SENT = {"server did not offer STARTTLS",
        "STARTTLS refused: 454 4.7.0 TLS not available due to temporary reason",
        "cannot connect to mx.partner.example:25: Connection refused", "temporary DNS failure looking up MX of partner.example",
        "certificate expired 2026-10-01T00:00:00Z", "name mismatch: got [DNS:mx.other.example], expected mx.partner.example"};

    private PostureBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int requests = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path data = Path.of("benchmarks/target/posture-bench/" + lines);
        Path outbound = data.resolve("outbound.jsonl");
        Path inbound = data.resolve("inbound.jsonl");
        if (!Files.exists(data.resolve("complete"))) {
            Files.createDirectories(data);
            long started = System.nanoTime();
            generate(outbound, inbound, lines, new Random(42));
            Files.writeString(data.resolve("complete"), "");
            System.out.printf("generated %d lines in %.1f s%n", lines, (System.nanoTime() - started) / 1e9);
        }
        long bytes = Files.size(outbound) + Files.size(inbound);
        System.out.printf("ledgers: %d lines, %.1f MiB (%.0f bytes per line), JVM %s, max heap %d MiB, load %s%n", lines,
            bytes / 1048576.0, (double) bytes / lines, System.getProperty("java.version"),
            Runtime.getRuntime().maxMemory() >> 20, load());

        Clock clock = Clock.fixed(END.plusSeconds(3600), java.time.ZoneOffset.UTC);
        PostureQuery week = PostureQuery.parse("7d", null, null, clock.instant());
        PostureQuery all = PostureQuery.parse("P400D", null, null, clock.instant());
        List<Double> fullReads = new ArrayList<>();
        List<Double> fullHeaps = new ArrayList<>();
        List<Double> requestTimes = new ArrayList<>();
        List<Double> requestAllocations = new ArrayList<>();
        List<Double> restarts = new ArrayList<>();
        List<Double> allTimes = new ArrayList<>();
        Random appendRandom = new Random(7);
        for (int round = 1; round <= rounds; round++) {
            Path checkpoints = data.resolve("checkpoint-" + round);
            deleteTree(checkpoints);
            String loadBefore = load();
            // registered before the posture exists, so that no background read starts: this thread times the first read
            LedgerLocations locations = new LedgerLocations();
            locations.register(Direction.OUTBOUND, outbound);
            locations.register(Direction.INBOUND, inbound);
            Posture posture = new Posture(locations, new Posture.Settings(400, 5000, Optional.of(checkpoints),
                Duration.ofSeconds(30), clock));
            long started = System.nanoTime();
            long read = posture.catchUp();
            double fullRead = (System.nanoTime() - started) / 1e9;
            fullReads.add(fullRead);
            double heap = heapAfterGc();
            fullHeaps.add(heap);
            awaitCheckpoint(checkpoints);
            System.out.printf("round %d: first full read %,d lines in %.2f s (%,.0f lines/s), heap after it %.1f MiB, load %s -> %s%n",
                round, read, fullRead, read / fullRead, heap, loadBefore, load());

            for (int i = 0; i < requests; i++) {
                append(outbound, inbound, 1000, appendRandom);
                long allocatedBefore = allocated();
                long t0 = System.nanoTime();
                ObjectNode reply = posture.answer(week);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double allocatedMiB = (allocated() - allocatedBefore) / 1048576.0;
                requestTimes.add(seconds * 1000);
                requestAllocations.add(allocatedMiB);
                if (!reply.get("complete").asBoolean()) {
                    throw new IllegalStateException("not complete after the first read");
                }
                System.out.printf("  request after 1,000 appended lines: %.1f ms, %.1f MiB allocated, %d+%d entries%n",
                    seconds * 1000, allocatedMiB, reply.get("inbound").size(), reply.get("outbound").size());
            }
            long t1 = System.nanoTime();
            ObjectNode everything = posture.answer(all);
            double allMs = (System.nanoTime() - t1) / 1e6;
            allTimes.add(allMs);
            System.out.printf("  request for all 60 days: %.1f ms (%d+%d entries)%n", allMs, everything.get("inbound").size(),
                everything.get("outbound").size());
            posture.close();
            awaitCheckpointQuiet(checkpoints);

            LedgerLocations again = new LedgerLocations();
            again.register(Direction.OUTBOUND, outbound);
            again.register(Direction.INBOUND, inbound);
            Posture restarted = new Posture(again, new Posture.Settings(400, 5000, Optional.of(checkpoints), Duration.ofSeconds(30), clock));
            long t2 = System.nanoTime();
            long reread = restarted.catchUp();
            double restart = (System.nanoTime() - t2) / 1e9;
            restarts.add(restart);
            ObjectNode afterRestart = restarted.answer(all);
            if (!afterRestart.get("inbound").equals(everything.get("inbound")) || !afterRestart.get("outbound").equals(everything.get("outbound"))) {
                throw new IllegalStateException("the restart from the checkpoint does not give the same numbers: " + reread
                    + " lines read again; outbound attempts " + total(everything, "outbound", "attempts") + " before, "
                    + total(afterRestart, "outbound", "attempts") + " after; inbound messages " + total(everything, "inbound", "messages")
                    + " before, " + total(afterRestart, "inbound", "messages") + " after");
            }
            System.out.printf("  start from the checkpoint (%.1f MiB): %.2f s, %d lines read again, same numbers%n",
                Files.size(checkpoints.resolve(Posture.CHECKPOINT_FILE)) / 1048576.0, restart, reread);
            restarted.close();
        }
        System.out.println();
        System.out.println("summary (median [min - max] over rounds; requests over all rounds), load now " + load());
        System.out.println("  first full read s:            " + summary(fullReads));
        System.out.println("  heap after full read MiB:     " + summary(fullHeaps));
        System.out.println("  request after +1,000 lines ms: " + summary(requestTimes));
        System.out.println("  allocated by that request MiB: " + summary(requestAllocations));
        System.out.println("  request, all 60 days ms:      " + summary(allTimes));
        System.out.println("  start from checkpoint s:      " + summary(restarts));
        System.exit(0);
    }

    private static long total(ObjectNode reply, String direction, String field) {
        long total = 0;
        for (var entry : reply.get(direction)) {
            total += entry.get(field).asLong();
        }
        return total;
    }

    private static String summary(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format("%.2f [%.2f - %.2f] (n=%d)", sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1), sorted.size());
    }

    private static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static double heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed() / 1048576.0;
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** The first checkpoint is written by the posture's background thread after the first read. */
    private static void awaitCheckpoint(Path checkpoints) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(checkpoints.resolve(Posture.CHECKPOINT_FILE)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static void awaitCheckpointQuiet(Path checkpoints) throws InterruptedException {
        Thread.sleep(500);
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            paths.sorted(Collections.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static void generate(Path outbound, Path inbound, int lines, Random random) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(outbound, StandardCharsets.UTF_8);
             BufferedWriter in = Files.newBufferedWriter(inbound, StandardCharsets.UTF_8)) {
            for (int i = 0; i < lines; i++) {
                Instant time = END.minusSeconds(1 + (long) random.nextInt(DAYS * 86400));
                if (i % 5 < 3) {
                    out.write(outboundLine(i, time, random));
                    out.write('\n');
                } else {
                    in.write(inboundLine(i, time, random));
                    in.write('\n');
                }
            }
        }
    }

    private static void append(Path outbound, Path inbound, int lines, Random random) throws IOException {
        StringBuilder out = new StringBuilder();
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            Instant time = END.minusSeconds(1 + random.nextInt(86400));
            if (i % 5 < 3) {
                out.append(outboundLine(i, time, random)).append('\n');
            } else {
                in.append(inboundLine(i, time, random)).append('\n');
            }
        }
        Files.writeString(outbound, out, StandardOpenOption.APPEND);
        Files.writeString(inbound, in, StandardOpenOption.APPEND);
    }

    /** Zipf-like: a few domains take most of the mail. */
    private static int domain(Random random) {
        return (int) Math.min(DOMAINS - 1, Math.floor(Math.exp(random.nextDouble() * Math.log(DOMAINS))) - 1);
    }

    private static <T> T pick(Random random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    static String outboundLine(int serial, Instant time, Random random) {
        int d = domain(random);
        String domain = String.format("partner-%04d.example", d);
        String row = "tls-policy.conf:" + (10 + d % 60);
        int kind = random.nextInt(10);
        Transport transport = kind == 0 ? Transport.NONE : kind <= 2 ? Transport.CLEARTEXT : Transport.STARTTLS;
        TlsProvenance.Builder attempt = TlsProvenance.builder(Direction.OUTBOUND).transport(transport).localHost("mx.example.org")
            .remoteAddress("192.0.2." + (d % 250)).remoteHost("mx." + domain).recipientDomain(domain).nextHop("mx." + domain + ":25")
            .policyLevel(pick(random, List.of("may", "encrypt", "verify", "secure"))).attempt(1).time(time);
        Optional<String> nothingSent = Optional.empty();
        List<OutboundLedgerLine.Recipient> recipients = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        if (transport == Transport.NONE) {
            String why = NOTHING_SENT[random.nextInt(NOTHING_SENT.length)];
            nothingSent = Optional.of(why);
            attempt.outcome("4.7.10 " + why).peerVerification(why.contains("certificate") || why.contains("mismatch")
                ? CertificateVerification.failed("private-ca:conf/partner-ca.pem", why) : CertificateVerification.notPresented());
            for (int i = 0; i < count; i++) {
                recipients.add(new OutboundLedgerLine.Recipient("user" + i + "." + serial + "@" + domain, OutboundLedgerLine.Result.DEFERRED,
                    0, "4.7.10", "", why));
            }
        } else {
            if (transport.isEncrypted()) {
                attempt.protocol(pick(random, List.of("TLSv1.3", "TLSv1.3", "TLSv1.2")))
                    .cipherSuite(pick(random, List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256")))
                    .peerCertificate(CERTIFICATE).peerVerification(CertificateVerification.verified("private-ca:conf/partner-ca.pem"));
            } else {
                attempt.fellBackToCleartext(true);
            }
            attempt.outcome("250 2.0.0 Ok: queued as 4Nk" + Integer.toHexString(serial));
            for (int i = 0; i < count; i++) {
                boolean delivered = random.nextInt(20) > 0;
                recipients.add(new OutboundLedgerLine.Recipient("user" + i + "." + serial + "@" + domain,
                    delivered ? OutboundLedgerLine.Result.DELIVERED : OutboundLedgerLine.Result.FAILED, delivered ? 250 : 550,
                    delivered ? "2.0.0" : "5.1.1", delivered ? "250 2.0.0 Ok: queued as 4Nk" + Integer.toHexString(serial) + "Zq7 by mx." + domain + " (Postfix)"
                        : "550 5.1.1 <user@" + domain + ">: Recipient address rejected: User unknown in virtual mailbox table", ""));
            }
        }
        return new OutboundLedgerLine(attempt.build(), nothingSent, new MailIdentity("Mail" + (1764583200000L + serial) + "-" + serial,
            Optional.of("<" + Long.toHexString(serial * 2654435761L) + ".a1b2c3d4@mail.example.org>"), "newsletter-bounces+" + serial + "@example.org"),
            row, recipients).toJson().toString();
    }

    static String inboundLine(int serial, Instant time, Random random) {
        int d = domain(random);
        Transport transport = random.nextInt(4) == 0 ? Transport.CLEARTEXT : Transport.STARTTLS;
        TlsProvenance.Builder hop = TlsProvenance.builder(Direction.INBOUND).transport(transport).localHost("mx.example.org")
            .remoteAddress("198.51.100." + (d % 250)).remoteHost("mail.sender-" + d + ".example").heloName("mail.sender-" + d + ".example")
            .sessionId("SID" + Long.toHexString(serial * 40503L)).time(time);
        if (transport.isEncrypted()) {
            hop.protocol("TLSv1.3").cipherSuite("TLS_AES_256_GCM_SHA384");
            if (random.nextInt(5) == 0) {
                hop.peerCertificate(CERTIFICATE).peerVerification(CertificateVerification.verified("private-ca:conf/clients.pem",
                    "namespace example.org, name mx.partner-0001.example"));
            }
        }
        List<InboundLedgerLine.Recipient> recipients = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            String domain = "dept-" + (d % 40) + ".example.org";
            boolean refused = transport == Transport.CLEARTEXT && random.nextInt(3) == 0;
            recipients.add(new InboundLedgerLine.Recipient("person" + i + "." + serial + "@" + domain, "tls-policy.conf:" + (70 + d % 40),
                refused ? "require" : "none", refused ? InboundLedgerLine.Decision.BOUNCED : InboundLedgerLine.Decision.ACCEPTED,
                refused ? "namespace " + domain + " (tls-policy.conf:" + (70 + d % 40) + ") requires TLS but the mail was received in cleartext from 198.51.100.7" : ""));
        }
        return new InboundLedgerLine(hop.build(), true, new MailIdentity("Mail" + (1764583200000L + serial) + "-" + serial,
            Optional.of("<CAF" + Long.toHexString(serial * 2654435761L) + "=x7Qp+mZ@mail.gmail.example>"),
            "sender." + serial + "@sender-" + d + ".example"), recipients).toJson().toString();
    }

}
