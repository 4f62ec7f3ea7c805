package dev.tlsprovenance.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Reads one Received header value into a {@link Hop}. Never throws: a line it cannot make sense of becomes a hop
 * with TLS {@link TlsStatus#UNKNOWN}.
 *
 * <p>The line is first read as tokens of its grammar ({@link ReceivedSyntax}); the from-clause is typed
 * ({@link FromPart}): the client's HELO text, wherever the writer puts it, and every address in {@code for <...>} or
 * {@code envelope-from} are data and are never read for TLS facts. The writer's family is recognised only from the
 * parts the recorder writes (the comment after the by-host, the {@code with} clause, the by-host's name). Then the
 * family's reader asks for the TLS fact in the place that family writes it:
 * <ul>
 *   <li>Postfix, James 3.9, this project, and unknown writers: the top-level comment right after the from-clause's
 *       single address comment ({@code (name [addr]) (using ...)}), the certificate comment right after it;</li>
 *   <li>Exim: the first comment of the with-clause ({@code with esmtps (TLS1.3)}, {@code (TLSv1:AES256-SHA:256)})
 *       and the RFC 8314 {@code tls} clause;</li>
 *   <li>Exchange: the comment right after {@code with Microsoft SMTP Server};</li>
 *   <li>Sendmail, Proofpoint, OpenSMTPD: the first comment of the id-clause; Gmail: that or the first comment after
 *       the {@code for} address;</li>
 *   <li>qmail's TLS patch: {@code with (<cipher> encrypted) SMTP}; CommuniGate and every family: the RFC 3848
 *       keywords ({@code ESMTPS}, {@code ESMTPSA}, {@code UTF8SMTPS}, ...) of a top-level with-clause.</li>
 * </ul>
 * A TLS-looking top-level comment anywhere else, two of them, a TLS keyword contradicting the family's own TLS
 * comment, or a line whose structure is not {@linkplain ReceivedSyntax#wellFormed() well-formed} make the hop
 * {@code unknown}, never {@code yes}. A plain SMTP keyword is cleartext when the writer is known to record TLS
 * ({@link MtaFamily#recordsTls()}), else unknown. Hops that are not SMTP over a network, or a hand-over inside one
 * host, are {@linkplain Hop#applicable() not applicable} (see {@link #isHandOverInsideOneHost}).
 */
public final class ReceivedLineParser {
    private static final int MAX_LINE = 8192;

    private ReceivedLineParser() {
    }

    public static Hop parse(String value) {
        try {
            return read(value == null ? "" : value).hop;
        } catch (RuntimeException e) {
            // Garbage in must never stop an analysis; the hop simply says nothing.
            return Hop.builder().raw(value == null ? "" : value).tls(TlsStatus.UNKNOWN).build();
        }
    }

    /** What a line says and where: the hop, and the text of every fragment its TLS verdict was read from. */
    static final class Reading {
        final Hop hop;
        final List<String> evidence;

        Reading(Hop hop, List<String> evidence) {
            this.hop = hop;
            this.evidence = evidence;
        }
    }

    static Reading read(String value) {
        String line = collapse(value.length() > MAX_LINE ? value.substring(0, MAX_LINE) : value);
        ReceivedSyntax s = ReceivedSyntax.parse(line);
        FromPart from = FromPart.read(s);
        String by = s.value(ReceivedSyntax.BY);
        ReceivedSyntax.Clause withClause = s.clause(ReceivedSyntax.WITH);
        String with = withWords(s, withClause);
        String keyword = with == null ? "" : with.toUpperCase(Locale.ROOT);
        Hop.Builder hop = Hop.builder().raw(line)
            .fromHost(from.value)
            .byHost(by)
            .withKeyword(with)
            .fromAddress(from.address)
            .byAddress(byAddress(s))
            .time(s.date() == null ? null : ReceivedDate.parse(s.date()).orElse(null));

        MtaFamily family = family(s, by, with, withClause);
        List<String> evidence = new ArrayList<>(3);
        TlsClause clause = TlsClause.NONE;
        TlsStatus tls;
        if (!s.wellFormed()) {
            tls = TlsStatus.UNKNOWN;
        } else {
            FamilyReading reading = readTls(family, s, from, withClause, keyword, evidence);
            tls = reading.status;
            clause = reading.clause;
            family = reading.family;
        }
        boolean applicable = isNetworkSmtp(s, from, keyword) && !isHandOverInsideOneHost(from, by);
        if (tls == TlsStatus.YES) {
            applicable = true;
        } else if (!applicable) {
            tls = TlsStatus.UNKNOWN;
            evidence.clear();
            if (isNonSmtpKeyword(keyword)) {
                family = MtaFamily.NON_SMTP;
            } else if (family == MtaFamily.OTHER) {
                family = MtaFamily.LOCAL;
            }
        } else if (tls == TlsStatus.NO && !family.recordsTls()) {
            tls = TlsStatus.UNKNOWN;
        }
        hop.family(family).tls(tls).applicable(applicable);
        if (tls == TlsStatus.YES && clause.found()) {
            clause.applyTo(hop);
        }
        return new Reading(hop.build(), tls == TlsStatus.YES ? Collections.unmodifiableList(evidence) : List.of());
    }

    // ---------------------------------------------------------------- families

    private static MtaFamily family(ReceivedSyntax s, String by, String with, ReceivedSyntax.Clause withClause) {
        String software = firstCommentOf(s, s.clause(ReceivedSyntax.BY));
        String softwareLower = software == null ? "" : software.toLowerCase(Locale.ROOT);
        String withLower = with == null ? "" : with.toLowerCase(Locale.ROOT);
        if (softwareLower.startsWith("james ")) {
            return MtaFamily.JAMES_3_8;
        }
        if (softwareLower.equals("postfix") || softwareLower.startsWith("postfix,")) {
            return MtaFamily.POSTFIX;
        }
        if (softwareLower.equals("opensmtpd")) {
            return MtaFamily.OPENSMTPD;
        }
        if (withLower.startsWith("microsoft smtp server")) {
            return MtaFamily.EXCHANGE;
        }
        if (withLower.startsWith("microsoft smtpsvc")) {
            return MtaFamily.MICROSOFT_SMTPSVC;
        }
        if (withLower.equals("mapi") || withLower.startsWith("http")) {
            return MtaFamily.NON_SMTP;
        }
        if (withClause != null) {
            // Exim names itself after the with keyword, its TLS comment and its tls clause: "with esmtps (TLS1.3) tls X (Exim 4.98)".
            for (int t = withClause.keyword + 1; t < s.tokenCount(); t++) {
                if (s.type(t) == ReceivedSyntax.COMMENT) {
                    String inner = s.inner(t);
                    if (inner.regionMatches(true, 0, "Exim ", 0, 5)) {
                        return MtaFamily.EXIM;
                    }
                    if (t < withClause.end && inner.toLowerCase(Locale.ROOT).endsWith(" encrypted")) {
                        return MtaFamily.QMAIL;
                    }
                }
            }
        }
        String byLower = by == null ? "" : by.toLowerCase(Locale.ROOT);
        if (byLower.endsWith("google.com") || byLower.endsWith("gmail.com") || byLower.endsWith("googlemail.com")) {
            return MtaFamily.GMAIL;
        }
        if (softwareLower.startsWith("communigate pro")) {
            return MtaFamily.COMMUNIGATE;
        }
        if (softwareLower.startsWith("qmail") || withLower.startsWith("qmail-") || preambleStartsWith(s, "qmail ")) {
            return MtaFamily.QMAIL;
        }
        if (looksLikeSendmailVersion(software)) {
            return MtaFamily.SENDMAIL;
        }
        String idComment = firstCommentOf(s, s.clause(ReceivedSyntax.ID));
        if (idComment != null && idComment.toLowerCase(Locale.ROOT).contains("verify=")
            && TlsClause.read(idComment).dialect == TlsClause.Dialect.KEY_VALUE) {
            return MtaFamily.SENDMAIL;
        }
        return MtaFamily.OTHER;
    }

    // Sendmail writes "(8.14.9/8.14.9)" or "(8.17.1.9/8.17.1.9/Debian-2)" after the by-host.
    private static boolean looksLikeSendmailVersion(String comment) {
        if (comment == null) {
            return false;
        }
        int slash = comment.indexOf('/');
        return slash > 2 && Character.isDigit(comment.charAt(0)) && comment.charAt(1) == '.'
            && Character.isDigit(comment.charAt(slash - 1));
    }

    private static final class FamilyReading {
        final TlsStatus status;
        final TlsClause clause;
        final MtaFamily family;

        FamilyReading(TlsStatus status, TlsClause clause, MtaFamily family) {
            this.status = status;
            this.clause = clause;
            this.family = family;
        }
    }

    private static FamilyReading readTls(MtaFamily family, ReceivedSyntax s, FromPart from, ReceivedSyntax.Clause withClause,
                                         String keyword, List<String> evidence) {
        // Every top-level comment that names TLS, wherever it is; a family must account for all of them.
        List<Integer> tlsComments = tlsLookingComments(s);
        boolean tlsKeyword = isTlsKeyword(keyword);
        int tlsClauseValue = s.valueOf(s.clause(ReceivedSyntax.TLS));
        String tlsSuite = tlsClauseValue < 0 ? null : s.text(tlsClauseValue);
        if (s.has(ReceivedSyntax.TLS) && tlsSuite == null) {
            return unknown(family);
        }
        int placed;
        switch (family) {
            case POSTFIX:
            case OTHER:
                placed = afterAddressComment(s, from);
                if (placed < 0 && family == MtaFamily.OTHER) {
                    // An unknown writer may put client text anywhere after by; only its own software comment is placed.
                    placed = firstPlaced(s, tlsComments, ReceivedSyntax.BY);
                }
                return decide(family, s, tlsComments, placed, tlsKeyword, tlsSuite, false, evidence, keyword);
            case JAMES_3_8:
                return readJames(s, from, tlsComments, keyword, tlsKeyword, tlsSuite, evidence);
            case EXIM:
                placed = firstCommentIndex(s, withClause);
                return decide(family, s, tlsComments, placed, tlsKeyword, tlsSuite, false, evidence, keyword);
            case EXCHANGE:
                placed = exchangeComment(s, withClause);
                return decide(family, s, tlsComments, placed, tlsKeyword, tlsSuite, false, evidence, keyword);
            case SENDMAIL:
                placed = firstCommentIndex(s, s.clause(ReceivedSyntax.ID));
                return decide(family, s, tlsComments, placed, tlsKeyword, tlsSuite, false, evidence, keyword);
            case OPENSMTPD:
                placed = firstCommentIndex(s, s.clause(ReceivedSyntax.ID));
                return decide(family, s, tlsComments, placed, tlsKeyword, tlsSuite, true, evidence, keyword);
            case GMAIL:
                placed = firstPlaced(s, tlsComments, ReceivedSyntax.ID, ReceivedSyntax.FOR);
                return decide(family, s, tlsComments, placed, tlsKeyword, tlsSuite, true, evidence, keyword);
            case QMAIL:
                placed = qmailComment(s, withClause);
                return decide(family, s, tlsComments, placed, tlsKeyword, tlsSuite, false, evidence, keyword);
            default:
                return decide(family, s, tlsComments, -1, tlsKeyword, tlsSuite, false, evidence, keyword);
        }
    }

    /**
     * The common decision once the family's position is known: the TLS comments found must be exactly the one in
     * that position; an RFC 8314 {@code tls} clause must agree with an RFC 3848 keyword; a family that always
     * writes an S keyword with TLS ({@code keywordRequired}) must have written it.
     */
    private static FamilyReading decide(MtaFamily family, ReceivedSyntax s, List<Integer> tlsComments, int placed,
                                        boolean tlsKeyword, String tlsSuite, boolean keywordRequired,
                                        List<String> evidence, String keyword) {
        boolean positioned = placed >= 0 && tlsComments.size() == 1 && tlsComments.get(0) == placed;
        if (!tlsComments.isEmpty() && !positioned) {
            return unknown(family);
        }
        TlsClause clause = positioned ? TlsClause.read(s.inner(placed)) : TlsClause.NONE;
        boolean protocolOnly = clause.dialect == TlsClause.Dialect.PROTOCOL_ONLY;
        if (tlsSuite != null && !tlsKeyword) {
            return unknown(family);
        }
        if (positioned && keywordRequired && !tlsKeyword) {
            return unknown(family);
        }
        if (protocolOnly && !tlsKeyword && tlsSuite == null) {
            return unknown(family);
        }
        if (positioned || tlsKeyword) {
            if (positioned) {
                evidence.add(s.text(placed));
                if (family == MtaFamily.POSTFIX || family == MtaFamily.OTHER) {
                    CertificateClaim claim = TlsClause.certificateComment(commentAfter(s, placed));
                    if (claim != CertificateClaim.UNKNOWN) {
                        clause.certificate = claim;
                    }
                }
            }
            if (tlsKeyword) {
                evidence.add("with " + withWords(s, s.clause(ReceivedSyntax.WITH)));
            }
            if (tlsSuite != null) {
                evidence.add("tls " + tlsSuite);
                clause = withSuite(clause, tlsSuite);
            }
            return new FamilyReading(TlsStatus.YES, clause, family);
        }
        return new FamilyReading(isPlainSmtpKeyword(keyword) || family == MtaFamily.EXCHANGE && keyword.startsWith("MICROSOFT SMTP SERVER")
            ? TlsStatus.NO : TlsStatus.UNKNOWN, TlsClause.NONE, family);
    }

    /**
     * James and this project: {@code from name (EHLO helo) ([addr]) (using ...) (certificate comment) by ... (JAMES
     * SMTP Server) with ESMTPS ID x for <rcpt> tls SUITE}. James up to 3.8 never records TLS; 3.9 adds the
     * {@code using} comment and {@code ESMTPS}; this project adds the {@code tls} clause and, when the client
     * presented a certificate, the certificate comment (before 3 Dec 2026 also {@code (no client certificate
     * presented)}). After HELO it writes {@code with SMTP}, so there the {@code using} comment and the clause must
     * both be present and agree.
     */
    private static FamilyReading readJames(ReceivedSyntax s, FromPart from, List<Integer> tlsComments, String keyword,
                                           boolean tlsKeyword, String tlsSuite, List<String> evidence) {
        int placed = afterAddressComment(s, from);
        boolean positioned = placed >= 0 && tlsComments.size() == 1 && tlsComments.get(0) == placed;
        if (!tlsComments.isEmpty() && !positioned || tlsSuite != null && !positioned) {
            return unknown(MtaFamily.JAMES_3_8);
        }
        if (!positioned) {
            if (tlsKeyword) {
                // The recorder's own RFC 3848 keyword, with no TLS comment anywhere: TLS, details unknown.
                evidence.add("with " + withWords(s, s.clause(ReceivedSyntax.WITH)));
                return new FamilyReading(TlsStatus.YES, TlsClause.NONE, MtaFamily.JAMES_3_9);
            }
            return new FamilyReading(TlsStatus.UNKNOWN, TlsClause.NONE, MtaFamily.JAMES_3_8);
        }
        TlsClause clause = TlsClause.read(s.inner(placed));
        if (clause.dialect != TlsClause.Dialect.USING) {
            return unknown(MtaFamily.JAMES_3_8);
        }
        String certificate = commentAfter(s, placed);
        boolean ownCertificateComment = certificate != null && TlsClause.isOwnCertificateComment(certificate);
        // Since 3 Dec 2026 this project writes the certificate comment only when a certificate was presented; without
        // it, the RFC 8314 tls clause (which James never writes) tells its line from James 3.9's. Either mark is
        // written by the server, never client text: the HELO and the recipient are neutralised before they reach
        // the line, and a stock James line they could shape still needs the S keyword or both marks.
        boolean ours = ownCertificateComment || certificate == null && tlsSuite != null;
        boolean suiteAgrees = tlsSuite == null || tlsSuite.equalsIgnoreCase(clause.cipher);
        boolean heloWithTls = ours && tlsSuite != null && keyword.equals("SMTP");
        if (!suiteAgrees || !tlsKeyword && !heloWithTls || tlsSuite != null && !ours) {
            return unknown(MtaFamily.JAMES_3_8);
        }
        evidence.add(s.text(placed));
        if (ownCertificateComment) {
            evidence.add(s.text(s.tokenAfter(placed)));
            clause.certificate = TlsClause.certificateComment(certificate);
        } else if (ours) {
            clause.certificate = CertificateClaim.NOT_PRESENTED;
        }
        evidence.add("with " + withWords(s, s.clause(ReceivedSyntax.WITH)));
        if (tlsSuite != null) {
            evidence.add("tls " + tlsSuite);
        }
        return new FamilyReading(TlsStatus.YES, clause, ours ? MtaFamily.TLS_PROVENANCE : MtaFamily.JAMES_3_9);
    }

    private static FamilyReading unknown(MtaFamily family) {
        return new FamilyReading(TlsStatus.UNKNOWN, TlsClause.NONE, family);
    }

    private static TlsClause withSuite(TlsClause clause, String suite) {
        TlsClause c = clause.found() ? clause : TlsClause.read("TLS");
        if (c.cipher == null || c.dialect == TlsClause.Dialect.PROTOCOL_ONLY) {
            c.cipher = suite;
        }
        return c;
    }

    // ---------------------------------------------------------------- positions

    /**
     * Top-level comments that read as a TLS clause in any dialect, except those holding client text by
     * construction: a comment with the HELO ({@code (EHLO ...)}, {@code helo=}) and {@code (envelope-from ...)}; those
     * can never be a TLS position either. Client text that escaped its comment is top-level, so it counts here.
     */
    private static List<Integer> tlsLookingComments(ReceivedSyntax s) {
        List<Integer> found = null;
        for (int t = 0; t < s.tokenCount(); t++) {
            if (s.type(t) != ReceivedSyntax.COMMENT) {
                continue;
            }
            String inner = s.inner(t);
            if (inner.regionMatches(true, 0, "envelope-", 0, 9)) {
                continue;
            }
            if (FromPart.heloMarker(inner) >= 0) {
                // A comment carrying the client's greeting, wherever a writer puts it, is the client's text.
                continue;
            }
            if (quickTlsHint(inner) && TlsClause.read(inner).found()) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(t);
            }
        }
        return found == null ? List.of() : found;
    }

    /** A cheap filter before the dialect readers: every dialect names TLS, SSL, a cipher or "encrypted". */
    private static boolean quickTlsHint(String inner) {
        for (int i = 0; i + 3 <= inner.length(); i++) {
            char c = (char) (inner.charAt(i) | 0x20);
            if ((c == 't' || c == 's') && inner.regionMatches(true, i + 1, c == 't' ? "LS" : "SL", 0, 2)) {
                return true;
            }
            if (c == 'v' && inner.regionMatches(true, i, "version=", 0, 8)) {
                return true;
            }
            if (c == 'e' && inner.regionMatches(true, i, "encrypted", 0, 9)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Postfix's position: the from-clause comment right after its only address comment, when the HELO was one word
     * (the first) and no other word or literal follows it.
     */
    private static int afterAddressComment(ReceivedSyntax s, FromPart from) {
        if (from.addressComment < 0 || from.addressComments != 1 || from.extraWords) {
            return -1;
        }
        if (!isPlainAddressComment(s.inner(from.addressComment))) {
            // "([addr] helo=...)", "([addr] something)": other text shares the comment (a HELO, an ident answer), so
            // a comment after it may be that text escaping; nothing after it is placed.
            return -1;
        }
        int next = s.tokenAfter(from.addressComment);
        ReceivedSyntax.Clause fromClause = s.clause(ReceivedSyntax.FROM);
        return next >= 0 && s.isCommentOf(next, fromClause) ? next : -1;
    }

    /**
     * Exactly {@code [addr]} or {@code name [addr]}, not even a space more: what Postfix and James write for the
     * connecting address. A writer that appends client text inside that comment leaves a space before the
     * parenthesis however the text tries to close it early.
     */
    private static boolean isPlainAddressComment(String inner) {
        String t = inner;
        if (!t.endsWith("]")) {
            return false;
        }
        int open = t.indexOf('[');
        return open >= 0 && t.indexOf(']') == t.length() - 1 && (open == 0 || t.indexOf(' ') == open - 1);
    }

    private static String commentAfter(ReceivedSyntax s, int t) {
        int next = s.tokenAfter(t);
        return next >= 0 && s.type(next) == ReceivedSyntax.COMMENT && s.clauseOf(next) == s.clauseOf(t) ? s.inner(next) : null;
    }

    /**
     * The comment directly after a clause's value ({@code id X (version=...)}, {@code with esmtps (TLS1.3)},
     * {@code by host (Postfix)}); -1 when the value is followed by anything else, e.g. Haraka's
     * {@code id X envelope-from <client text> (...)}.
     */
    private static int firstCommentIndex(ReceivedSyntax s, ReceivedSyntax.Clause c) {
        int value = s.valueOf(c);
        if (value < 0 || value + 1 >= c.end) {
            return -1;
        }
        return s.type(value + 1) == ReceivedSyntax.COMMENT ? value + 1 : -1;
    }

    private static String firstCommentOf(ReceivedSyntax s, ReceivedSyntax.Clause c) {
        int t = firstCommentIndex(s, c);
        return t < 0 ? null : s.inner(t);
    }

    /** The first TLS comment that is the first comment of one of these clauses (the for-clause only after an angle address). */
    private static int firstPlaced(ReceivedSyntax s, List<Integer> tlsComments, byte... kinds) {
        for (byte kind : kinds) {
            ReceivedSyntax.Clause c = s.clause(kind);
            int t = firstCommentIndex(s, c);
            if (t < 0 || !tlsComments.contains(t)) {
                continue;
            }
            if (kind == ReceivedSyntax.FOR && s.type(s.valueOf(c)) != ReceivedSyntax.ANGLE) {
                continue;
            }
            return t;
        }
        return -1;
    }

    /** {@code with Microsoft SMTP Server (version=..., cipher=...)}: the comment right after the three words. */
    private static int exchangeComment(ReceivedSyntax s, ReceivedSyntax.Clause with) {
        if (with == null) {
            return -1;
        }
        int t = with.keyword + 4;
        return t < with.end && s.type(t) == ReceivedSyntax.COMMENT && s.type(t - 1) == ReceivedSyntax.WORD ? t : -1;
    }

    /** qmail's TLS patch: {@code with (DHE-RSA-AES256-SHA encrypted) SMTP}. */
    private static int qmailComment(ReceivedSyntax s, ReceivedSyntax.Clause with) {
        return with != null && with.keyword + 1 < with.end && s.type(with.keyword + 1) == ReceivedSyntax.COMMENT
            ? with.keyword + 1 : -1;
    }

    private static boolean preambleStartsWith(ReceivedSyntax s, String prefix) {
        for (int t = 0; t < s.preambleEnd(); t++) {
            if (s.type(t) == ReceivedSyntax.COMMENT && s.inner(t).regionMatches(true, 0, prefix, 0, prefix.length())) {
                return true;
            }
        }
        return false;
    }

    private static String withWords(ReceivedSyntax s, ReceivedSyntax.Clause with) {
        if (with == null) {
            return null;
        }
        StringBuilder words = null;
        int n = 0;
        for (int t = with.keyword + 1; t < with.end && n < 4; t++) {
            if (s.type(t) == ReceivedSyntax.WORD) {
                if (words == null) {
                    words = new StringBuilder();
                } else {
                    words.append(' ');
                }
                words.append(s.line, s.start(t), s.end(t));
                n++;
            } else if (s.type(t) != ReceivedSyntax.COMMENT) {
                break;
            }
        }
        return words == null ? null : words.toString();
    }

    /** Exchange writes the recorder's address as a comment after the by-host: {@code by host (10.2.3.4)}. */
    private static String byAddress(ReceivedSyntax s) {
        ReceivedSyntax.Clause by = s.clause(ReceivedSyntax.BY);
        if (by == null) {
            return null;
        }
        List<String> comments = new ArrayList<>(2);
        for (int t = by.keyword + 1; t < by.end && comments.size() < 4; t++) {
            if (s.type(t) == ReceivedSyntax.COMMENT) {
                comments.add(s.inner(t));
            }
        }
        return comments.isEmpty() ? null : Addresses.plainAddress(comments);
    }

    // ---------------------------------------------------------------- applicability

    private static boolean isNetworkSmtp(ReceivedSyntax s, FromPart from, String keyword) {
        if (isNonSmtpKeyword(keyword)) {
            return false;
        }
        if (!keyword.isEmpty() && !keyword.contains("SMTP") && !keyword.contains("LMTP")) {
            // "with local", "with scanned-ok", "with qmail-scanner-1.20", "with spool", "with ECSTREAM": no SMTP session.
            return false;
        }
        if (preambleStartsWith(s, "qmail ")) {
            // "(qmail 10681 invoked by uid 404)", "(qmail ... invoked from network[...])": qmail-inject and qmail-smtpd's own note.
            return false;
        }
        for (ReceivedSyntax.Clause c : s.clauses()) {
            int value = s.valueOf(c);
            if (c.kind == ReceivedSyntax.BY && value >= 0 && s.text(value).equalsIgnoreCase("uid")) {
                return false;
            }
        }
        if (from.value == null && from.address == null) {
            // "by host (Postfix, from userid 1000) id ...": a local program handed the message over.
            return false;
        }
        if (from.address == null && (from.words.startsWith("pickup service") || "localhost".equalsIgnoreCase(from.value))) {
            // IIS "from mail pickup service by ...", Sendmail "from localhost (user@localhost)": no connection at all.
            return false;
        }
        return true;
    }

    /**
     * A hand-over inside one host: the connection came over loopback (or a local socket, OpenSMTPD's {@code [local]})
     * <em>and</em> the line names the same host on both sides: the client greeted with the by-host's name
     * ({@code from mm2.emwd.com ... by mm2.emwd.com}), or with {@code localhost} or a bare word that is no host name
     * (a content filter re-injecting: {@code from localhost (localhost [127.0.0.1]) by mx (Postfix)}), or the by-host
     * itself is {@code localhost}/a bare word ({@code by IMSVA (Postfix)}), or the recorder's own name for the address
     * is the by-host. Two differently named MTAs talking over loopback are a real hop: that hop counts. Off loopback
     * nothing the client says can make a hop not count.
     */
    static boolean isHandOverInsideOneHost(FromPart from, String by) {
        String address = from.address;
        if (address == null || !Addresses.isLoopback(address)) {
            return false;
        }
        if (address.equals("local")) {
            return true;
        }
        String byHost = hostName(by);
        String helo = hostName(from.helo);
        if (helo != null && (isLocalName(helo) || helo.equalsIgnoreCase(byHost) || isLoopbackLiteral(helo))) {
            return true;
        }
        if (byHost != null && isLocalName(byHost)) {
            return true;
        }
        String reverse = hostName(from.reverseName);
        return reverse != null && reverse.equalsIgnoreCase(byHost);
    }

    private static String hostName(String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static boolean isLocalName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("localhost") || n.startsWith("localhost.") || n.indexOf('.') < 0 && n.indexOf(':') < 0 && !n.startsWith("[");
    }

    private static boolean isLoopbackLiteral(String name) {
        if (!name.startsWith("[")) {
            return false;
        }
        String address = Addresses.addressIn(name);
        return address != null && Addresses.isLoopback(address);
    }

    // ---------------------------------------------------------------- keywords and text

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
}
