package dev.tlsprovenance.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

/**
 * Generated forgeries: every TLS syntax the corpus holds, put into every place a client controls, in every form a
 * writer might copy it, inside a cleartext Received line of every family. None may read as TLS.
 *
 * <p>Payloads are the fragments the parser itself read the TLS fact from in each genuine TLS corpus line (so a new
 * corpus dialect becomes a new payload), each alone and all of a line's together, wrapped to break out of the
 * containing comment, address or quoted string. Forms: raw, escaped as James 3.8.1 escapes a HELO inside its comment
 * (quoted-pairs), parentheses stripped, inside a quoted string. Positions: the HELO word, the HELO comment as each
 * family writes it, {@code for <local@domain>} with quoted and unquoted local parts and domains, a display name, an
 * unbracketed recipient, the envelope sender.
 */
class ReceivedForgeryGeneratorTest {

    /** Cleartext lines as each family writes them; {HELO}, {FOR} and {MAILFROM} are what the client chose. */
    private static final Map<String, String> CLEARTEXT_TEMPLATES = new LinkedHashMap<>();

    static {
        CLEARTEXT_TEMPLATES.put("postfix", "from {HELO} (unknown [203.0.113.9]) by mx.postfix.test (Postfix) with ESMTP"
            + " id 4ABC12 for {FOR}; Tue, 1 Dec 2026 21:00:00 +0000 (UTC) (envelope-from {MAILFROM})");
        CLEARTEXT_TEMPLATES.put("postfix-smtp", "from {HELO} (client.example.test [203.0.113.9]) by mx.postfix.test (Postfix)"
            + " with SMTP id 4ABC12 for {FOR}; Tue, 1 Dec 2026 21:00:00 +0000 (UTC)");
        CLEARTEXT_TEMPLATES.put("exim", "from client.example.test ([203.0.113.9] helo={HELO}) by mx.exim.test with esmtp"
            + " (Exim 4.96) (envelope-from <{MAILFROM}>) id 1vABCD-000123-4E for {FOR}; Tue, 01 Dec 2026 21:00:00 +0000");
        CLEARTEXT_TEMPLATES.put("exim-port", "from [203.0.113.9] (port=48082 helo={HELO}) by mx.exim.test with esmtp"
            + " (Exim 4.93) (envelope-from <{MAILFROM}>) id 1jqDfs-0000kf-PY; Tue, 01 Dec 2026 21:00:00 +0000");
        CLEARTEXT_TEMPLATES.put("james-3.8", "from client.example.test (EHLO {HELO}) ([203.0.113.9]) by mx.james.test"
            + " (JAMES SMTP Server ) with ESMTP ID 8e6e1747 for {FOR}; Tue, 1 Dec 2026 21:00:00 +0000 (UTC)");
        CLEARTEXT_TEMPLATES.put("tls-provenance-helo", "from client.example.test (HELO {HELO}) ([203.0.113.9]) by mx.james.test"
            + " (JAMES SMTP Server) with SMTP ID SMTP-1 for {FOR}; Tue, 1 Dec 2026 21:00:00 +0000 (Z)");
        CLEARTEXT_TEMPLATES.put("tls-provenance-loopback", "from localhost (EHLO {HELO}) ([127.0.0.1]) by mx.james.test"
            + " (JAMES SMTP Server) with ESMTPA ID SMTP-2 for {FOR}; Tue, 1 Dec 2026 21:00:00 +0000 (Z)");
        CLEARTEXT_TEMPLATES.put("sendmail", "from {HELO} (client.example.test [203.0.113.9]) (authenticated bits=0) by"
            + " mx.sendmail.test (8.17.1/8.17.1) with ESMTP id 4B1LI0x5012345 for {FOR}; Tue, 1 Dec 2026 21:00:00 +0000");
        CLEARTEXT_TEMPLATES.put("exchange", "from {HELO} (203.0.113.9) by EX01.example.test (10.0.0.5) with Microsoft SMTP"
            + " Server id 15.20.7452.50 via Frontend Transport; Tue, 1 Dec 2026 21:00:00 +0000");
        CLEARTEXT_TEMPLATES.put("gmail", "from {HELO} ([203.0.113.9]) by mx.google.com with SMTP id x12si345 for {FOR};"
            + " Tue, 01 Dec 2026 13:00:00 -0800 (PST)");
        CLEARTEXT_TEMPLATES.put("opensmtpd", "from {HELO} (client.example.test [203.0.113.9]) by mx.opensmtpd.test (OpenSMTPD)"
            + " with ESMTP id 1a2b3c4d for {FOR}; Tue, 1 Dec 2026 21:00:00 +0000 (UTC)");
        CLEARTEXT_TEMPLATES.put("qmail", "from unknown (HELO {HELO}) (203.0.113.9) (envelope-sender <{MAILFROM}>) by"
            + " mx.qmail.test (qmail-ldap-1.03) with SMTP for {FOR}; 1 Dec 2026 21:00:00 -0000");
        CLEARTEXT_TEMPLATES.put("vger", "from client.example.test ([203.0.113.9]:35598 \"EHLO {HELO}\" rhost-flags-OK-OK-OK-OK)"
            + " by vger.example.test with ESMTP id S229814AbjEHCo4 (ORCPT <rfc822;bob@example.test>); Tue, 1 Dec 2026 16:00:00 -0500");
        CLEARTEXT_TEMPLATES.put("communigate", "from [203.0.113.9] (account {MAILFROM} HELO {HELO}) by mx.cgp.test"
            + " (CommuniGate Pro SMTP 6.3.1) with SMTP id 123456 for {FOR}; Tue, 01 Dec 2026 21:00:00 +0000");
        CLEARTEXT_TEMPLATES.put("haraka", "from {HELO} (client.example.test [203.0.113.9]) by mx.haraka.test (Haraka/3.0.3)"
            + " with ESMTP id 5F1A2B3C.1 envelope-from <{MAILFROM}>; Tue, 01 Dec 2026 21:00:00 +0000");
        CLEARTEXT_TEMPLATES.put("unknown-writer", "from {HELO} (client.example.test [203.0.113.9]) by mx.other.test with ESMTP"
            + " id 77AB for {FOR} envelope-from <{MAILFROM}>; Tue, 01 Dec 2026 21:00:00 +0000");
        CLEARTEXT_TEMPLATES.put("unknown-writer-helo-in-address-comment", "from client.example.test ([203.0.113.9] {HELO})"
            + " by mx.other.test with ESMTP id 77AC; Tue, 01 Dec 2026 21:00:00 +0000");
        CLEARTEXT_TEMPLATES.put("unknown-writer-helo-after-by", "from client.example.test ([203.0.113.9]) by mx.other.test"
            + " (helo {HELO}) with ESMTP id 77AD for {FOR}; Tue, 01 Dec 2026 21:00:00 +0000");
        CLEARTEXT_TEMPLATES.put("exim-for", "from client.example.test ([203.0.113.9]) by mx.exim.test with esmtp (Exim 4.96)"
            + " id 1vABCD-000123-4E for {FOR} (envelope-from <{MAILFROM}>); Tue, 01 Dec 2026 21:00:00 +0000");
        CLEARTEXT_TEMPLATES.put("loopback-mta", "from {HELO} (localhost [127.0.0.1]) by mx.postfix.test (Postfix) with ESMTP"
            + " id 7C2D for {FOR}; Tue, 1 Dec 2026 21:00:00 +0000 (UTC)");
    }

    /** Where a client's text goes: placeholder values built from a payload. */
    private static final Map<String, UnaryOperator<String>[]> POSITIONS = new LinkedHashMap<>();

    @SafeVarargs
    private static void position(String name, UnaryOperator<String>... helo4for4from) {
        POSITIONS.put(name, helo4for4from);
    }

    static {
        UnaryOperator<String> defaultHelo = p -> "client.example.test";
        UnaryOperator<String> defaultFor = p -> "<bob@example.test>";
        UnaryOperator<String> defaultFrom = p -> "alice@example.test";
        position("helo word", p -> p, defaultFor, defaultFrom);
        position("helo after a name", p -> "client.example.test " + p, defaultFor, defaultFrom);
        position("helo before a name", p -> p + " client.example.test", defaultFor, defaultFrom);
        position("rcpt local part", defaultHelo, p -> "<" + p + "@example.test>", defaultFrom);
        position("rcpt quoted local part", defaultHelo, p -> "<\"" + p + "\"@example.test>", defaultFrom);
        position("rcpt domain", defaultHelo, p -> "<bob@" + p + ">", defaultFrom);
        position("rcpt display name", defaultHelo, p -> "\"" + p + "\" <bob@example.test>", defaultFrom);
        position("rcpt unbracketed", defaultHelo, p -> p + "@example.test", defaultFrom);
        position("envelope sender", defaultHelo, defaultFor, p -> p + "@example.test");
        position("envelope sender quoted", defaultHelo, defaultFor, p -> "\"" + p + "\"@example.test");
    }

    /** How a writer may copy the client's text. */
    private static final Map<String, UnaryOperator<String>> FORMS = new LinkedHashMap<>();

    static {
        FORMS.put("raw", p -> p);
        FORMS.put("quoted-pairs (James 3.8.1)", p -> p.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"));
        FORMS.put("parentheses stripped", p -> p.replace("(", "").replace(")", ""));
        FORMS.put("quoted string", p -> "\"" + p.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }

    /** Wrappers that try to end the containing comment, quoted string, address or literal, or the whole clause list. */
    private static final List<UnaryOperator<String>> BREAKOUTS = List.of(
        p -> p,
        p -> ") " + p + " (",
        p -> "> " + p + " <",
        p -> "\" " + p + " \"",
        p -> "] " + p + " [",
        p -> ") by mx.example.test with ESMTPS " + p + " (",
        p -> "; " + p);

    static Set<String> payloads() {
        Set<String> payloads = new LinkedHashSet<>();
        for (ReceivedCorpus.Case c : ReceivedCorpus.cases()) {
            if (!"yes".equals(c.expected.get("tls"))) {
                continue;
            }
            List<String> evidence = ReceivedLineParser.read(c.received).evidence;
            payloads.addAll(evidence);
            payloads.add(String.join(" ", evidence));
        }
        // The RFC 3848 and RFC 8314 words on their own, as a client would type them.
        payloads.add("with ESMTPS");
        payloads.add("tls TLS_AES_256_GCM_SHA384");
        payloads.add("version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256");
        payloads.add("version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=OK");
        return payloads;
    }

    @Test
    void everyTlsLineOfTheCorpusYieldsEvidenceToForge() {
        long tlsLines = ReceivedCorpus.cases().stream().filter(c -> "yes".equals(c.expected.get("tls"))).count();
        for (ReceivedCorpus.Case c : ReceivedCorpus.cases()) {
            if ("yes".equals(c.expected.get("tls"))) {
                ReceivedLineParser.Reading reading = ReceivedLineParser.read(c.received);
                assertThat(reading.hop.tls()).as(c.toString()).isEqualTo(TlsStatus.YES);
                assertThat(reading.evidence).as(c.toString()).isNotEmpty();
            }
        }

        assertThat(tlsLines).isGreaterThanOrEqualTo(50);
        assertThat(payloads()).anySatisfy(p -> assertThat(p).startsWith("(using "))
            .anySatisfy(p -> assertThat(p).startsWith("(version=TLS1_2, cipher="))
            .anySatisfy(p -> assertThat(p).matches("\\(TLSv1\\.3:.*:256:NO\\)"))
            .anySatisfy(p -> assertThat(p).startsWith("(version=TLS1_3 cipher="))
            .anySatisfy(p -> assertThat(p).contains("verify=OK"))
            .anySatisfy(p -> assertThat(p).isEqualTo("with esmtps"))
            .anySatisfy(p -> assertThat(p).startsWith("tls TLS_"))
            .anySatisfy(p -> assertThat(p).isEqualTo("(TLS)"))
            .anySatisfy(p -> assertThat(p).endsWith(" encrypted)"));
    }

    @Test
    void noClientControlledPositionInAnyFamilyMakesACleartextHopTls() {
        Set<String> payloads = payloads();
        List<String> forged = new ArrayList<>();
        long lines = 0;
        long cleartext = 0;
        for (Map.Entry<String, String> template : CLEARTEXT_TEMPLATES.entrySet()) {
            assertThat(ReceivedLineParser.parse(fill(template.getValue(), "client.example.test", "<bob@example.test>",
                "alice@example.test")).tls()).as("the %s template itself", template.getKey()).isNotEqualTo(TlsStatus.YES);
            for (String payload : payloads) {
                for (UnaryOperator<String> breakout : BREAKOUTS) {
                    String wrapped = breakout.apply(payload);
                    for (Map.Entry<String, UnaryOperator<String>> form : FORMS.entrySet()) {
                        String text = form.getValue().apply(wrapped);
                        for (Map.Entry<String, UnaryOperator<String>[]> position : POSITIONS.entrySet()) {
                            UnaryOperator<String>[] place = position.getValue();
                            String line = fill(template.getValue(), place[0].apply(text), place[1].apply(text), place[2].apply(text));
                            Hop hop = ReceivedLineParser.parse(line);
                            lines++;
                            if (hop.tls() == TlsStatus.NO) {
                                cleartext++;
                            }
                            if (hop.tls() == TlsStatus.YES && forged.size() < 25) {
                                forged.add(template.getKey() + " / " + position.getKey() + " / " + form.getKey() + ": " + line);
                            }
                        }
                    }
                }
            }
        }

        assertThat(forged).as("cleartext lines read as TLS").isEmpty();
        assertThat(lines).isGreaterThan(100_000);
        // Most forgeries leave the line readable: the family's own words still say cleartext.
        assertThat(cleartext).isGreaterThan(lines / 4);
    }

    @Test
    void ourOwnLineStillReadsAsTlsWhenTheHeloIsHostileAndEscapedOrNeutralised() {
        String hostile = "x) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) (no client certificate presented";
        List<String> helos = List.of(
            FORMS.get("quoted-pairs (James 3.8.1)").apply(hostile),
            FORMS.get("parentheses stripped").apply(hostile),
            hostile.replaceAll("[^A-Za-z0-9.-]", "_"),
            hostile.replace("(", "%28").replace(")", "%29").replace(" ", "%20"));
        // before 3 Dec 2026 our line said "(no client certificate presented)"; since then it says nothing
        List<String> lines = new ArrayList<>();
        for (String helo : helos) {
            for (String certificateComment : List.of(" (no client certificate presented)", "")) {
                lines.add("from client.example.test (EHLO " + helo + ") ([192.0.2.10]) (using TLSv1.2 with cipher"
                    + " ECDHE-RSA-AES128-GCM-SHA256 (128/128 bits))" + certificateComment + " by mx.james.test"
                    + " (JAMES SMTP Server) with ESMTPS ID SMTP-9 for <\"odd (local) part\"@example.test>"
                    + " tls ECDHE-RSA-AES128-GCM-SHA256; Tue, 1 Dec 2026 21:00:00 +0000 (Z)");
            }
        }
        for (String line : lines) {
            Hop hop = ReceivedLineParser.parse(line);

            assertThat(hop.tls()).as(line).isEqualTo(TlsStatus.YES);
            assertThat(hop.family()).isEqualTo(MtaFamily.TLS_PROVENANCE);
            assertThat(hop.protocol()).contains("TLSv1.2");
            assertThat(hop.cipherIana()).contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
            assertThat(hop.clientCertificate()).isEqualTo(CertificateClaim.NOT_PRESENTED);
            assertThat(hop.fromAddress()).contains("192.0.2.10");
        }
    }

    @Test
    void aJamesLineWithTheTlsClauseButAStrangeCommentAfterTheTlsCommentIsUnknown() {
        // Our line has nothing or our certificate comment after (using ...); anything else is not ours.
        for (String comment : List.of("(client did not present a certificate)", "(x)", "(verified yes)")) {
            String line = "from client.example.test (EHLO client.example.test) ([192.0.2.10]) (using TLSv1.3 with cipher"
                + " TLS_AES_256_GCM_SHA384 (256/256 bits)) " + comment + " by mx.james.test (JAMES SMTP Server) with ESMTPS"
                + " ID SMTP-9 for <bob@example.test> tls TLS_AES_256_GCM_SHA384; Tue, 1 Dec 2026 21:00:00 +0000 (Z)";

            assertThat(ReceivedLineParser.parse(line).tls()).as(line).isEqualTo(TlsStatus.UNKNOWN);
        }
    }

    @Test
    void conflictingOrMisplacedTlsCommentsAreUnknownNeverYes() {
        String twoUsing = "from a.example.test (a.example.test [192.0.2.1]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384"
            + " (256/256 bits)) (using TLSv1.0 with cipher RC4-MD5 (128/128 bits)) by mx.example.test (Postfix) with ESMTPS"
            + " id 1; Tue, 1 Dec 2026 21:00:00 +0000";
        String beforeAddress = "from a.example.test (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))"
            + " (a.example.test [192.0.2.1]) by mx.example.test (Postfix) with ESMTP id 1; Tue, 1 Dec 2026 21:00:00 +0000";
        String tlsClauseWithoutKeyword = "from a.example.test ([192.0.2.1] helo=a) by mx.example.test with esmtp"
            + " tls TLS_AES_256_GCM_SHA384 (Exim 4.96) id 1; Tue, 1 Dec 2026 21:00:00 +0000";
        String withInsideComment = "from a.example.test (a.example.test [192.0.2.1]) by mx.example.test (with ESMTPS)"
            + " with ESMTP id 1; Tue, 1 Dec 2026 21:00:00 +0000";
        String secondWith = "from a.example.test (a.example.test [192.0.2.1]) by mx.example.test with ESMTPS with ESMTP"
            + " id 1; Tue, 1 Dec 2026 21:00:00 +0000";
        String openSmtpdWithoutS = "from a.example.test (a.example.test [192.0.2.1]) by mx.example.test (OpenSMTPD) with ESMTP"
            + " id 1 (TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO); Tue, 1 Dec 2026 21:00:00 +0000";

        assertThat(ReceivedLineParser.parse(twoUsing).tls()).isEqualTo(TlsStatus.UNKNOWN);
        assertThat(ReceivedLineParser.parse(beforeAddress).tls()).isEqualTo(TlsStatus.UNKNOWN);
        assertThat(ReceivedLineParser.parse(tlsClauseWithoutKeyword).tls()).isEqualTo(TlsStatus.UNKNOWN);
        assertThat(ReceivedLineParser.parse(withInsideComment).tls()).isEqualTo(TlsStatus.NO);
        assertThat(ReceivedLineParser.parse(secondWith).tls()).isEqualTo(TlsStatus.UNKNOWN);
        assertThat(ReceivedLineParser.parse(openSmtpdWithoutS).tls()).isEqualTo(TlsStatus.UNKNOWN);
    }

    @Test
    void theRecordersOwnKeywordAloneIsStillBelieved() {
        Hop james = ReceivedLineParser.parse("from client.example.test (EHLO client.example.test) ([192.0.2.10]) by mx.james.test"
            + " (JAMES SMTP Server) with ESMTPS ID 1 for <bob@example.test>; Tue, 1 Dec 2026 21:00:00 +0000");
        Hop postfix = ReceivedLineParser.parse("from a.example.test (a.example.test [192.0.2.1]) by mx.example.test (Postfix)"
            + " with ESMTPSA id 1 for <bob@example.test>; Tue, 1 Dec 2026 21:00:00 +0000");

        assertThat(james.tls()).isEqualTo(TlsStatus.YES);
        assertThat(james.protocol()).isEmpty();
        assertThat(postfix.tls()).isEqualTo(TlsStatus.YES);
    }

    private static String fill(String template, String helo, String forArgument, String mailFrom) {
        return template.replace("{HELO}", helo).replace("{FOR}", forArgument).replace("{MAILFROM}", mailFrom);
    }
}
