package dev.tlsprovenance.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.outbound.OutboundLogLine;
import dev.tlsprovenance.policy.PolicySource;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * sts-mode, sts-id, sts-policy (ledger only) and the MTA-STS result types: the same words in the ledger line and the log line, read back, over
 * every mode x id x policy result type x kind of attempt (delivered with a passed check, delivered with a failed
 * {@code testing} check, nothing sent after an {@code enforce} failure, delivered without any check).
 */
class StsPolicyFactsTest {
    private static final MailIdentity MAIL = new MailIdentity("Mail-1", Optional.of("<1@test>"), "a@test");

    enum Attempt { PASSED, TESTING_FAILED, ENFORCE_FAILED, UNCHECKED }

    private static TlsProvenance attempt(Attempt kind) {
        CertificateVerification verification;
        switch (kind) {
            case PASSED:
                verification = CertificateVerification.verified("jvm-default", "MTA-STS mx [*.d.test]");
                break;
            case TESTING_FAILED:
                verification = CertificateVerification.failed("jvm-default",
                    "MTA-STS certificate-host-mismatch: no SAN DNS-ID ... (mode testing: not enforced)");
                break;
            case ENFORCE_FAILED:
                verification = CertificateVerification.failed("jvm-default", "MTA-STS certificate-expired: expired");
                break;
            default:
                verification = CertificateVerification.notChecked();
        }
        return TlsProvenance.builder(Direction.OUTBOUND).transport(kind == Attempt.ENFORCE_FAILED ? Transport.NONE : Transport.STARTTLS)
            .localHost("mx.example.org").remoteAddress("192.0.2.7").remoteHost("mx.d.test").nextHop("mx.d.test:25")
            .recipientDomain("d.test").policyLevel("verify").peerVerification(verification).outcome("x").attempt(1)
            .time(Instant.parse("2026-12-02T10:00:00Z")).build();
    }

    @Test
    void everyCombinationRoundTripsWithOneWordPerFact() throws Exception {
        int cases = 0;
        for (Optional<String> mode : List.of(Optional.<String>empty(), Optional.of("enforce"), Optional.of("testing"), Optional.of("none"))) {
            for (Optional<String> policyType : List.of(Optional.<String>empty(), Optional.of("sts-policy-fetch-error"),
                    Optional.of("sts-policy-invalid"), Optional.of("sts-webpki-invalid"))) {
                for (Attempt kind : Attempt.values()) {
                    Optional<String> id = mode.map(m -> "20261202" + m);
                    PolicySource source = mode.filter(m -> !m.equals("none")).isPresent() ? PolicySource.STS : PolicySource.DEFAULT;
                    List<String> policyLines = source == PolicySource.STS
                        ? List.of("version: STSv1", "mode: " + mode.get(), "mx: *.d.test", "max_age: 86400") : List.of();
                    PolicyFacts facts = PolicyFacts.of(PolicySource.DEFAULT, "insecure", List.of())
                        .withSts(source, mode, id, policyLines, policyType);
                    Optional<String> nothingSent = kind == Attempt.ENFORCE_FAILED ? Optional.of("MTA-STS certificate-expired: expired")
                        : Optional.empty();
                    TlsProvenance record = attempt(kind);
                    Optional<String> expected = kind == Attempt.ENFORCE_FAILED ? Optional.of("certificate-expired")
                        : kind == Attempt.TESTING_FAILED ? Optional.of("certificate-host-mismatch") : policyType;
                    String label = mode + " " + policyType + " " + kind;

                    OutboundLedgerLine line = new OutboundLedgerLine(record, nothingSent, MAIL, "built-in default", facts, List.of());
                    String json = line.toJson().toString();
                    assertThat(json).as(label).contains("\"policy-source\":\"" + source.token() + "\"");
                    assertThat(json.contains("\"sts-mode\":\"" + mode.orElse("") + "\"")).as(label).isEqualTo(mode.isPresent());
                    assertThat(json.contains("\"sts-id\":\"" + id.orElse("") + "\"")).as(label).isEqualTo(id.isPresent());
                    assertThat(line.resultType()).as(label).isEqualTo(expected);
                    assertThat(json.contains("\"result-type\":\"" + expected.orElse("") + "\"")).as(label).isEqualTo(expected.isPresent());
                    OutboundLedgerLine back = OutboundLedgerLine.parse(json);
                    assertThat(back.policy().stsMode()).as(label).isEqualTo(mode);
                    assertThat(back.policy().stsId()).as(label).isEqualTo(id);
                    assertThat(json.contains("\"sts-policy\":[\"version: STSv1\",\"mode: " + mode.orElse("") + "\",\"mx: *.d.test\",\"max_age: 86400\"]"))
                        .as(label).isEqualTo(!policyLines.isEmpty());
                    assertThat(back.policy().stsPolicy()).as(label).isEqualTo(policyLines);
                    assertThat(back.resultType()).as(label).isEqualTo(expected);

                    String log = OutboundLogLine.format(record, facts, nothingSent);
                    assertThat(log).as(label).contains(" policy-source=" + source.token());
                    assertThat(log.contains(" sts-mode=" + mode.orElse("") + " ")).as(label).isEqualTo(mode.isPresent());
                    assertThat(log.contains(" sts-id=" + id.orElse(""))).as(label).isEqualTo(id.isPresent());
                    assertThat(log.contains(" result-type=" + expected.orElse(""))).as(label).isEqualTo(expected.isPresent());
                    assertThat(log).as(label + ": the policy's lines are the ledger's, not the log line's").doesNotContain("sts-policy=").doesNotContain("max_age");
                    cases++;
                }
            }
        }
        assertThat(cases).isEqualTo(4 * 4 * 4);
    }
}
