package dev.tlsprovenance.testing.hostile;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Generated forgeries: every MTA family's TLS clause (as the verify corpus holds it, word for word) wrapped in
 * every way a client might try to lift it out of the place where its text lands in a {@code Received:} line.
 * The clause list is checked against the corpus by {@code TlsClauseForgeriesTest}, so a family's syntax added to
 * the corpus and forgotten here is noticed, and every clause is known to read as TLS in its own position.
 */
public final class TlsClauseForgeries {

    /** One family's TLS clause, exactly as that family writes it. */
    public static final class FamilyClause {
        public final String family;
        public final String text;

        FamilyClause(String family, String text) {
            this.family = family;
            this.text = text;
        }

        @Override
        public String toString() {
            return family;
        }
    }

    /** A way of wrapping a clause so that it might escape the client's own context. */
    public static final class Form {
        public final String name;
        private final UnaryOperator<String> wrap;

        Form(String name, UnaryOperator<String> wrap) {
            this.name = name;
            this.wrap = wrap;
        }

        public String apply(String clause) {
            return wrap.apply(clause);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Every family's TLS syntax in {@code received-corpus/received-lines.txt}. */
    public static final List<FamilyClause> FAMILY_CLAUSES = List.of(
        new FamilyClause("postfix", "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))"),
        new FamilyClause("postfix-gateway", "(using TLS: TLSv1.2, AES256-SHA)"),
        new FamilyClause("james-3.9", "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)"),
        new FamilyClause("tls-provenance",
            "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) (no client certificate presented)"),
        new FamilyClause("exchange",
            "with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)"),
        new FamilyClause("exchange-tls", "with Microsoft SMTP Server (TLS)"),
        new FamilyClause("opensmtpd", "(TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO)"),
        new FamilyClause("gmail", "(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256)"),
        new FamilyClause("sendmail", "(version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=OK)"),
        new FamilyClause("exim", "with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384"),
        new FamilyClause("exim-old", "with esmtp (TLSv1:AES256-SHA:256)"),
        new FamilyClause("rfc8314", "tls TLS_AES_256_GCM_SHA384"),
        new FamilyClause("rfc3848", "with ESMTPS"),
        new FamilyClause("qmail", "with (DHE-RSA-AES256-SHA encrypted) SMTP"),
        new FamilyClause("communigate", "(AUTH: LOGIN gork@mydomain.com, SSL: TLSv1/SSLv3,128bits,RC4-MD5)"));

    /** Forms for text that lands inside a comment, e.g. our {@code (EHLO ...)} or after Postfix's {@code from}. */
    public static final List<Form> COMMENT_FORMS = List.of(
        new Form("bare", clause -> clause),
        new Form("closes-comment", clause -> "x.test) " + clause + " (x"),
        new Form("escaped-close", clause -> "x.test\\) " + clause + " \\(x"),
        new Form("ends-clauses", clause -> "x.test) " + clause + "; Sun, 29 Nov 2026 10:15:30 +0000 (x"),
        new Form("whole-line", clause -> "x.test) " + clause + " by mx.james.test (JAMES SMTP Server) with ESMTPS ID 1"
            + " for <bob@james.test> tls TLS_AES_256_GCM_SHA384; Sun, 29 Nov 2026 10:15:30 +0000 (x"));

    /** Forms for text that lands inside {@code <...>} (an address). */
    public static final List<Form> PATH_FORMS = List.of(
        new Form("bare", clause -> clause),
        new Form("closes-path", clause -> "x> " + clause + " <y"),
        new Form("ends-clauses", clause -> "x> " + clause + "; Sun, 29 Nov 2026 10:15:30 +0000 (x"));

    private TlsClauseForgeries() {
    }

    /** Every clause in every form. */
    public static List<String> payloads(List<Form> forms) {
        List<String> payloads = new ArrayList<>();
        for (FamilyClause clause : FAMILY_CLAUSES) {
            for (Form form : forms) {
                payloads.add(form.apply(clause.text));
            }
        }
        return payloads;
    }

    /** An RFC 5321 quoted-string local part holding {@code text}: {@code "} and {@code \} become quoted-pairs. */
    public static String quotedLocalPart(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * An unquoted local part holding {@code text} with every special character backslash-escaped, as James 3.8.1's
     * {@code MailAddress} accepts it ({@code \(using\ TLSv1.3...}).
     */
    public static String escapedLocalPart(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (!(Character.isLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0)) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * {@code text} as a plain dot-atom local part, every character outside atext turned into {@code -}: the form a
     * legitimate address can take ({@code version=TLS1_3-cipher=TLS_AES_256_GCM_SHA384}), no quoting needed.
     */
    public static String atextLocalPart(String text) {
        return text.replaceAll("[^A-Za-z0-9!#$%&'*+/=?^_`{|}~-]", "-");
    }

    /** {@code text} squeezed into a host name James accepts: letters and digits, hyphens between, labels of 40. */
    public static String hostNameOf(String text) {
        String flat = text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        List<String> labels = new ArrayList<>();
        for (int at = 0; at < flat.length(); at += 40) {
            String label = flat.substring(at, Math.min(flat.length(), at + 40)).replaceAll("^-+|-+$", "");
            if (!label.isEmpty()) {
                labels.add(label);
            }
        }
        labels.add("test");
        return String.join(".", labels);
    }
}
