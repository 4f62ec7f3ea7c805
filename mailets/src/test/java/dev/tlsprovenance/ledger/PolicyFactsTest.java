package dev.tlsprovenance.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlsprovenance.outbound.OutboundLogLine;
import dev.tlsprovenance.policy.PolicySource;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.MalformedProvenanceException;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** policy-source, dnssec, tlsa and result-type: the same words in the ledger line and the log line, read back. */
class PolicyFactsTest {
    private static final MailIdentity MAIL = new MailIdentity("Mail-1", Optional.of("<1@test>"), "a@test");
    private static final String TLSA = "3 1 1 " + "AB".repeat(32);

    private static TlsProvenance attempt(CertificateVerification verification, Transport transport) {
        return TlsProvenance.builder(Direction.OUTBOUND).transport(transport).localHost("mx.example.org").remoteAddress("192.0.2.7")
            .remoteHost("mx.d.test").nextHop("mx.d.test:25").recipientDomain("d.test").policyLevel("dane")
            .peerVerification(verification).outcome("x").attempt(1).time(Instant.parse("2026-12-01T10:00:00Z")).build();
    }

    @Test
    void everySourceAndStatusRoundTripsWithTheSameWordsInLedgerAndLog() throws Exception {
        int cases = 0;
        for (PolicySource source : PolicySource.values()) {
            for (String status : List.of("SECURE", "INSECURE", "BOGUS", "INDETERMINATE")) {
                for (List<String> tlsa : List.of(List.<String>of(), List.of(TLSA), List.of(TLSA, "2 0 1 " + "CD".repeat(32)))) {
                    PolicyFacts facts = PolicyFacts.of(source, status, tlsa);
                    TlsProvenance record = attempt(CertificateVerification.failed("dane",
                        "DANE certificate-host-mismatch: leaf names mx.other.test"), Transport.NONE);
                    OutboundLedgerLine line = new OutboundLedgerLine(record, Optional.of("DANE certificate-host-mismatch: ..."),
                        MAIL, "tls-policy.conf:1", facts, List.of());
                    String json = line.toJson().toString();
                    assertThat(json).contains("\"policy-source\":\"" + source.token() + "\"",
                        "\"dnssec\":\"" + status.toLowerCase() + "\"", "\"result-type\":\"certificate-host-mismatch\"");
                    assertThat(json.contains("\"tlsa\":[")).isEqualTo(!tlsa.isEmpty());
                    OutboundLedgerLine back = OutboundLedgerLine.parse(json);
                    assertThat(back.policy()).isEqualTo(facts);
                    assertThat(back.resultType()).contains("certificate-host-mismatch");
                    assertThat(back).isEqualTo(line);
                    String log = OutboundLogLine.format(record, facts, Optional.of("DANE certificate-host-mismatch: ..."));
                    assertThat(log).contains(" policy-source=" + source.token(), " dnssec=" + status.toLowerCase(),
                        " result-type=certificate-host-mismatch");
                    assertThat(log.contains(" tlsa=\"" + String.join(",", tlsa) + "\"")).isEqualTo(!tlsa.isEmpty());
                    cases++;
                }
            }
        }
        assertThat(cases).isEqualTo(4 * 4 * 3);
    }

    @Test
    void aLineWrittenBeforeTheseFieldsReadsAsRowOrBuiltInDefault() throws Exception {
        TlsProvenance record = attempt(CertificateVerification.notChecked(), Transport.STARTTLS);
        String fromRow = new OutboundLedgerLine(record, Optional.empty(), MAIL, "tls-policy.conf:4", List.of()).toJson()
            .without(PolicyFacts.POLICY_SOURCE).toString();
        String fromDefault = new OutboundLedgerLine(record, Optional.empty(), MAIL, "built-in default", List.of()).toJson()
            .without(PolicyFacts.POLICY_SOURCE).toString();
        assertThat(OutboundLedgerLine.parse(fromRow).policy()).isEqualTo(PolicyFacts.of(PolicySource.ROW));
        assertThat(OutboundLedgerLine.parse(fromDefault).policy()).isEqualTo(PolicyFacts.of(PolicySource.DEFAULT));
        assertThat(OutboundLedgerLine.parse(fromRow).resultType()).isEmpty();
    }

    @Test
    void unknownWordsAreRefused() {
        assertThatThrownBy(() -> PolicyFacts.of(PolicySource.DANE, "validated", List.of()))
            .hasMessageStartingWith("unknown dnssec status 'validated'");
        assertThatThrownBy(() -> OutboundLedgerLine.parse("{\"policy-source\":\"guess\",\"dir\":\"outbound\"}"))
            .isInstanceOf(MalformedProvenanceException.class).hasMessageContaining("unknown policy source 'guess'");
    }
}
