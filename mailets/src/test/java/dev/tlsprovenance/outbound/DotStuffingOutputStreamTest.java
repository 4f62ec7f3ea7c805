package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotStuffingOutputStreamTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a\\r\\nb\\r\\n|a\\r\\nb\\r\\n.\\r\\n",
        "a\\nb|a\\r\\nb\\r\\n.\\r\\n",
        ".hidden\\r\\n..two\\r\\n|..hidden\\r\\n...two\\r\\n.\\r\\n",
        "x\\r\\n.\\r\\ny|x\\r\\n..\\r\\ny\\r\\n.\\r\\n",
        "bare\\rcr|bare\\r\\ncr\\r\\n.\\r\\n",
        "ends with cr\\r|ends with cr\\r\\n.\\r\\n",
    })
    void crlfNormalisedDotStuffedAndTerminated(String input, String expected) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        DotStuffingOutputStream stuffed = new DotStuffingOutputStream(sink);
        stuffed.write(unescape(input).getBytes(StandardCharsets.US_ASCII));
        stuffed.finish();
        assertThat(sink.toString(StandardCharsets.US_ASCII)).isEqualTo(unescape(expected));
    }

    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n");
    }
}
