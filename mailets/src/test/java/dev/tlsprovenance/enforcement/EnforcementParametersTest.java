package dev.tlsprovenance.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;

import javax.mail.MessagingException;

import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import dev.tlsprovenance.mail.TestRecords;
import dev.tlsprovenance.matchers.RecipientNamespaceInboundRuleIs;
import dev.tlsprovenance.policy.TlsPolicySource;
import dev.tlsprovenance.policy.TlsPolicyTable;

/** Parameter validation of the mailet and matcher, and the matcher's selection, without a server. */
class EnforcementParametersTest {
    private static final TlsPolicySource POLICY = () -> {
        try {
            return TlsPolicyTable.parse("tls-policy.conf", new StringReader(
                "contoso1.microsoftonline.com inbound=require\npartner.test inbound=require-verified-client-cert\n"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    };

    @Test
    void unknownOnViolationIsRefusedNamingTheValue() {
        EnforceInboundTlsPolicy mailet = new EnforceInboundTlsPolicy(POLICY, null, TestRecords.RECORDS);
        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().setProperty("onViolation", "drop").build()))
            .isInstanceOf(MessagingException.class)
            .hasMessage("onViolation must be bounce or quarantine, not 'drop'");
    }

    @Test
    void aTooSmallInboundLedgerSizeIsRefusedNamingTheParameter() {
        EnforceInboundTlsPolicy mailet = new EnforceInboundTlsPolicy(POLICY, null, TestRecords.RECORDS);
        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().setProperty("inboundLedger", "/tmp/inbound.jsonl")
                .setProperty("inboundLedgerMaxBytes", "10k").build()))
            .isInstanceOf(MessagingException.class)
            .hasMessage("Invalid value for parameter inboundLedgerMaxBytes: '10k' (expected a whole number >= 1024)");
    }

    @Test
    void quarantineNeedsARepository() {
        EnforceInboundTlsPolicy mailet = new EnforceInboundTlsPolicy(POLICY, null, TestRecords.RECORDS);
        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().setProperty("onViolation", "quarantine").build()))
            .hasMessage("quarantineRepository is required with onViolation=quarantine");
    }

    @Test
    void matcherConditionIsValidated() {
        assertThatThrownBy(() -> new RecipientNamespaceInboundRuleIs(POLICY).init(FakeMatcherConfig.builder()
            .matcherName("RecipientNamespaceInboundRuleIs").condition("require,strict").build()))
            .hasMessage("RecipientNamespaceInboundRuleIs condition 'require,strict': unknown inbound rule 'strict' "
                + "(expected one of none, require, require-verified-client-cert)");
        assertThatThrownBy(() -> new RecipientNamespaceInboundRuleIs(POLICY).init(FakeMatcherConfig.builder()
            .matcherName("RecipientNamespaceInboundRuleIs").build()))
            .hasMessageStartingWith("RecipientNamespaceInboundRuleIs needs a condition");
    }

    @Test
    void matcherSelectsByRule() throws Exception {
        RecipientNamespaceInboundRuleIs matcher = new RecipientNamespaceInboundRuleIs(POLICY);
        matcher.init(FakeMatcherConfig.builder().matcherName("RecipientNamespaceInboundRuleIs")
            .condition("require, require-verified-client-cert").build());
        FakeMail mail = FakeMail.builder().name("m").recipients("a@contoso1.microsoftonline.com", "b@example.test",
            "c@PARTNER.test").build();
        assertThat(matcher.match(mail)).extracting(Object::toString)
            .containsExactly("a@contoso1.microsoftonline.com", "c@partner.test");
    }
}
