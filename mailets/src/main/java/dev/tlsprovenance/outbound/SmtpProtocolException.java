package dev.tlsprovenance.outbound;

import java.io.IOException;

/** The server broke the SMTP protocol (garbage reply, closed in the middle of a reply). */
public final class SmtpProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public SmtpProtocolException(String message) {
        super(message);
    }
}
