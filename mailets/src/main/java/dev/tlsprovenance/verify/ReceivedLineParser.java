package dev.tlsprovenance.verify;

import java.util.List;
import java.util.Locale;

/**
 * Reads one Received header value into a {@link Hop}. Never throws: a line it cannot make sense of
 * becomes a hop with TLS {@link TlsStatus#UNKNOWN}.
 *
 * <p>Rules, in order: a TLS clause anywhere in the line wins ({@code (using ... with cipher ...)},
 * {@code version=... cipher=...}, {@code (TLSv1.3:suite:bits:verify)}, {@code tls <suite>} of RFC 8314,
 * Exchange's {@code (TLS)}); else an RFC 3848 keyword ending in S ({@code ESMTPS}, {@code esmtpsa},
 * {@code UTF8SMTPS}) means TLS with unknown details; hops that are not SMTP over a network (HTTP, MAPI,
 * IMAP/POP fetches, local pickup, loopback) are {@code unknown} and not applicable; Exchange's
 * {@code with Microsoft SMTP Server} without {@code (TLS)} or {@code version=} is cleartext; a plain SMTP
 * keyword is cleartext only when the writer is known to record TLS ({@link MtaFamily#recordsTls()}),
 * otherwise unknown.
 */
public final class ReceivedLineParser {
    private static final int MAX_LINE = 8192;

    private ReceivedLineParser() {
    }

    public static Hop parse(String value) {
        try {
            return parseOrThrow(value == null ? "" : value);
        } catch (RuntimeException e) {
            // Garbage in must never stop an analysis; the hop simply says nothing.
            return Hop.builder().raw(value == null ? "" : value).tls(TlsStatus.UNKNOWN).build();
        }
    }

    private static Hop parseOrThrow(String value) {
        String line = collapse(value.length() > MAX_LINE ? value.substring(0, MAX_LINE) : value);
        String lower = line.toLowerCase(Locale.ROOT);
        ReceivedClauses clauses = ReceivedClauses.scan(line);
        Hop.Builder hop = Hop.builder().raw(line)
            .fromHost(clauses.from)
            .byHost(clauses.by)
            .withKeyword(clauses.with)
            .fromAddress(clauses.fromAddress())
            .byAddress(Addresses.plainAddress(clauses.byComments))
            .time(clauses.date == null ? null : ReceivedDate.parse(clauses.date).orElse(null));

        MtaFamily family = family(lower, clauses);
        TlsClause clause = TlsClause.find(line, lower, clauses);
        boolean applicable = isNetworkSmtp(lower, clauses);
        String keyword = clauses.with == null ? "" : clauses.with.toUpperCase(Locale.ROOT);

        TlsStatus tls;
        if (clause.found) {
            tls = TlsStatus.YES;
            applicable = true;
        } else if (isTlsKeyword(keyword)) {
            tls = TlsStatus.YES;
            applicable = true;
        } else if (!applicable) {
            tls = TlsStatus.UNKNOWN;
            if (isNonSmtpKeyword(keyword)) {
                family = MtaFamily.NON_SMTP;
            } else if (family == MtaFamily.OTHER) {
                family = MtaFamily.LOCAL;
            }
        } else if (family == MtaFamily.EXCHANGE && keyword.startsWith("MICROSOFT SMTP SERVER")) {
            tls = TlsStatus.NO;
        } else if (isPlainSmtpKeyword(keyword) && family.recordsTls()) {
            tls = TlsStatus.NO;
        } else {
            tls = TlsStatus.UNKNOWN;
        }
        hop.family(family).tls(tls).applicable(applicable);
        if (tls == TlsStatus.YES) {
            clause.applyTo(hop);
        }
        return hop.build();
    }

    static String collapse(String value) {
        if (isCollapsed(value)) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        boolean space = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                space = out.length() > 0;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c < 0x20 ? ' ' : c);
            }
        }
        return out.toString();
    }

    // Most values arrive already unfolded with single spaces: no copy needed then.
    private static boolean isCollapsed(String value) {
        int n = value.length();
        if (n == 0) {
            return true;
        }
        if (value.charAt(0) == ' ' || value.charAt(n - 1) == ' ') {
            return false;
        }
        char previous = 'x';
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == ' ' && previous == ' ') {
                return false;
            }
            previous = c;
        }
        return true;
    }

    private static MtaFamily family(String lower, ReceivedClauses clauses) {
        String by = clauses.by == null ? "" : clauses.by.toLowerCase(Locale.ROOT);
        if (lower.contains("(no client certificate presented)") || lower.contains("(client certificate subject ")
            || lower.contains("james smtp server") && clauses.tlsSuite != null) {
            // This project's TLS-aware Received line (a cleartext hop reads exactly like James 3.8's).
            return MtaFamily.TLS_PROVENANCE;
        }
        if (lower.contains("james smtp server") || lower.contains("(james ")) {
            return lower.contains("(using ") ? MtaFamily.JAMES_3_9 : MtaFamily.JAMES_3_8;
        }
        if (lower.contains("(postfix")) {
            return MtaFamily.POSTFIX;
        }
        if (lower.contains("(exim ")) {
            return MtaFamily.EXIM;
        }
        if (lower.contains("(opensmtpd)")) {
            return MtaFamily.OPENSMTPD;
        }
        if (lower.contains("microsoft smtp server")) {
            return MtaFamily.EXCHANGE;
        }
        if (lower.contains("microsoft smtpsvc")) {
            return MtaFamily.MICROSOFT_SMTPSVC;
        }
        if (lower.contains("with mapi") || lower.contains("with http")) {
            return MtaFamily.NON_SMTP;
        }
        if (by.endsWith("google.com") || by.endsWith("gmail.com") || by.endsWith("googlemail.com")) {
            return MtaFamily.GMAIL;
        }
        if (lower.contains("(communigate pro")) {
            return MtaFamily.COMMUNIGATE;
        }
        if (lower.contains("(qmail ") || lower.contains("qmail-") || lower.contains(" encrypted) smtp")) {
            return MtaFamily.QMAIL;
        }
        if (lower.contains("verify=") || lower.contains("(version=tls") || looksLikeSendmailVersion(clauses.byComments)) {
            return MtaFamily.SENDMAIL;
        }
        return MtaFamily.OTHER;
    }

    // Sendmail writes "(8.14.9/8.14.9)" or "(8.17.1.9/8.17.1.9/Debian-2)" after the by-host.
    private static boolean looksLikeSendmailVersion(List<String> byComments) {
        for (String comment : byComments) {
            int slash = comment.indexOf('/');
            if (slash > 2 && Character.isDigit(comment.charAt(0)) && comment.charAt(1) == '.'
                && Character.isDigit(comment.charAt(slash - 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNetworkSmtp(String lower, ReceivedClauses clauses) {
        String keyword = clauses.with == null ? "" : clauses.with.toLowerCase(Locale.ROOT);
        if (isNonSmtpKeyword(keyword.toUpperCase(Locale.ROOT))) {
            return false;
        }
        if (!keyword.isEmpty() && !keyword.contains("smtp") && !keyword.contains("lmtp")) {
            // "with local", "with scanned-ok", "with qmail-scanner-1.20", "with spool", "with ECSTREAM": no SMTP session.
            return false;
        }
        if (lower.startsWith("(qmail ") || lower.contains(" invoked by ") || lower.contains(" invoked from network")
            || lower.contains(" by uid ") || lower.contains("mail pickup service")) {
            return false;
        }
        if (!clauses.sawFrom) {
            // "by host (Postfix, from userid 1000) id ...": a local program handed the message over.
            return false;
        }
        String address = clauses.fromAddress();
        if (address != null && Addresses.isLoopback(address)) {
            return false;
        }
        return address != null || !"localhost".equalsIgnoreCase(clauses.from);
    }

    /** Mailbox access and web submission: HTTP, MAPI, IMAP, POP. */
    private static boolean isNonSmtpKeyword(String keyword) {
        return keyword.startsWith("HTTP") || keyword.equals("MAPI") || keyword.equals("IMAP") || keyword.startsWith("POP")
            || keyword.equals("WEBMAIL") || keyword.equals("MSEXCHANGE");
    }

    /** RFC 3848 and RFC 6531: {@code ESMTPS}, {@code ESMTPSA}, {@code UTF8SMTPS}, {@code UTF8SMTPSA}, {@code LMTPS}, {@code LMTPSA}. */
    static boolean isTlsKeyword(String keyword) {
        switch (keyword) {
            case "ESMTPS":
            case "ESMTPSA":
            case "UTF8SMTPS":
            case "UTF8SMTPSA":
            case "UTF8ESMTPS":
            case "UTF8ESMTPSA":
            case "LMTPS":
            case "LMTPSA":
                return true;
            default:
                return false;
        }
    }

    private static boolean isPlainSmtpKeyword(String keyword) {
        switch (keyword) {
            case "SMTP":
            case "ESMTP":
            case "ESMTPA":
            case "UTF8SMTP":
            case "UTF8SMTPA":
            case "UTF8ESMTP":
            case "UTF8ESMTPA":
            case "LMTP":
            case "LMTPA":
            case "ASMTP":
                return true;
            default:
                return false;
        }
    }
}
