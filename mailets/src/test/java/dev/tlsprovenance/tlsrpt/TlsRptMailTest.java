package dev.tlsprovenance.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.policy.Smarthost;

class TlsRptMailTest {
    @Test
    void aReportMailGoesAtMayAlongTheRowsRoutesEveryOtherMailUnderTheRow() throws Exception {
        for (OutboundLevel level : OutboundLevel.values()) {
            NamespacePolicy row = NamespacePolicy.builder("partner.test", "tls-policy.conf:3")
                .outbound(OutboundPolicy.builder().level(level).matchNames(List.of("mx.partner.test"))
                    .routes(List.of(Smarthost.parse("[relay.partner.test]:2525"))).minProtocol("TLSv1.3").build())
                .build();
            FakeMail report = FakeMail.builder().name("r").attribute(new Attribute(TlsRptMail.REPORT, AttributeValue.of(true))).build();
            FakeMail other = FakeMail.builder().name("o").build();
            FakeMail forged = FakeMail.builder().name("f").attribute(new Attribute(TlsRptMail.REPORT, AttributeValue.of("true"))).build();

            NamespacePolicy forReport = TlsRptMail.policyFor(report, row);
            OutboundLevel expected = level == OutboundLevel.NONE ? OutboundLevel.NONE : OutboundLevel.MAY;
            assertThat(forReport.outbound().level()).as(level.token()).isEqualTo(expected);
            assertThat(forReport.outbound().routes()).isEqualTo(row.outbound().routes());
            assertThat(forReport.outbound().minProtocol()).isEqualTo("TLSv1.3");
            assertThat(forReport.outbound().matchNames()).containsExactly("mx.partner.test");
            assertThat(forReport.source()).isEqualTo("tls-policy.conf:3");
            assertThat(forReport.namespace()).isEqualTo("partner.test");
            assertThat(TlsRptMail.policyFor(other, row)).isSameAs(row);
            assertThat(TlsRptMail.policyFor(forged, row)).isSameAs(row);
        }
    }
}
