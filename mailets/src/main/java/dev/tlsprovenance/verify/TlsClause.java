package dev.tlsprovenance.verify;

import java.util.Locale;

/**
 * The TLS facts one comment of a Received line states, in whichever dialect its writer uses. It reads the content of
 * a single top-level comment that a family reader has already placed; it never looks at the rest of the line.
 *
 * <ul>
 *   <li>Postfix, James 3.9, this project: {@code using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) ...};
 *       a gateway variant: {@code using TLS: TLSv1.2, AES256-SHA}</li>
 *   <li>Sendmail, Proofpoint, Gmail, Exchange: {@code version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256
 *       verify=NOT}, {@code version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}</li>
 *   <li>OpenSMTPD and Exim: {@code TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO}, {@code TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256};
 *       Exim 4.92+ writes the protocol alone, {@code TLS1.3}, and the suite in an RFC 8314 {@code tls} clause</li>
 *   <li>Exchange: {@code TLS}; qmail's TLS patch: {@code DHE-RSA-AES256-SHA encrypted}; CommuniGate-style:
 *       {@code AUTH: LOGIN x, SSL: TLSv1/SSLv3,128bits,RC4-MD5}</li>
 * </ul>
 */
final class TlsClause {
    static final TlsClause NONE = new TlsClause(Dialect.NONE);

    enum Dialect {
        NONE, USING, KEY_VALUE, COLON, PROTOCOL_ONLY, BARE_TLS, ENCRYPTED, SSL_LIST
    }

    final Dialect dialect;
    String protocolLabel;
    String cipher;
    int bits;
    CertificateClaim certificate = CertificateClaim.UNKNOWN;

    private TlsClause(Dialect dialect) {
        this.dialect = dialect;
    }

    /** A comment naming TLS in any dialect; {@link Dialect#PROTOCOL_ONLY} alone does not prove TLS without a suite or keyword. */
    boolean found() {
        return dialect != Dialect.NONE;
    }

    /** Reads one comment's content (without its parentheses). */
    static TlsClause read(String comment) {
        if (comment == null || comment.length() < 3 || comment.length() > 2048) {
            return NONE;
        }
        char first = comment.charAt(0);
        if ((first == 'u' || first == 'U') && comment.regionMatches(true, 0, "using ", 0, 6)) {
            return using(comment);
        }
        String lower = comment.toLowerCase(Locale.ROOT);
        if (lower.contains("version=")) {
            return keyValue(comment, lower);
        }
        if (lower.startsWith("tls") || lower.startsWith("ssl")) {
            if (lower.equals("tls")) {
                return new TlsClause(Dialect.BARE_TLS);
            }
            return colon(comment);
        }
        if (lower.endsWith(" encrypted") && lower.indexOf(' ') == lower.length() - 10) {
            TlsClause c = new TlsClause(Dialect.ENCRYPTED);
            c.cipher = comment.substring(0, comment.length() - 10).trim();
            return c;
        }
        int ssl = lower.indexOf("ssl: ");
        if (ssl >= 0) {
            return sslList(comment, ssl + 5);
        }
        return NONE;
    }

    private static TlsClause using(String comment) {
        int at = 6;
        if (comment.regionMatches(true, at, "TLS: ", 0, 5)) {
            int comma = comment.indexOf(',', at + 5);
            if (comma < 0) {
                return NONE;
            }
            TlsClause c = new TlsClause(Dialect.USING);
            c.protocolLabel = comment.substring(at + 5, comma).trim();
            c.cipher = firstWord(comment, comma + 1);
            return c.cipher == null ? NONE : c;
        }
        int withCipher = indexOfIgnoreCase(comment, " with cipher ", at);
        if (withCipher < 0) {
            return NONE;
        }
        TlsClause c = new TlsClause(Dialect.USING);
        c.protocolLabel = comment.substring(at, withCipher).trim();
        int cipherStart = withCipher + 13;
        c.cipher = firstWord(comment, cipherStart);
        if (c.cipher == null || c.protocolLabel.isEmpty() || c.protocolLabel.indexOf(' ') >= 0) {
            return NONE;
        }
        int cipherEnd = cipherStart + c.cipher.length();
        // "(256/256 bits)" directly after the suite; later "(2048 bits)" belong to the server key.
        int open = comment.indexOf('(', cipherEnd);
        if (open >= 0 && open - cipherEnd <= 2) {
            int close = comment.indexOf(" bits)", open);
            int slash = comment.indexOf('/', open);
            if (close > open) {
                c.bits = number(comment, open + 1, slash > open && slash < close ? slash : close);
            }
        }
        return c;
    }

    // version=TLSv1.2 cipher=... bits=256 verify=NOT | version=TLS1_3 cipher=... bits=256/256 | version=TLS1_2, cipher=...
    private static TlsClause keyValue(String comment, String lower) {
        String version = value(comment, lower, "version=");
        String suite = value(comment, lower, "cipher=");
        if (version == null || suite == null) {
            return NONE;
        }
        String v = version.toUpperCase(Locale.ROOT);
        if (!v.startsWith("TLS") && !v.startsWith("SSL")) {
            return NONE;
        }
        TlsClause c = new TlsClause(Dialect.KEY_VALUE);
        c.protocolLabel = version;
        c.cipher = suite;
        String bitsText = value(comment, lower, "bits=");
        if (bitsText != null) {
            int slash = bitsText.indexOf('/');
            c.bits = number(bitsText, 0, slash > 0 ? slash : bitsText.length());
        }
        String verify = value(comment, lower, "verify=");
        if (verify != null) {
            c.certificate = sendmailVerify(verify.toUpperCase(Locale.ROOT));
        }
        return c;
    }

    // TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO | TLSv1:AES256-SHA:256 | TLS-1.0:RSA_ARCFOUR_MD5:16 | TLS1.3
    private static TlsClause colon(String comment) {
        String[] parts = comment.split(":", -1);
        if (parts.length == 1) {
            if (comment.indexOf(' ') < 0 && TlsNames.normaliseProtocol(comment).isPresent()) {
                TlsClause c = new TlsClause(Dialect.PROTOCOL_ONLY);
                c.protocolLabel = comment;
                return c;
            }
            return NONE;
        }
        if (parts.length > 4 || comment.indexOf(' ') >= 0 || parts[1].isEmpty()) {
            return NONE;
        }
        boolean named = TlsNames.normaliseProtocol(parts[0]).isPresent() || parts[0].toUpperCase(Locale.ROOT).startsWith("TLS");
        if (!named) {
            return NONE;
        }
        TlsClause c = new TlsClause(Dialect.COLON);
        c.protocolLabel = parts[0];
        c.cipher = parts[1];
        if (parts.length >= 3) {
            c.bits = number(parts[2], 0, parts[2].length());
        }
        if (parts.length == 4) {
            c.certificate = openSmtpdVerify(parts[3].toUpperCase(Locale.ROOT));
        }
        return c;
    }

    // AUTH: LOGIN gork@mydomain.com, SSL: TLSv1/SSLv3,128bits,RC4-MD5
    private static TlsClause sslList(String comment, int at) {
        String[] parts = comment.substring(at).split(",");
        if (parts.length < 3) {
            return NONE;
        }
        TlsClause c = new TlsClause(Dialect.SSL_LIST);
        c.protocolLabel = parts[0].trim();
        String bitsPart = parts[1].toLowerCase(Locale.ROOT);
        int b = bitsPart.indexOf("bits");
        c.bits = number(parts[1], 0, b > 0 ? b : parts[1].length());
        c.cipher = parts[2].trim();
        return c;
    }

    /**
     * The client-certificate comment Postfix and this project write right after the TLS comment, or
     * {@link CertificateClaim#UNKNOWN} when the comment is none of those.
     */
    static CertificateClaim certificateComment(String comment) {
        if (comment == null) {
            return CertificateClaim.UNKNOWN;
        }
        String lower = comment.toLowerCase(Locale.ROOT);
        if (lower.equals("no client certificate requested")) {
            return CertificateClaim.NOT_REQUESTED;
        }
        if (lower.equals("client did not present a certificate") || lower.equals("no client certificate presented")) {
            return CertificateClaim.NOT_PRESENTED;
        }
        if (lower.startsWith("client certificate subject ")) {
            // This project's own comment: ... issuer "..." [checked against "..."] verified yes | verified no |
            // presented, not checked by the listener (a listener that only requested the certificate).
            if (lower.endsWith(" verified yes")) {
                return CertificateClaim.VERIFIED;
            }
            if (lower.endsWith(" presented, not checked by the listener")) {
                return CertificateClaim.PRESENTED_NOT_VERIFIED;
            }
            return lower.endsWith(" verified no") ? CertificateClaim.FAILED : CertificateClaim.UNKNOWN;
        }
        if (lower.startsWith("client cn ")) {
            if (lower.endsWith("(verified ok)")) {
                return CertificateClaim.VERIFIED;
            }
            return lower.endsWith("(not verified)") ? CertificateClaim.PRESENTED_NOT_VERIFIED : CertificateClaim.UNKNOWN;
        }
        return CertificateClaim.UNKNOWN;
    }

    /** True for the comments {@link #certificateComment} knows: this project's own mark among James lines. */
    static boolean isOwnCertificateComment(String comment) {
        String lower = comment == null ? "" : comment.toLowerCase(Locale.ROOT);
        return lower.equals("no client certificate presented") || lower.startsWith("client certificate subject ");
    }

    void applyTo(Hop.Builder hop) {
        String protocol = TlsNames.normaliseProtocol(protocolLabel).orElse(null);
        String iana = cipher == null ? null : TlsNames.ianaName(cipher, protocol).orElse(null);
        int strength = bits;
        boolean gnuTlsBytes = cipher != null && cipher.indexOf('_') >= 0 && cipher.indexOf('-') < 0
            && !cipher.startsWith("TLS_") && bits > 0 && bits <= 32;
        if (strength <= 0 || gnuTlsBytes) {
            // Old Exim with GnuTLS wrote the key length in bytes; derive from the suite instead.
            strength = TlsNames.strengthBits(iana != null ? iana : cipher);
        }
        hop.protocolLabel(protocolLabel)
            .protocol(protocol)
            .cipher(cipher)
            .cipherIana(iana)
            .bits(strength)
            .clientCertificate(certificate)
            .weak(TlsNames.isWeak(iana != null ? iana : cipher, strength, protocol));
    }

    private static CertificateClaim sendmailVerify(String verify) {
        switch (verify) {
            case "OK":
            case "TRUSTED":
                return CertificateClaim.VERIFIED;
            case "NO":
                return CertificateClaim.NOT_PRESENTED;
            case "NOT":
            case "NONE":
                return CertificateClaim.NOT_REQUESTED;
            case "FAIL":
            case "TEMP":
            case "PROTOCOL":
            case "SOFTWARE":
                return CertificateClaim.FAILED;
            default:
                return CertificateClaim.UNKNOWN;
        }
    }

    private static CertificateClaim openSmtpdVerify(String verify) {
        switch (verify) {
            case "YES":
                return CertificateClaim.VERIFIED;
            case "NO":
                return CertificateClaim.NOT_PRESENTED;
            case "FAIL":
                return CertificateClaim.FAILED;
            default:
                return CertificateClaim.UNKNOWN;
        }
    }

    private static String value(String comment, String lower, String key) {
        int at = lower.indexOf(key);
        if (at < 0 || at > 0 && lower.charAt(at - 1) != ' ' && lower.charAt(at - 1) != ',') {
            return null;
        }
        int start = at + key.length();
        int end = start;
        while (end < comment.length()) {
            char c = comment.charAt(end);
            if (c == ' ' || c == ',' || c == ')' || c == ';') {
                break;
            }
            end++;
        }
        return end > start ? comment.substring(start, end) : null;
    }

    private static String firstWord(String text, int from) {
        int start = from;
        while (start < text.length() && text.charAt(start) == ' ') {
            start++;
        }
        int end = start;
        while (end < text.length() && text.charAt(end) != ' ' && text.charAt(end) != ')' && text.charAt(end) != '(') {
            end++;
        }
        return end > start ? text.substring(start, end) : null;
    }

    private static int indexOfIgnoreCase(String text, String needle, int from) {
        for (int i = from; i + needle.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, needle, 0, needle.length())) {
                return i;
            }
        }
        return -1;
    }

    private static int number(String text, int start, int end) {
        int value = 0;
        boolean any = false;
        for (int i = Math.max(0, start); i < Math.min(end, text.length()); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (value > 100_000) {
                    return 0;
                }
                value = value * 10 + (c - '0');
                any = true;
            } else if (c != ' ') {
                break;
            }
        }
        return any ? value : 0;
    }
}
