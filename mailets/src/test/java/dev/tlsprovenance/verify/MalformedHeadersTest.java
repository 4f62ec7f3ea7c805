package dev.tlsprovenance.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Fuzz-style: whatever arrives, the verifier answers and never throws; nonsense yields unknown-hop. */
class MalformedHeadersTest {
    private static final TraceAnalyzer ANALYZER = new TraceAnalyzer(TrustBoundary.everything());
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 ()[]<>;:=.-_\"\\/@,\t\r\n";

    private final Random random = new Random(6);

    @RepeatedTest(50)
    void randomPrintableJunkGivesUnknown() {
        String junk = randomText(random.nextInt(2000));
        MessageReport report = analyzeQuietly("Received: " + junk + "\r\nX-TLS-Provenance: " + randomText(200) + "\r\n\r\n");

        assertThat(report.verdict()).isEqualTo(Verdict.UNKNOWN_HOP);
    }

    @RepeatedTest(20)
    void randomBinaryHeaderBlocksNeverThrowAndGiveUnknown() throws IOException {
        byte[] bytes = new byte[random.nextInt(8192)];
        random.nextBytes(bytes);
        List<MessageReport> reports = new ArrayList<>();

        HeaderStream.forEachHeaderBlock(new java.io.ByteArrayInputStream(bytes), block -> reports.add(ANALYZER.analyze(block)), true);
        HeaderStream.forEachHeaderBlock(HeaderStream.utf8Reader(new java.io.ByteArrayInputStream(bytes)),
            block -> reports.add(ANALYZER.analyze(block)));

        assertThat(reports).allSatisfy(r -> assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN_HOP));
    }

    @Test
    void everyTruncationOfEveryCorpusLineParses() {
        for (ReceivedCorpus.Case c : ReceivedCorpus.cases()) {
            String line = c.received;
            for (int cut = 0; cut <= line.length(); cut += 3) {
                String prefix = line.substring(0, cut);
                String suffix = line.substring(cut);
                assertThatCode(() -> ReceivedLineParser.parse(prefix)).as("%s cut at %d", c, cut).doesNotThrowAnyException();
                assertThatCode(() -> ReceivedLineParser.parse(suffix)).doesNotThrowAnyException();
            }
        }
    }

    @Test
    void truncatedBlockEndingInsideAFoldedReceivedLineStillParses() {
        MessageReport report = analyzeQuietly("Received: from a.test (a.test [192.0.2.1])\r\n\t(using TLSv1.3 with ciph");

        assertThat(report.hops()).hasSize(1);
        assertThat(report.hops().get(0).tls()).isEqualTo(TlsStatus.UNKNOWN);
    }

    @Test
    void hugeAndDeeplyNestedHeadersAreCapped() {
        String deep = "(".repeat(100_000) + "with ESMTPS" + ")".repeat(100_000);
        String huge = "from a.test by b.test with ESMTP " + "x".repeat(2_000_000) + "; Mon, 1 Jan 2024 00:00:00 +0000";
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            many.append("Received: from h").append(i).append(".test ([192.0.2.1]) by x.test with ESMTPS id ").append(i).append(";\r\n");
        }

        assertThat(analyzeQuietly("Received: " + deep + "\r\n\r\n").verdict()).isEqualTo(Verdict.UNKNOWN_HOP);
        assertThat(analyzeQuietly("Received: " + huge + "\r\n\r\n").hops()).hasSize(1);
        assertThat(analyzeQuietly(many + "\r\n").hops()).hasSize(HeaderBlock.MAX_FIELDS);
    }

    @Test
    void encodedWordsAreDecodedAndBrokenOnesKept() {
        Hop encoded = MessageTrace.of(HeaderBlock.parse("Received: from =?utf-8?Q?s=C3=B6rensen.test?= ([192.0.2.1])"
            + " by mx.test (Postfix) with ESMTPS id 1; Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n")).hopsOldestFirst().get(0);
        Hop broken = MessageTrace.of(HeaderBlock.parse("Received: from =?bogus-charset?Q?x?= =?utf-8?B?***?= by mx.test"
            + " with ESMTP; Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n")).hopsOldestFirst().get(0);

        assertThat(encoded.fromHost()).contains("sörensen.test");
        assertThat(encoded.tls()).isEqualTo(TlsStatus.YES);
        assertThat(broken.byHost()).contains("mx.test");
    }

    @Test
    void nullsEmptiesAndControlCharacters() {
        assertThat(ReceivedLineParser.parse(null).tls()).isEqualTo(TlsStatus.UNKNOWN);
        assertThat(ReceivedLineParser.parse("").tls()).isEqualTo(TlsStatus.UNKNOWN);
        assertThat(ReceivedLineParser.parse("\u0000\u0001 from \u0000 by \u0007 with \u0000; \u0000").tls()).isEqualTo(TlsStatus.UNKNOWN);
        assertThat(ReceivedLineParser.parse("from a by b with ESMTP (version= cipher=) (TLS:::::) (using  with cipher )"
            + " (256/ bits) tls ; 99 Foo 99999 99:99:99 +9999").time()).isEmpty();
        assertThat(HeaderBlock.parse(new String(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 10, 10}, StandardCharsets.ISO_8859_1)).fields()).isEmpty();
    }

    private static MessageReport analyzeQuietly(String headerText) {
        List<MessageReport> reports = new ArrayList<>();
        assertThatCode(() -> HeaderStream.forEachHeaderBlock(new StringReader(headerText), b -> reports.add(ANALYZER.analyze(b)), false))
            .doesNotThrowAnyException();
        assertThat(reports).hasSize(1);
        return reports.get(0);
    }

    private String randomText(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
