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
    void headerLinesWithoutColonAreSkippedAndFoldingIsUndone() {
        HeaderBlock block = HeaderBlock.parse("Subject: a\r\n b\r\nnot a header\r\nX-A: 1\r\n\r\nX-B: body\r\n");

        assertThat(block.fields()).extracting(HeaderField::toString).containsExactly("Subject: a b", "X-A: 1");
    }
}
