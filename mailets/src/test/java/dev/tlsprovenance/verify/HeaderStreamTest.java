package dev.tlsprovenance.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class HeaderStreamTest {

    @Test
    void mboxMessagesAreSplitOnFromLinesAndBodiesSkipped() throws IOException {
        String mbox = "From a@example.test Mon Nov 30 09:00:00 2026\n"
            + "Received: from a.test ([192.0.2.1]) by b.test with ESMTPS id 1;\n"
            + "\tMon, 30 Nov 2026 09:00:00 +0000\n"
            + "Message-ID: <one@test>\n"
            + "\n"
            + "Received: this line is in the body\n"
            + ">From quoted in body\n"
            + "\n"
            + "From b@example.test Mon Nov 30 09:01:00 2026\n"
            + "Message-ID: <two@test>\n"
            + "\n"
            + "body\n";
        List<HeaderBlock> blocks = new ArrayList<>();

        long count = HeaderStream.forEachHeaderBlock(new StringReader(mbox), blocks::add);

        assertThat(count).isEqualTo(2);
        assertThat(blocks.get(0).values("Received")).containsExactly("from a.test ([192.0.2.1]) by b.test with ESMTPS id 1; Mon, 30 Nov 2026 09:00:00 +0000");
        assertThat(blocks.get(0).first("message-id")).contains("<one@test>");
        assertThat(blocks.get(1).first("Message-ID")).contains("<two@test>");
    }

    @Test
    void anEmlIsOneMessageEvenWithFromLinesInItsBody() throws IOException {
        String eml = "Message-ID: <only@test>\r\n\r\nhello\r\n\r\nFrom the desk of someone\r\n";
        List<HeaderBlock> blocks = new ArrayList<>();

        HeaderStream.forEachHeaderBlock(new StringReader(eml), blocks::add, false);

        assertThat(blocks).hasSize(1);
        assertThat(blocks.get(0).first("Message-ID")).contains("<only@test>");
    }

    @Test
    void theByteScannerAgreesWithTheReaderAndDecodesUtf8() throws IOException {
        String mbox = "From a@example.test Mon Nov 30 09:00:00 2026\r\n"
            + "Received: from s\u00f6rensen.test ([192.0.2.1])\r\n\tby b.test with UTF8SMTPS id 1;\r\n\tMon, 30 Nov 2026 09:00:00 +0000\r\n"
            + "Subject: caf\u00e9\r\n\r\nbody \u2713\r\n\r\n"
            + "From b@example.test Mon Nov 30 09:01:00 2026\n"
            + "Message-ID: <two@test>\n";
        byte[] bytes = mbox.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<String> fromBytes = new ArrayList<>();
        List<String> fromReader = new ArrayList<>();

        long count = HeaderStream.forEachHeaderBlock(new java.io.ByteArrayInputStream(bytes), b -> fromBytes.add(b.fields().toString()), true);
        HeaderStream.forEachHeaderBlock(new StringReader(mbox), b -> fromReader.add(b.fields().toString()), true);

        assertThat(count).isEqualTo(2);
        assertThat(fromBytes).isEqualTo(fromReader);
        assertThat(fromBytes.get(0)).contains("from s\u00f6rensen.test ([192.0.2.1]) by b.test with UTF8SMTPS id 1; Mon, 30 Nov 2026 09:00:00 +0000")
            .contains("Subject: caf\u00e9");
    }

    @Test
    void onlyRealMboxFromLinesSplitMessagesOnBothPaths() throws IOException {
        String mbox = "From alice@example.test Tue Dec  1 21:18:24 2026\n"
            + "Message-ID: <one@test>\n"
            + "\n"
            + "Dear Bob,\n"
            + "\n"
            + "From here on, the text is the body.\n"
            + "\n"
            + "From the desk of Alice Tue Dec  1\n"
            + "\n"
            + "From MAILER-DAEMON Tue Dec 01 21:19:00 +0000 2026\n"
            + "Message-ID: <two@test>\n"
            + "\n"
            + "body\n";
        List<String> fromReader = new ArrayList<>();
        List<String> fromBytes = new ArrayList<>();

        long readerCount = HeaderStream.forEachHeaderBlock(new StringReader(mbox), b -> fromReader.add(b.first("Message-ID").orElse("?")));
        long byteCount = HeaderStream.forEachHeaderBlock(new java.io.ByteArrayInputStream(mbox.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            b -> fromBytes.add(b.first("Message-ID").orElse("?")), true);

        assertThat(readerCount).isEqualTo(2);
        assertThat(byteCount).isEqualTo(2);
        assertThat(fromReader).containsExactly("<one@test>", "<two@test>");
        assertThat(fromBytes).isEqualTo(fromReader);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "From alice@example.test Tue Dec  1 21:18:24 2026 | true",
        "From MAILER-DAEMON Fri Jul  8 12:08:34 2011 | true",
        "From bob@example.test Mon Nov 30 09:00 2026 | true",
        "From bob@example.test Mon Nov 30 09:00:00 +0000 2026 | true",
        "From bob@example.test Mon Nov 30 09:00:00 2026 remote from gateway | true",
        "From here on, the text is the body. | false",
        "From the desk of Alice Tue Dec  1 | false",
        "From bob@example.test Mon Nov 30 2026 | false",
        "From: alice@example.test | false"})
    void theMboxFromLineIsRecognisedByItsShape(String line, boolean separator) {
        assertThat(HeaderStream.isMboxFromLine(line)).isEqualTo(separator);
    }

    @Test
    void headersPastedWithoutFoldingWhiteSpaceStillParseWhole() {
        String pasted = "Received: from MN2PR05CA0028.namprd05.prod.outlook.com (2603:10b6:208:c0::41)\n"
            + "by MW6PR12MB8868.namprd12.prod.outlook.com (2603:10b6:303:242::20) with Microsoft SMTP\n"
            + "Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7452.50; Thu, 18 Apr\n"
            + "2024 03:02:01 +0000\n"
            + "Received: from mail.example.test (mail.example.test [192.0.2.7])\n"
            + "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n"
            + "(No client certificate requested)\n"
            + "by mx.example.test (Postfix) with ESMTPS id 4VKq1;\n"
            + "Thu, 18 Apr 2024 03:01:58 +0000 (UTC)\n"
            + "Subject: pasted from a web page\n";

        MessageReport report = new TraceAnalyzer(TrustBoundary.everything()).analyze(HeaderBlock.parse(pasted));

        assertThat(report.hops()).hasSize(2);
        Hop exchange = report.hops().get(1);
        assertThat(exchange.family()).isEqualTo(MtaFamily.EXCHANGE);
        assertThat(exchange.withKeyword()).contains("Microsoft SMTP Server");
        assertThat(exchange.tls()).isEqualTo(TlsStatus.YES);
        assertThat(exchange.cipherIana()).contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        assertThat(exchange.time()).contains(java.time.OffsetDateTime.parse("2024-04-18T03:02:01Z"));
        Hop postfix = report.hops().get(0);
        assertThat(postfix.protocol()).contains("TLSv1.3");
        assertThat(postfix.clientCertificate()).isEqualTo(CertificateClaim.NOT_REQUESTED);
        assertThat(report.verdict()).isEqualTo(Verdict.TLS_ALL_THE_WAY);
    }

    @Test
    void malformedBytesAndEndlessLinesAreTolerated() throws IOException {
        byte[] endless = new byte[3 * HeaderStream.MAX_LINE_BYTES];
        java.util.Arrays.fill(endless, (byte) 'x');
        byte[] prefix = "Received: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, endless, 0, prefix.length);
        endless[prefix.length + 1] = (byte) 0xC3;
        List<HeaderBlock> blocks = new ArrayList<>();

        HeaderStream.forEachHeaderBlock(new java.io.ByteArrayInputStream(endless), blocks::add, true);

        assertThat(blocks).hasSize(1);
        assertThat(blocks.get(0).values("Received").get(0)).hasSizeLessThanOrEqualTo(HeaderBlock.MAX_FIELD_LENGTH).contains("\ufffd");
    }

    @Test
    void headerLinesWithoutColonContinueThePreviousFieldAndFoldingIsUndone() {
        HeaderBlock block = HeaderBlock.parse("stray before any field\r\nSubject: a\r\n b\r\nnot a header\r\nX-A: 1\r\n\r\nX-B: body\r\n");

        assertThat(block.fields()).extracting(HeaderField::toString).containsExactly("Subject: a b not a header", "X-A: 1");
    }
}
