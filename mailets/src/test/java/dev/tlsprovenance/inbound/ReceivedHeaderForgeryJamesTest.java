package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.testing.hostile.ForgeryCase;
import dev.tlsprovenance.testing.hostile.ForgeryRun;
import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;

/**
 * Issue 9, forged TLS clauses through a real James 3.8.1 with our Received line: every family's TLS syntax from
 * the verify corpus, in every position a client controls (EHLO/HELO argument; MAIL FROM and RCPT TO local parts,
 * quoted, backslash-escaped and raw, and domains; From and To display names), sent in cleartext on one connection.
 * Each delivered mail, our X-TLS-Provenance stamp stripped, is verified with our host trusted: the hop our James
 * wrote (found by its by-host) is never {@code tls=yes} and the verdict never {@code tls-all-the-way}. A case
 * James refuses passes only when the refusal is 5xx, DATA is refused too, and nothing is delivered. The counts per
 * outcome and position are printed and kept in {@code target/forgery-reports/}.
 */
class ReceivedHeaderForgeryJamesTest {

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withCoreHandlersPackage(TlsProvenanceCoreHandlers.class.getName())
        .withMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.headers.AddTlsProvenanceHeaders\"/>")
        .build();

    @Test
    void noClientControlledTextMakesACleartextHopReadAsTls() throws Exception {
        List<ForgeryCase> cases = ForgeryCase.generate(JamesTestServer.LOCAL_DOMAIN);
        List<ForgeryRun.Sent> sent = ForgeryRun.send("localhost", james.smtpPort(), cases);
        long accepted = sent.stream().filter(ForgeryRun.Sent::accepted).count();

        List<DeliveredMail> delivered = james.awaitDeliveredMails((int) accepted);
        Map<String, String> headersBySubject = delivered.stream()
            .collect(Collectors.toMap(mail -> mail.firstHeader("Subject").orElse(""), DeliveredMail::rawHeaderBlock,
                (first, second) -> first + "\r\nX-Duplicate-Delivery: yes\r\n"));
        List<ForgeryRun.Result> results = ForgeryRun.judge(sent, headersBySubject, List.of(TestPki.SERVER_HOST));
        String summary = ForgeryRun.summary("james cleartext forgeries", results);
        System.out.println(summary);

        assertThat(cases).hasSizeGreaterThan(300);
        assertThat(delivered).as("one delivery per accepted case, nothing else").hasSize((int) accepted);
        assertThat(positionsNeverDelivered(results)).as("James refuses exactly the unquoted specials (501/553), delivers the rest")
            .containsExactlyInAnyOrder(ForgeryCase.Position.MAIL_LOCAL_RAW, ForgeryCase.Position.MAIL_DOMAIN_RAW,
                ForgeryCase.Position.RCPT_LOCAL_RAW, ForgeryCase.Position.RCPT_DOMAIN_RAW);
        assertThat(results.stream().collect(Collectors.groupingBy(r -> r.outcome, Collectors.counting())))
            .as(summary).containsOnlyKeys(ForgeryRun.Outcome.HARMLESS, ForgeryRun.Outcome.REFUSED_5XX);
    }

    private static Set<ForgeryCase.Position> positionsNeverDelivered(List<ForgeryRun.Result> results) {
        Set<ForgeryCase.Position> never = EnumSet.allOf(ForgeryCase.Position.class);
        results.stream().filter(r -> r.sent.accepted()).forEach(r -> never.remove(r.sent.forgery.position));
        return never;
    }
}
