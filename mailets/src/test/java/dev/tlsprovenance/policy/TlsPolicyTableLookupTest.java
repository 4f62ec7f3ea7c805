package dev.tlsprovenance.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;

import org.junit.jupiter.api.Test;

class TlsPolicyTableLookupTest {
    private static final String FILE = String.join("\n",
            "contoso1.microsoftonline.com  inbound=require  outbound=secure  match=*.mail.protection.outlook.com",
            ".microsoftonline.com          inbound=require  outbound=verify",
            "*.eu.microsoftonline.com      inbound=require-verified-client-cert",
            "münchen.test                  outbound=encrypt",
            ".bücher.test                  outbound=verify",
            "default                       inbound=none  outbound=may");

    private final TlsPolicyTable table = parse(FILE);

    @Test
    void exactRowWinsOverSuffix() {
        assertThat(table.lookup("contoso1.microsoftonline.com").source()).isEqualTo("tls-policy.conf:1");
    }

    @Test
    void suffixMatchesEverySubdomain() {
        assertThat(table.lookup("contoso2.microsoftonline.com").source()).isEqualTo("tls-policy.conf:2");
        assertThat(table.lookup("a.b.contoso1.microsoftonline.com").source()).isEqualTo("tls-policy.conf:2");
    }

    @Test
    void suffixDoesNotMatchTheBareParent() {
        assertThat(table.lookup("microsoftonline.com").isDefault()).isTrue();
    }

    @Test
    void longestSuffixWins() {
        NamespacePolicy row = table.lookup("tenant.eu.microsoftonline.com");
        assertThat(row.source()).isEqualTo("tls-policy.conf:3");
        assertThat(row.namespace()).isEqualTo(".eu.microsoftonline.com");
        assertThat(row.inbound()).isEqualTo(InboundRule.REQUIRE_VERIFIED_CLIENT_CERT);
    }

    @Test
    void everythingElseGetsTheDefaultRow() {
        NamespacePolicy row = table.lookup("example.test");
        assertThat(row.source()).isEqualTo("tls-policy.conf:6");
        assertThat(row.isDefault()).isTrue();
        assertThat(table.lookup("").isDefault()).isTrue();
        assertThat(table.lookup(null).isDefault()).isTrue();
        assertThat(table.lookup("[127.0.0.1]").isDefault()).isTrue();
    }

    @Test
    void lookupIgnoresCaseAndTrailingDot() {
        assertThat(table.lookup("CONTOSO1.MicrosoftOnline.COM.").source()).isEqualTo("tls-policy.conf:1");
        assertThat(table.lookup("Contoso2.MICROSOFTONLINE.com").source()).isEqualTo("tls-policy.conf:2");
    }

    @Test
    void internationalisedNamesMatchInEitherForm() {
        assertThat(table.lookup("münchen.test").source()).isEqualTo("tls-policy.conf:4");
        assertThat(table.lookup("MÜNCHEN.test").source()).isEqualTo("tls-policy.conf:4");
        assertThat(table.lookup("xn--mnchen-3ya.test").source()).isEqualTo("tls-policy.conf:4");
        assertThat(table.lookup("shop.xn--bcher-kva.test").source()).isEqualTo("tls-policy.conf:5");
        assertThat(table.lookup("shop.bücher.test").source()).isEqualTo("tls-policy.conf:5");
        assertThat(table.rows().get(3).namespace()).isEqualTo("xn--mnchen-3ya.test");
    }

    @Test
    void withoutDefaultRowTheBuiltInDefaultApplies() {
        TlsPolicyTable noDefault = parse("partner.test inbound=require");
        NamespacePolicy row = noDefault.lookup("other.test");
        assertThat(row).isSameAs(NamespacePolicy.builtInDefault());
        assertThat(row.inbound()).isEqualTo(InboundRule.NONE);
        assertThat(row.outbound().level()).isEqualTo(OutboundLevel.MAY);
        assertThat(TlsPolicyTable.empty().lookup("partner.test")).isSameAs(NamespacePolicy.builtInDefault());
        assertThat(TlsPolicyTable.empty().size()).isZero();
    }

    @Test
    void starIsTheDefaultRowToo() {
        TlsPolicyTable starDefault = parse("* inbound=require");
        assertThat(starDefault.lookup("any.test").inbound()).isEqualTo(InboundRule.REQUIRE);
        assertThat(starDefault.defaultPolicy().namespace()).isEqualTo("*");
    }

    @Test
    void rowFieldsAreParsed() {
        NamespacePolicy row = table.lookup("contoso1.microsoftonline.com");
        assertThat(row.namespace()).isEqualTo("contoso1.microsoftonline.com");
        assertThat(row.inbound()).isEqualTo(InboundRule.REQUIRE);
        assertThat(row.requireTlsFromSenders()).isTrue();
        assertThat(row.outbound().level()).isEqualTo(OutboundLevel.SECURE);
        assertThat(row.outbound().matchNames()).containsExactly("*.mail.protection.outlook.com");
        assertThat(row.outbound().minProtocol()).isEqualTo("TLSv1.2");
        assertThat(table.size()).isEqualTo(6);
        assertThat(table.hasInboundRequirements()).isTrue();
    }

    @Test
    void sizeCountsRows() {
        assertThat(parse("# only a comment\n\n").size()).isZero();
        assertThat(parse("default outbound=may").hasInboundRequirements()).isFalse();
    }

    private static TlsPolicyTable parse(String text) {
        try {
            return TlsPolicyTable.parse("tls-policy.conf", new StringReader(text));
        } catch (PolicyFileException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
