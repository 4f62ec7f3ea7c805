package dev.tlsprovenance.benchmarks.verify;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import dev.tlsprovenance.verify.ReceivedCorpus;

/**
 * Writes an mbox of realistic messages: 3 to 7 Received lines each, drawn from the real-world corpus (all
 * families mixed), folded as MTAs fold them, plus the headers real mail carries around them (DKIM and ARC
 * signatures, Authentication-Results, list headers) and a short body. Seeded, so every run sees the same file.
 */
public final class MboxGenerator {
    private MboxGenerator() {
    }

    public static void main(String[] args) throws IOException {
        Path target = Path.of(args.length > 0 ? args[0] : "verify-bench.mbox");
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        write(target, messages, 42);
        System.out.println("wrote " + messages + " messages, " + Files.size(target) / (1024 * 1024) + " MiB: " + target);
    }

    public static void write(Path target, int messages, long seed) throws IOException {
        List<String> received = ReceivedCorpus.cases().stream().map(c -> c.received).collect(Collectors.toList());
        Random random = new Random(seed);
        try (BufferedWriter out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            for (int m = 0; m < messages; m++) {
                out.write("From sender" + m + "@example.test Mon Nov 30 09:00:00 2026\n");
                out.write("Return-Path: <sender" + m + "@example.test>\n");
                out.write("Delivered-To: user@example.test\n");
                int hops = 3 + random.nextInt(5);
                for (int h = 0; h < hops; h++) {
                    out.write("Received: ");
                    out.write(fold(received.get(random.nextInt(received.size()))));
                    out.write('\n');
                    if (h == 0) {
                        out.write("Authentication-Results: mx.example.test; dkim=pass header.d=example.org; spf=pass smtp.mailfrom=example.org;\n"
                            + "\tdmarc=pass (p=none dis=none) header.from=example.org\n");
                        out.write("ARC-Seal: i=1; a=rsa-sha256; d=example.org; s=arc; t=1790000000; cv=none;\n"
                            + "\tb=" + base64ish(random, 340) + "\n");
                    }
                }
                out.write("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=sel; t=1790000000;\n"
                    + "\th=from:to:subject:date:message-id; bh=" + base64ish(random, 44) + ";\n"
                    + "\tb=" + base64ish(random, 344) + "\n");
                out.write("Message-ID: <" + m + "." + Long.toHexString(random.nextLong()) + "@example.org>\n");
                out.write("Date: Mon, 30 Nov 2026 09:00:00 +0000\n");
                out.write("From: Sender " + m + " <sender" + m + "@example.org>\n");
                out.write("To: user@example.test\n");
                out.write("Subject: =?UTF-8?Q?Benchmark_message_" + m + "_=E2=9C=93?=\n");
                out.write("List-Id: <bench.lists.example.org>\n");
                out.write("MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n");
                for (int line = 0; line < 12; line++) {
                    out.write("Body line " + line + " of message " + m + ": lorem ipsum dolor sit amet, consectetur adipiscing.\n");
                }
                out.write('\n');
            }
        }
    }

    /** Folds at the spaces before "by", "with", "id", "for" and the date, as Postfix and Exim do. */
    private static String fold(String value) {
        return value.replace(" by ", "\n\tby ").replace(" with ", "\n\twith ").replace("; ", ";\n\t");
    }

    private static String base64ish(Random random, int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            if (i % 70 == 69) {
                sb.append("\n\t ");
            }
        }
        return sb.toString();
    }
}
