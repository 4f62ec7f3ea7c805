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
 * starts at an mbox {@code From_} line ({@code From <address or MAILER-DAEMON> <asctime date>}, e.g.
 * {@code From alice@example.test Tue Dec  1 21:18:24 2026}) at the start of input or after an empty line
 * (mboxrd/mboxo alike). A body line such as {@code From here on, ...} after an empty line is not a separator, nor is
 * {@code >From }. Input that starts with anything else is one message.
 */
public final class HeaderStream {
    private HeaderStream() {
    }

    /** Longest header line kept; the rest of a longer line is dropped (binary junk has no line breaks). */
    static final int MAX_LINE_BYTES = 1 << 20;

    /**
     * The fast path for files: scans bytes, decodes only header lines (UTF-8, malformed bytes replaced) and
     * never turns body lines into strings, so a large mbox costs little more than reading it.
     *
     * @param splitMbox false for a file known to hold one message ({@code .eml})
     * @return the number of messages seen
     */
    public static long forEachHeaderBlock(InputStream input, Consumer<HeaderBlock> sink, boolean splitMbox) throws IOException {
        LineSplitter lines = new LineSplitter(input);
        long count = 0;
        HeaderBlock.Builder current = null;
        boolean inHeaders = false;
        boolean previousEmpty = true;
        boolean any = false;
        while (lines.next()) {
            boolean fromLine = lines.startsWithFromSpace() && isMboxFromLine(lines.decode());
            boolean separator = fromLine && (previousEmpty && splitMbox || !any);
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
                inHeaders = current.addLine(lines.decode());
            }
            previousEmpty = lines.isEmpty();
        }
        if (current != null) {
            sink.accept(current.build());
            count++;
        }
        return count;
    }

    private static final String WEEKDAYS = "MonTueWedThuFriSatSun";
    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

    /**
     * An mbox {@code From_} line: {@code From }, the envelope sender (one word), then an asctime date
     * {@code Www Mmm dd hh:mm[:ss] [zone] yyyy} ({@code Tue Dec  1 21:18:24 2026}); anything may follow the year.
     */
    static boolean isMboxFromLine(String line) {
        if (!line.startsWith("From ")) {
            return false;
        }
        int i = 5;
        int n = line.length();
        int sender = i;
        while (i < n && line.charAt(i) != ' ') {
            i++;
        }
        if (i == sender) {
            return false;
        }
        i = skipSpaces(line, i);
        if (!threeLetters(line, i, WEEKDAYS)) {
            return false;
        }
        i = skipSpaces(line, i + 3);
        if (!threeLetters(line, i, MONTHS)) {
            return false;
        }
        i = skipSpaces(line, i + 3);
        int day = i;
        while (i < n && Character.isDigit(line.charAt(i))) {
            i++;
        }
        if (i - day < 1 || i - day > 2) {
            return false;
        }
        i = skipSpaces(line, i);
        // hh:mm or hh:mm:ss
        if (i + 5 > n || !Character.isDigit(line.charAt(i)) || !Character.isDigit(line.charAt(i + 1)) || line.charAt(i + 2) != ':'
            || !Character.isDigit(line.charAt(i + 3)) || !Character.isDigit(line.charAt(i + 4))) {
            return false;
        }
        i += 5;
        if (i + 3 <= n && line.charAt(i) == ':' && Character.isDigit(line.charAt(i + 1)) && Character.isDigit(line.charAt(i + 2))) {
            i += 3;
        }
        // The year, possibly after a zone ("+0000", "UTC"): the first or second word that follows.
        for (int word = 0; word < 2; word++) {
            if (i >= n || line.charAt(i) != ' ') {
                return false;
            }
            i = skipSpaces(line, i);
            int start = i;
            while (i < n && line.charAt(i) != ' ') {
                i++;
            }
            if (i - start == 4 && Character.isDigit(line.charAt(start)) && Character.isDigit(line.charAt(start + 1))
                && Character.isDigit(line.charAt(start + 2)) && Character.isDigit(line.charAt(start + 3))) {
                return true;
            }
        }
        return false;
    }

    private static int skipSpaces(String line, int i) {
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static boolean threeLetters(String line, int at, String table) {
        if (at + 3 > line.length()) {
            return false;
        }
        for (int k = 0; k < table.length(); k += 3) {
            if (line.regionMatches(at, table, k, 3)) {
                return true;
            }
        }
        return false;
    }

    /** Splits a byte stream into lines (LF or CRLF) without creating strings unless asked to. */
    private static final class LineSplitter {
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private int position;
        private int limit;
        private boolean eof;
        private byte[] line = new byte[1024];
        private int length;

        LineSplitter(InputStream in) {
            this.in = in;
        }

        boolean next() throws IOException {
            length = 0;
            boolean any = false;
            while (true) {
                if (position >= limit) {
                    if (eof || !fill()) {
                        return any;
                    }
                }
                any = true;
                int start = position;
                int newline = -1;
                for (int i = position; i < limit; i++) {
                    if (buffer[i] == '\n') {
                        newline = i;
                        break;
                    }
                }
                int end = newline >= 0 ? newline : limit;
                append(start, end);
                position = newline >= 0 ? newline + 1 : limit;
                if (newline >= 0) {
                    if (length > 0 && line[length - 1] == '\r') {
                        length--;
                    }
                    return true;
                }
            }
        }

        private boolean fill() throws IOException {
            int n = in.read(buffer, 0, buffer.length);
            if (n <= 0) {
                eof = true;
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }

        private void append(int start, int end) {
            int n = Math.min(end - start, MAX_LINE_BYTES - length);
            if (n <= 0) {
                return;
            }
            if (length + n > line.length) {
                line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, Math.max(line.length * 2, length + n)));
            }
            System.arraycopy(buffer, start, line, length, n);
            length += n;
        }

        boolean isEmpty() {
            return length == 0;
        }

        boolean startsWithFromSpace() {
            return length >= 5 && line[0] == 'F' && line[1] == 'r' && line[2] == 'o' && line[3] == 'm' && line[4] == ' ';
        }

        String decode() {
            for (int i = 0; i < length; i++) {
                if (line[i] < 0) {
                    return new String(line, 0, length, StandardCharsets.UTF_8);
                }
            }
            // Plain ASCII, the common case: no decoder needed.
            return new String(line, 0, length, StandardCharsets.ISO_8859_1);
        }
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
            boolean separator = line.startsWith("From ") && (previousEmpty && splitMbox || !any) && isMboxFromLine(line);
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
