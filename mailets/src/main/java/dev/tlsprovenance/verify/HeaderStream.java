package dev.tlsprovenance.verify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Streams the header sections out of a single message ({@code .eml}) or an mbox file, one at a time and
 * without holding more than one header section in memory; bodies are skipped line by line. An mbox message
 * starts at a {@code From } line at the start of input or after an empty line (mboxrd/mboxo alike; a
 * {@code >From } in a body is not a separator). Input that starts with anything else is one message.
 */
public final class HeaderStream {
    private HeaderStream() {
    }

    /** Bytes are read as UTF-8; malformed sequences become U+FFFD rather than errors (binary junk is tolerated). */
    public static Reader utf8Reader(InputStream in) {
        return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE));
    }

    /**
     * Calls {@code sink} once per message, in file order.
     *
     * @return the number of messages seen
     */
    public static long forEachHeaderBlock(Reader input, Consumer<HeaderBlock> sink) throws IOException {
        return forEachHeaderBlock(input, sink, true);
    }

    /**
     * @param splitMbox false for a file known to hold one message ({@code .eml}): a {@code From } line
     *     in its body then never starts another message
     */
    public static long forEachHeaderBlock(Reader input, Consumer<HeaderBlock> sink, boolean splitMbox) throws IOException {
        BufferedReader reader = input instanceof BufferedReader ? (BufferedReader) input : new BufferedReader(input, 1 << 16);
        long count = 0;
        HeaderBlock.Builder current = null;
        boolean inHeaders = false;
        boolean previousEmpty = true;
        boolean any = false;
        String line;
        while ((line = reader.readLine()) != null) {
            boolean separator = line.startsWith("From ") && (previousEmpty && splitMbox || !any);
            if (separator || !any) {
                if (current != null) {
                    sink.accept(current.build());
                    count++;
                }
                current = new HeaderBlock.Builder();
                inHeaders = true;
                any = true;
                if (separator) {
                    previousEmpty = false;
                    continue;
                }
            }
            if (inHeaders) {
                inHeaders = current.addLine(line);
            }
            previousEmpty = line.isEmpty();
        }
        if (current != null) {
            sink.accept(current.build());
            count++;
        }
        return count;
    }
}
