package dev.tlsprovenance.headers;

import java.util.Map;

/**
 * Messages whose shape makes javax.mail's {@code saveChanges} edit them: no Content-Transfer-Encoding, multipart,
 * no Date, no Message-ID, MIME-Version not on top, 8-bit body, folded fields. Keyed by what each one is.
 */
final class MessageShapes {

    private static final String BODY_LINES = ("x".repeat(74) + "\r\n").repeat(40);

    /** Received messages as James's SMTP server stores them (CRLF line ends). */
    static final Map<String, String> SHAPES = Map.of(
        "text/plain without Content-Transfer-Encoding",
        "Received: from client.test by mx.james.test; Sun, 29 Nov 2026 12:10:45 +0000\r\n"
            + "From: <a@client.test>\r\nTo: <b@james.test>\r\nSubject: plain\r\n"
            + "Date: Sun, 29 Nov 2026 12:10:45 +0000\r\nMessage-ID: <1@client.test>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + BODY_LINES,
        "multipart/alternative, parts without Content-Transfer-Encoding, MIME-Version last",
        "From: <a@client.test>\r\nTo: <b@james.test>\r\nSubject: alternative\r\n"
            + "Date: Sun, 29 Nov 2026 12:10:45 +0000\r\nMessage-ID: <2@client.test>\r\n"
            + "Content-Type: multipart/alternative; boundary=\"b1\"\r\nMIME-Version: 1.0\r\n\r\n"
            + "preamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\n" + BODY_LINES
            + "--b1\r\nContent-Type: text/html\r\n\r\n<p>" + BODY_LINES + "</p>\r\n--b1--\r\nepilogue\r\n",
        "multipart/mixed with a base64 attachment, no Date, no Message-ID",
        "From: <a@client.test>\r\nTo: <b@james.test>\r\nSubject:\r\n folded subject\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed;\r\n\tboundary=b2\r\n\r\n--b2\r\nContent-Type: text/plain\r\n"
            + "Content-Transfer-Encoding: 7bit\r\n\r\nsee attached\r\n--b2\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\r\n".repeat(30) + "--b2--\r\n",
        "no MIME header at all, 8-bit body",
        "From: <a@client.test>\r\nTo: <b@james.test>\r\nSubject: bare\r\n\r\ncaf\u00e9 \u00fcber\r\n" + BODY_LINES);

    private MessageShapes() {
    }
}
