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
    void headerLinesWithoutColonAreSkippedAndFoldingIsUndone() {
        HeaderBlock block = HeaderBlock.parse("Subject: a\r\n b\r\nnot a header\r\nX-A: 1\r\n\r\nX-B: body\r\n");

        assertThat(block.fields()).extracting(HeaderField::toString).containsExactly("Subject: a b", "X-A: 1");
    }
}
