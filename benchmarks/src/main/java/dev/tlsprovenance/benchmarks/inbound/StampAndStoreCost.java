package dev.tlsprovenance.benchmarks.inbound;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.mail.MessagingException;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.james.transport.mailets.RemoveMimeHeader;
import org.apache.mailet.Mailet;

import dev.tlsprovenance.benchmarks.BenchmarkMain;
import dev.tlsprovenance.headers.AddTlsProvenanceHeaders;
import dev.tlsprovenance.mail.InboundRecords;
import dev.tlsprovenance.provenance.RecordSeal;
import dev.tlsprovenance.provenance.TlsProvenance;

/**
 * What a mail costs between the spool and the repository, with and without {@code AddTlsProvenanceHeaders}, in
 * the shipped order: the mailet, then the transport's {@code RemoveMimeHeader bcc} (which James requires on every
 * mail, and which marks every message changed), then a repository's copy ({@code new MimeMessageWrapper(message)},
 * which writes the message and so runs javax.mail's saveChanges). No SMTP, no threads: it isolates what the mailet
 * makes James do to the message, by shape and size (multipart/alternative or text/plain with a
 * Content-Transfer-Encoding; 24 KB and 1 MB, 4 KB of trace headers on top). Rounds alternate without/with; the
 * figure is the median of the per-round ratios. {@code -Dbench.rounds} (default 9).
 */
public final class StampAndStoreCost {
    private static final InboundRecords RECORDS =
        new InboundRecords(RecordSeal.of("benchmark record key, 32 bytes or longer".getBytes(StandardCharsets.US_ASCII)));
    private static final TlsProvenance HOP = InboundStepsBenchmark.hop(Instant.parse("2026-11-29T12:10:45.123Z"));

    private StampAndStoreCost() {
    }

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(StampAndStoreCost::run);
    }

    private static void run() throws Exception {
        Mailet stamp = mailet(new AddTlsProvenanceHeaders(RECORDS), Map.of());
        Mailet removeBcc = mailet(new RemoveMimeHeader(), Map.of("name", "bcc"));
        int rounds = Integer.getInteger("bench.rounds", 9);
        System.out.printf(Locale.ROOT, "Stamp and store: rounds=%d java=%s%n", rounds, System.getProperty("java.version"));
        for (boolean multipart : new boolean[] {true, false}) {
            for (int bodyBytes : new int[] {24_000, 1_000_000}) {
                byte[] message = message(multipart, bodyBytes);
                int mails = bodyBytes > 100_000 ? 200 : 4_000;
                for (int warmUp = 0; warmUp < 3; warmUp++) {
                    perMailMicros(message, mails, null, removeBcc);
                    perMailMicros(message, mails, stamp, removeBcc);
                }
                List<Double> without = new ArrayList<>();
                List<Double> with = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    boolean withFirst = round % 2 == 1;
                    double b = withFirst ? perMailMicros(message, mails, stamp, removeBcc) : 0;
                    double a = perMailMicros(message, mails, null, removeBcc);
                    if (!withFirst) {
                        b = perMailMicros(message, mails, stamp, removeBcc);
                    }
                    without.add(a);
                    with.add(b);
                    ratios.add(b / a);
                }
                double medianWithout = InboundOverheadBenchmark.median(without);
                double medianWith = InboundOverheadBenchmark.median(with);
                System.out.printf(Locale.ROOT, "%-26s %8d bytes: without %8.1f us/mail, with %8.1f us/mail (+%.1f us);"
                        + " median per-round ratio %.3f (range %.3f-%.3f)%n",
                    multipart ? "multipart/alternative" : "text/plain with CTE", message.length, medianWithout, medianWith,
                    medianWith - medianWithout, InboundOverheadBenchmark.median(ratios), Collections.min(ratios), Collections.max(ratios));
            }
        }
    }

    private static double perMailMicros(byte[] message, int mails, Mailet stamp, Mailet removeBcc) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < mails; i++) {
            MimeMessageWrapper spooled = new MimeMessageWrapper(MimeMessageInputStreamSource.create("spooled-" + i,
                new ByteArrayInputStream(message)));
            MailImpl mail = MailImpl.builder().name("m" + i).sender("a@client.test").addRecipient("bob@james.test")
                .mimeMessage(spooled).build();
            RECORDS.record(mail, HOP);
            if (stamp != null) {
                stamp.service(mail);
            }
            removeBcc.service(mail);
            MimeMessageWrapper stored = new MimeMessageWrapper(mail.getMessage());
            stored.writeTo(OutputStream.nullOutputStream());
            stored.dispose();
            mail.dispose();
        }
        return (System.nanoTime() - start) / 1e3 / mails;
    }

    private static byte[] message(boolean multipart, int bodyBytes) {
        StringBuilder text = new StringBuilder(InboundLoad.upstreamHeaders(4000));
        text.append("From: <a@client.test>\r\nTo: <bob@james.test>\r\nSubject: stamp and store\r\n")
            .append("Date: Sun, 29 Nov 2026 12:10:45 +0000\r\nMessage-ID: <1@client.test>\r\nMIME-Version: 1.0\r\n");
        String lines = ("x".repeat(74) + "\r\n").repeat(bodyBytes / 76 / 2);
        if (multipart) {
            text.append("Content-Type: multipart/alternative; boundary=\"=_b\"\r\n\r\n")
                .append("--=_b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
                .append(lines)
                .append("--=_b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
                .append(lines).append("--=_b--\r\n");
        } else {
            text.append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n").append(lines).append(lines);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static Mailet mailet(Mailet mailet, Map<String, String> parameters) throws MessagingException {
        mailet.init(new BenchmarkMailetConfig(mailet.getClass().getSimpleName(), parameters));
        return mailet;
    }
}
