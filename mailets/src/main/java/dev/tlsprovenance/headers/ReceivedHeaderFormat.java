package dev.tlsprovenance.headers;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.TlsProvenance;

/**
 * Formats the value of the {@code Received:} trace header for one inbound SMTP hop, stating the TLS
 * that protected it. Pure: no James or javax.mail types, so the exact text is unit-tested.
 *
 * <p>A TLS hop reads (folded as James folds it, one clause per line):
 * <pre>
 * from localhost (EHLO client.example.test) ([127.0.0.1])
 *           (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))
 *           (client certificate subject "CN=relay.partner.test" issuer "CN=Partner CA" verified yes)
 *           by mx.example.test (JAMES SMTP Server) with ESMTPS ID 2c4f0e3a
 *           for &lt;bob@example.test&gt;
 *           tls TLS_AES_256_GCM_SHA384;
 *           Sun, 29 Nov 2026 10:58:19 +0000 (UTC)
 * </pre>
 * <ul>
 *   <li>{@code with ESMTPS}/{@code ESMTPSA} are the RFC 3848 keywords for TLS (and AUTH).</li>
 *   <li>The {@code (using ... with cipher ... (N/N bits))} comment is the one Postfix writes and James 3.9
 *       writes without the bits, so existing log/header greps keep working.</li>
 *   <li>{@code tls <cipher>} is the RFC 8314 section 4.3 clause; RFC 5321 puts such additional registered
 *       clauses after {@code for}, right before the {@code ;} that introduces the date.</li>
 *   <li>The client certificate comment appears only on TLS hops where the client presented one: its subject and
 *       issuer and whether it was verified. Without it the line says no certificate was presented, as
 *       {@code verify=not-presented} in {@code X-TLS-Provenance} does (until 3 Dec 2026 the line said so in words,
 *       {@code (no client certificate presented)}: 44 bytes on nearly every mail, parsed again in each of the
 *       copies James makes of it; {@code tls-provenance verify} reads both forms).</li>
 * </ul>
 * Checked once by hand with SpamAssassin 4.0.1's Received parser ({@code spamassassin -L -D received-header}) on
 * mail delivered by the in-process James: ip, rdns, helo and by are read from the TLS header as from the stock one.
 *
 * <p>A cleartext hop reads exactly as James 3.8.1 writes it ({@code with ESMTP}/{@code ESMTPA}/{@code SMTP}), so
 * installing the extension changes nothing for cleartext mail. The one difference is hostile client text: the
 * HELO name, the client's host name and the recipient are written through {@link ClientSuppliedText} (characters
 * that could close the comment or the angle brackets, or start a clause, become {@code ?}; control and 8-bit
 * bytes are dropped; the length is bounded), so no client can put a TLS clause of any MTA's syntax into our line.
 * Certificate names keep their quoted-pair escaping inside a quoted string.
 */
public final class ReceivedHeaderFormat {

    /** Continuation indent James uses when folding its Received header. */
    public static final String FOLDING_INDENT = "          ";

    private static final DateTimeFormatter DATE_FORMAT =
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z (zzz)", Locale.US);
    /** Line breaks and tabs a certificate name may hold; they must not reach a header. */
    private static final Pattern LINE_BREAKS_AND_TABS = Pattern.compile("[\\r\\n\\t]+");
    /** Other control characters and anything beyond 7-bit ASCII: a header line stays 7-bit printable. */
    private static final Pattern NOT_PRINTABLE_ASCII = Pattern.compile("[^\\x20-\\x7e]");

    private final String softwareName;
    private final ZoneId zone;
    /**
     * The date text of the last second formatted: a busy listener stamps many mails per second, and the zone-name
     * lookup behind {@code (zzz)} is the dearest part of the header. Immutable pair, so a racing read sees a whole one.
     */
    private volatile FormattedSecond lastDate = new FormattedSecond(Long.MIN_VALUE, "");

    public ReceivedHeaderFormat(String softwareName, ZoneId zone) {
        this.softwareName = Objects.requireNonNull(softwareName, "softwareName");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    public String softwareName() {
        return softwareName;
    }

    /**
     * The header value as folded lines: the first follows {@code "Received: "}, each further line is to be
     * prefixed with {@link #FOLDING_INDENT}.
     *
     * @param heloMode      {@code "EHLO"} or {@code "HELO"} as the client greeted, empty if it never did
     * @param soleRecipient the recipient, only when the transaction has exactly one (no address harvesting)
     */
    public List<String> lines(TlsProvenance hop, Optional<String> heloMode, Optional<String> soleRecipient) {
        List<String> lines = new ArrayList<>();
        lines.add(fromClause(hop, heloMode));
        if (hop.isEncrypted()) {
            lines.add(usingComment(hop));
            hop.peerCertificate().ifPresent(certificate -> lines.add(clientCertificateComment(certificate, hop.peerVerification())));
        }
        lines.add("by " + hop.localHost() + " (" + softwareName + ") with " + withKeyword(hop, heloMode)
            + hop.sessionId().map(id -> " ID " + id).orElse(""));
        soleRecipient.ifPresent(recipient -> lines.add("for <" + ClientSuppliedText.address(recipient) + ">"));
        Optional<String> tlsClause = hop.isEncrypted() ? hop.cipherSuite().map(suite -> "tls " + suite) : Optional.empty();
        tlsClause.ifPresent(lines::add);
        int last = lines.size() - 1;
        lines.set(last, lines.get(last) + ";");
        lines.add(date(hop.time()));
        return List.copyOf(lines);
    }

    private String date(Instant time) {
        FormattedSecond last = lastDate;
        if (last.epochSecond == time.getEpochSecond()) {
            return last.text;
        }
        String text = DATE_FORMAT.format(time.atZone(zone));
        lastDate = new FormattedSecond(time.getEpochSecond(), text);
        return text;
    }

    private static final class FormattedSecond {
        final long epochSecond;
        final String text;

        FormattedSecond(long epochSecond, String text) {
            this.epochSecond = epochSecond;
            this.text = text;
        }
    }

    /** The whole folded value, lines joined with CRLF and the folding indent. */
    public String value(TlsProvenance hop, Optional<String> heloMode, Optional<String> soleRecipient) {
        return String.join("\r\n" + FOLDING_INDENT, lines(hop, heloMode, soleRecipient));
    }

    /** RFC 3848 "with" keyword: SMTP without EHLO; ESMTP plus S for TLS and A for authentication. */
    static String withKeyword(TlsProvenance hop, Optional<String> heloMode) {
        if (!heloMode.map("EHLO"::equalsIgnoreCase).orElse(false)) {
            return "SMTP";
        }
        return "ESMTP" + (hop.isEncrypted() ? "S" : "") + (hop.authenticated() ? "A" : "");
    }

    private static String fromClause(TlsProvenance hop, Optional<String> heloMode) {
        // The reverse-DNS name is the client's too (its own PTR record): the same neutralising as the HELO name.
        StringBuilder from = new StringBuilder("from ")
            .append(hop.remoteHost().filter(host -> !host.isEmpty()).map(ClientSuppliedText::heloName).orElse(hop.remoteAddress()));
        if (heloMode.isPresent() && hop.heloName().isPresent()) {
            from.append(" (").append(heloMode.get()).append(' ').append(ClientSuppliedText.heloName(hop.heloName().get())).append(')');
        }
        return from.append(" ([").append(hop.remoteAddress()).append("])").toString();
    }

    private static String usingComment(TlsProvenance hop) {
        String bits = hop.cipherBits() > 0 ? " (" + hop.cipherBits() + "/" + hop.cipherBits() + " bits)" : "";
        return "(using " + hop.protocol().orElse("unknown") + " with cipher "
            + hop.cipherSuite().orElse("unknown") + bits + ")";
    }

    /**
     * What was done with the client certificate: {@code verified yes} after the trust it was checked against
     * ({@code checked against "private-ca:..."}, the listener's truststore or a namespace rule's CA), {@code verified
     * no} only when a check failed, and {@code presented, not checked by the listener} when nobody checked it (a
     * listener that requests certificates without verifying them, and no namespace rule that did).
     */
    private static String clientCertificateComment(CertificateSummary certificate, CertificateVerification verification) {
        String presented = "(client certificate subject " + quoted(certificate.subject()) + " issuer " + quoted(certificate.issuer());
        switch (verification.status()) {
            case VERIFIED:
                return presented + (verification.trust().isEmpty() ? "" : " checked against " + quoted(verification.trust()))
                    + " verified yes)";
            case FAILED:
                return presented + " verified no)";
            default:
                return presented + " presented, not checked by the listener)";
        }
    }

    /** A quoted string inside a comment: backslash-escape what would end the quote or the comment. */
    private static String quoted(String text) {
        return '"' + commentSafe(text).replace("\"", "\\\"") + '"';
    }

    /**
     * Comment text (RFC 5322 ctext / quoted-pair) on one 7-bit line, whatever a certificate put in it: line breaks
     * become a space, other unprintable characters {@code ?}, and backslashes and parentheses quoted-pairs.
     */
    private static String commentSafe(String text) {
        if (!needsEscaping(text)) {
            return text; // the usual DN: no copy, no regular expression per mail
        }
        String oneLine = LINE_BREAKS_AND_TABS.matcher(text).replaceAll(" ");
        return NOT_PRINTABLE_ASCII.matcher(oneLine).replaceAll("?")
            .replace("\\", "\\\\")
            .replace("(", "\\(")
            .replace(")", "\\)");
    }

    private static boolean needsEscaping(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == '(' || c == ')' || c < 0x20 || c > 0x7e) {
                return true;
            }
        }
        return false;
    }
}
