package dev.tlsprovenance.verify;

import java.util.Locale;

/**
 * The TLS facts a Received line states, whatever the writer's dialect. Each dialect is looked for only
 * when a cheap marker is present, so a cleartext line costs a handful of {@code indexOf} calls.
 */
final class TlsClause {
    private static final TlsClause NONE = new TlsClause();

    boolean found;
    String protocolLabel;
    String cipher;
    int bits;
    CertificateClaim certificate = CertificateClaim.UNKNOWN;

    static TlsClause find(String line, String lower, ReceivedClauses clauses) {
        TlsClause c = new TlsClause();
        if (lower.contains("(using ")) {
            c.postfixStyle(line, lower);
        }
        if (!c.found && lower.contains("version=")) {
            c.keyValueStyle(line, lower);
        }
        if (!c.found && (lower.contains("(tls") || lower.contains("(ssl"))) {
            c.colonStyle(line);
        }
        if (clauses.tlsSuite != null) {
            // RFC 8314 section 4.3: "tls" followed by the IANA suite name (Exim 4.92+, this project).
            c.found = true;
            if (c.cipher == null) {
                c.cipher = clauses.tlsSuite;
            }
            if (c.protocolLabel == null) {
                for (String comment : clauses.withComments) {
                    if (TlsNames.normaliseProtocol(comment).isPresent()) {
                        c.protocolLabel = comment;
                    }
                }
            }
        }
        if (!c.found && lower.contains("microsoft smtp server (tls)")) {
            c.found = true;
        }
        if (!c.found && lower.contains(" encrypted) smtp")) {
            c.qmailStyle(line, lower);
        }
        if (!c.found && lower.contains("ssl: ")) {
            c.communigateStyle(line, lower);
        }
        if (!c.found && (lower.contains(" with tls)") || lower.contains(" with tls "))) {
            c.found = true;
        }
        if (c.found && c.certificate == CertificateClaim.UNKNOWN) {
            c.certificate = postfixCertificate(lower);
        }
        return c.found ? c : NONE;
    }

    void applyTo(Hop.Builder hop) {
        String protocol = TlsNames.normaliseProtocol(protocolLabel).orElse(null);
        String iana = cipher == null ? null : TlsNames.ianaName(cipher).orElse(null);
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

    // Postfix and James 3.9: (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) ...)
    // and a variant seen behind some gateways: (using TLS: TLSv1.2, AES256-SHA)
    private void postfixStyle(String line, String lower) {
        int at = lower.indexOf("(using ") + 7;
        if (lower.startsWith("tls: ", at)) {
            int comma = lower.indexOf(',', at + 5);
            int close = lower.indexOf(')', at);
            if (comma > 0 && close > comma) {
                found = true;
                protocolLabel = line.substring(at + 5, comma).trim();
                cipher = line.substring(comma + 1, close).trim();
            }
            return;
        }
        int withCipher = lower.indexOf(" with cipher ", at);
        if (withCipher < 0) {
            return;
        }
        found = true;
        protocolLabel = line.substring(at, withCipher).trim();
        int cipherStart = withCipher + 13;
        int cipherEnd = wordEnd(line, cipherStart);
        cipher = line.substring(cipherStart, cipherEnd);
        int bitsAt = lower.indexOf(" bits)", cipherEnd);
        if (bitsAt > 0 && bitsAt - cipherEnd < 20) {
            int open = lower.lastIndexOf('(', bitsAt);
            int slash = lower.indexOf('/', open);
            bits = number(line, open + 1, slash > open && slash < bitsAt ? slash : bitsAt);
        }
    }

    // Sendmail: (version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=NOT)
    // Gmail:    (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256)
    // Exchange: (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)
    private void keyValueStyle(String line, String lower) {
        int at = lower.indexOf("version=");
        String version = value(line, lower, "version=", at);
        String suite = value(line, lower, "cipher=", at);
        if (version == null || suite == null || !(version.toUpperCase(Locale.ROOT).startsWith("TLS")
            || version.toUpperCase(Locale.ROOT).startsWith("SSL"))) {
            return;
        }
        found = true;
        protocolLabel = version;
        cipher = suite;
        String bitsText = value(line, lower, "bits=", at);
        if (bitsText != null) {
            int slash = bitsText.indexOf('/');
            bits = number(bitsText, 0, slash > 0 ? slash : bitsText.length());
        }
        String verify = value(line, lower, "verify=", at);
        if (verify != null) {
            certificate = sendmailVerify(verify.toUpperCase(Locale.ROOT));
        }
    }

    // OpenSMTPD: (TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO); old Exim: (TLSv1:AES256-SHA:256), (TLS-1.0:RSA_ARCFOUR_MD5:16)
    private void colonStyle(String line) {
        int from = 0;
        while (true) {
            int open = line.indexOf('(', from);
            if (open < 0 || open + 4 > line.length()) {
                return;
            }
            from = open + 1;
            if (!(line.regionMatches(true, open + 1, "TLS", 0, 3) || line.regionMatches(true, open + 1, "SSL", 0, 3))) {
                continue;
            }
            int close = line.indexOf(')', open);
            if (close < 0) {
                return;
            }
            String[] parts = line.substring(open + 1, close).split(":");
            if (parts.length >= 2 && parts.length <= 4 && TlsNames.normaliseProtocol(parts[0]).isPresent()
                || parts.length >= 3 && parts[0].toUpperCase(Locale.ROOT).startsWith("TLS")) {
                found = true;
                protocolLabel = parts[0];
                cipher = parts[1];
                if (parts.length >= 3) {
                    bits = number(parts[2], 0, parts[2].length());
                }
                if (parts.length == 4) {
                    certificate = openSmtpdVerify(parts[3].toUpperCase(Locale.ROOT));
                }
                return;
            }
            if (parts.length == 1 && TlsNames.normaliseProtocol(parts[0]).isPresent() && protocolLabel == null) {
                // Exim 4.92+: "with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384"; the suite comes from the tls clause.
                protocolLabel = parts[0];
            }
        }
    }

    // qmail with the TLS patch: "with (DHE-RSA-AES256-SHA encrypted) SMTP"
    private void qmailStyle(String line, String lower) {
        int end = lower.indexOf(" encrypted) smtp");
        int open = lower.lastIndexOf('(', end);
        if (open >= 0 && end > open) {
            found = true;
            cipher = line.substring(open + 1, end).trim();
        }
    }

    // CommuniGate-style and others: "(AUTH: LOGIN x, SSL: TLSv1/SSLv3,128bits,RC4-MD5)"
    private void communigateStyle(String line, String lower) {
        int at = lower.indexOf("ssl: ") + 5;
        int close = lower.indexOf(')', at);
        if (close < 0) {
            return;
        }
        String[] parts = line.substring(at, close).split(",");
        if (parts.length >= 3) {
            found = true;
            protocolLabel = parts[0].trim();
            bits = number(parts[1], 0, parts[1].toLowerCase(Locale.ROOT).indexOf("bits") > 0
                ? parts[1].toLowerCase(Locale.ROOT).indexOf("bits") : parts[1].length());
            cipher = parts[2].trim();
        }
    }

    private static CertificateClaim postfixCertificate(String lower) {
        if (lower.contains("(no client certificate requested)") || lower.contains("(client did not present a certificate)")) {
            return CertificateClaim.NOT_PRESENTED;
        }
        if (lower.contains("(no client certificate presented)")) {
            return CertificateClaim.NOT_PRESENTED;
        }
        if (lower.contains("(client certificate subject ")) {
            // This project's own comment: ... issuer "..." verified yes|no)
            return lower.contains(" verified yes)") ? CertificateClaim.VERIFIED : CertificateClaim.FAILED;
        }
        if (lower.contains("(verified ok)")) {
            return CertificateClaim.VERIFIED;
        }
        if (lower.contains("(not verified)") || lower.contains("certificate not verified")) {
            return CertificateClaim.FAILED;
        }
        return CertificateClaim.UNKNOWN;
    }

    private static CertificateClaim sendmailVerify(String verify) {
        switch (verify) {
            case "OK":
            case "TRUSTED":
                return CertificateClaim.VERIFIED;
            case "NO":
            case "NOT":
            case "NONE":
                return CertificateClaim.NOT_PRESENTED;
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

    // Keys are looked for after "version=": Sendmail's "(authenticated bits=0)" earlier in the line is not the cipher's.
    private static String value(String line, String lower, String key, int after) {
        int at = lower.indexOf(key, Math.max(0, after));
        if (at < 0) {
            return null;
        }
        int start = at + key.length();
        int end = start;
        while (end < line.length()) {
            char c = line.charAt(end);
            if (c == ' ' || c == ',' || c == ')' || c == ';') {
                break;
            }
            end++;
        }
        return end > start ? line.substring(start, end) : null;
    }

    private static int wordEnd(String line, int start) {
        int end = start;
        while (end < line.length() && line.charAt(end) != ' ' && line.charAt(end) != ')') {
            end++;
        }
        return end;
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
