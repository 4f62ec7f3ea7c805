package dev.tlsprovenance.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code tls} says what a line proves; {@code applicable} says whether the hop counts for the verdict, and is false
 * only for a hand-over inside one host. Loopback alone does not make a hop not count.
 */
class HopApplicabilityTest {
    private static final String DATE = "; Tue, 1 Dec 2026 21:18:24 +0000";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // Two different MTAs on one machine talking over loopback: a real hop, and cleartext.
        "Postfix from James | from mx.james.test (localhost [127.0.0.1]) by mx.postfix.test (Postfix) with ESMTP id 4VKq1 for <bob@partner.test> | no | true",
        "Exim from James | from localhost ([127.0.0.1] helo=mx.james.test) by mx.exim.test with esmtp (Exim 4.96) (envelope-from <a@james.test>) id 1vQ-AB | no | true",
        "Haraka from Postfix | from mx.postfix.test (localhost [127.0.0.1]) by mx.haraka.test (Haraka/3.0.3) with ESMTP id 5F1A envelope-from <a@postfix.test> | no | true",
        "Postfix from Exim over IPv6 loopback | from mx.exim.test (localhost [IPv6:::1]) by mx.postfix.test (Postfix) with ESMTP id 4VKq2 | no | true",
        // A hand-over inside one host: not applicable, TLS not judged.
        "content filter re-injection | from localhost (localhost [127.0.0.1]) by mx.example.test (Postfix) with ESMTP id 4VKq3 | unknown | false",
        "helo is the by-host | from mx.example.test (localhost [127.0.0.1]) by mx.example.test (Postfix) with ESMTP id 4VKq4 | unknown | false",
        "filter named by a bare word | from amavis (localhost [127.0.0.1]) by mx.example.test (Postfix) with ESMTP id 4VKq5 | unknown | false",
        "by-host a bare word | from mx.example.test (unknown [127.0.0.1]) by IMSVA (Postfix) with ESMTP id 4VKq6 | unknown | false",
        "reverse name is the by-host | from pps.filterd (mx.example.test [127.0.0.1]) by mx.example.test (8.17.1/8.17.1) with ESMTP id 2BDJ | unknown | false",
        "OpenSMTPD local socket | from localhost (mx.example.test [local]) by mx.example.test (OpenSMTPD) with ESMTPA id 5db3 | unknown | false",
        // Off loopback, nothing a client says makes its hop not count.
        "remote client greeting with the by-host's name | from mx.example.test (unknown [203.0.113.9]) by mx.example.test (Postfix) with ESMTP id 4VKq7 | no | true",
        "remote client greeting as localhost | from localhost (unknown [203.0.113.9]) by mx.example.test (Postfix) with ESMTP id 4VKq8 | no | true",
        "remote client greeting with a loopback literal to James | from 203.0.113.9 (EHLO [127.0.0.1]) ([203.0.113.9]) by mx.james.test (JAMES SMTP Server) with ESMTP ID 1 for <b@example.test> | unknown | true",
        "remote client claiming qmail's local note | from x.test (x.test [203.0.113.9]) (qmail 1 invoked by uid 0) by mx.example.test (Postfix) with ESMTP id 4VKq9 | no | true"})
    void aHopCountsUnlessItIsAHandOverInsideOneHost(String name, String received, String tls, boolean applicable) {
        Hop hop = ReceivedLineParser.parse(received + DATE);

        assertThat(hop.tls().token()).as("tls").isEqualTo(tls);
        assertThat(hop.applicable()).as("applicable").isEqualTo(applicable);
    }

    @Test
    void aCleartextLoopbackHopBetweenTwoMtasMakesTheVerdictCleartext() {
        HeaderBlock headers = HeaderBlock.parse(
            "Received: from mx.james.test (localhost [127.0.0.1]) by mx.postfix.test (Postfix) with ESMTP id 4VKq1\r\n"
                + "\tfor <bob@partner.test>; Tue, 1 Dec 2026 21:18:25 +0000 (UTC)\r\n"
                + "Received: from client.test (client.test [192.0.2.10]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384\r\n"
                + "\t(256/256 bits)) (No client certificate requested) by mx.james.test (Postfix) with ESMTPS id 4VKq0;\r\n"
                + "\tTue, 1 Dec 2026 21:18:24 +0000 (UTC)\r\n\r\n");

        MessageReport report = new TraceAnalyzer(TrustBoundary.everything()).analyze(headers);

        assertThat(report.verdict()).isEqualTo(Verdict.CLEARTEXT_HOP);
        assertThat(report.note()).isEqualTo("hop 1 (mx.james.test -> mx.postfix.test) was cleartext");
    }
}
