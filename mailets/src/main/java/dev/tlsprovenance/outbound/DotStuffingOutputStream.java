package dev.tlsprovenance.outbound;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes message content for SMTP DATA: bare LF and bare CR become CRLF, a leading dot is doubled (RFC 5321
 * 4.5.2), and {@link #finish()} ends the content with CRLF "." CRLF.
 */
final class DotStuffingOutputStream extends FilterOutputStream {
    private boolean atLineStart = true;
    private boolean lastWasCr;

    DotStuffingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '\n') {
            if (!lastWasCr) {
                out.write('\r');
            }
            out.write('\n');
            atLineStart = true;
            lastWasCr = false;
            return;
        }
        if (lastWasCr) {
            out.write('\n');
            atLineStart = true;
        }
        if (b == '\r') {
            out.write('\r');
            lastWasCr = true;
            return;
        }
        lastWasCr = false;
        if (atLineStart && b == '.') {
            out.write('.');
        }
        out.write(b);
        atLineStart = false;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }

    /** Terminates the content; does not close the underlying stream. */
    void finish() throws IOException {
        if (lastWasCr) {
            out.write('\n');
        } else if (!atLineStart) {
            out.write('\r');
            out.write('\n');
        }
        out.write(new byte[] {'.', '\r', '\n'});
        lastWasCr = false;
        atLineStart = true;
    }

    @Override
    public void close() {
        // the connection outlives one message
    }
}
