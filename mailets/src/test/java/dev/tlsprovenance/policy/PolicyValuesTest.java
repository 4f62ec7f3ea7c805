package dev.tlsprovenance.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class PolicyValuesTest {
    @Test
    void outboundLevelsParseTheirTokens() {
        for (OutboundLevel level : OutboundLevel.values()) {
            assertThat(OutboundLevel.parse(level.token().toUpperCase())).isEqualTo(level);
        }
        assertThat(OutboundLevel.MAY.requiresTls()).isFalse();
        assertThat(OutboundLevel.ENCRYPT.requiresTls()).isTrue();
        assertThat(OutboundLevel.ENCRYPT.verifiesPeer()).isFalse();
        assertThat(OutboundLevel.FINGERPRINT.verifiesPeer()).isTrue();
        assertThat(OutboundLevel.parse("dane")).isEqualTo(OutboundLevel.DANE);
        assertThat(OutboundLevel.parse("Dane-Only")).isEqualTo(OutboundLevel.DANE_ONLY);
        assertThat(OutboundLevel.DANE.requiresTls()).as("dane promises only may").isFalse();
        assertThat(OutboundLevel.DANE_ONLY.requiresTls()).isTrue();
        assertThat(OutboundLevel.DANE.compareTo(OutboundLevel.MAY)).isPositive();
        assertThat(OutboundLevel.DANE.compareTo(OutboundLevel.ENCRYPT)).isNegative();
        assertThat(OutboundLevel.DANE_ONLY.compareTo(OutboundLevel.ENCRYPT)).isPositive();
        assertThat(OutboundLevel.DANE_ONLY.compareTo(OutboundLevel.VERIFY)).isNegative();
        assertThatThrownBy(() -> OutboundLevel.parse("dane_only")).hasMessage("unknown outbound level 'dane_only' (expected"
                + " one of none, may, dane, encrypt, dane-only, verify, secure, fingerprint)");
    }

    @Test
    void outboundPoliciesDifferByTheirRevocationLists() {
        java.nio.file.Path crl = java.nio.file.Path.of("/etc/james/partner.crl");
        OutboundPolicy withCrl = OutboundPolicy.builder().level(OutboundLevel.VERIFY).revocationLists(crl).build();
        OutboundPolicy withoutCrl = OutboundPolicy.builder().level(OutboundLevel.VERIFY).build();
        assertThat(withCrl.revocationLists()).contains(crl);
        assertThat(withoutCrl.revocationLists()).isEmpty();
        assertThat(withCrl).isNotEqualTo(withoutCrl)
                .isEqualTo(OutboundPolicy.builder().level(OutboundLevel.VERIFY).revocationLists(crl).build())
                .hasSameHashCodeAs(OutboundPolicy.builder().level(OutboundLevel.VERIFY).revocationLists(crl).build());
        assertThat(withCrl.toString()).contains(", crl=/etc/james/partner.crl,");
        assertThat(withoutCrl.toString()).contains(", crl=-,");
    }

    @Test
    void inboundRulesParseTheirTokens() {
        assertThat(InboundRule.parse("require-verified-client-cert")).isEqualTo(InboundRule.REQUIRE_VERIFIED_CLIENT_CERT);
        assertThat(InboundRule.REQUIRE.token()).isEqualTo("require");
        assertThat(InboundRule.NONE.requiresTls()).isFalse();
    }

    @Test
    void smarthostForms() {
        assertThat(Smarthost.parse("[smarthost.contoso.test]:25")).isEqualTo(Smarthost.of("smarthost.contoso.test", 25, false));
        assertThat(Smarthost.parse("relay.test")).isEqualTo(Smarthost.of("relay.test", 25, false));
        assertThat(Smarthost.parse("relay.test:587").port()).isEqualTo(587);
        assertThat(Smarthost.parse("relay.test:465").implicitTls()).isTrue();
        assertThat(Smarthost.parse("smtps:relay.test")).isEqualTo(Smarthost.of("relay.test", 465, true));
        assertThat(Smarthost.parse("SMTPS:[Relay.test]:2465")).isEqualTo(Smarthost.of("relay.test", 2465, true));
        assertThat(Smarthost.parse("[::1]:2525").host()).isEqualTo("::1");
        assertThat(Smarthost.parse("smtps:[relay.test]:2465").toString()).isEqualTo("smtps:[relay.test]:2465");
        assertThat(Smarthost.parse("[relay.test]:25").hostAndPort()).isEqualTo("relay.test:25");
        assertThatThrownBy(() -> Smarthost.parse("[]:25")).hasMessage("route '[]:25' has no valid host");
    }

    @Test
    void wildcardNamesMatchOneLabel() {
        assertThat(DomainNames.matchesPattern("*.mail.protection.outlook.com", "contoso1.mail.protection.outlook.com")).isTrue();
        assertThat(DomainNames.matchesPattern("*.mail.protection.outlook.com", "mail.protection.outlook.com")).isFalse();
        assertThat(DomainNames.matchesPattern("*.mail.protection.outlook.com", "a.b.mail.protection.outlook.com")).isFalse();
        assertThat(DomainNames.matchesPattern("mx.partner.test", "MX.Partner.test.")).isTrue();
    }

    @Test
    void clientCertificateConstraintsCheckNamesAndPins() {
        String pin = "a".repeat(64);
        ClientCertificateConstraints constraints = ClientCertificateConstraints.of(Optional.empty(),
                List.of("*.partner.test"), List.of(pin));
        assertThat(constraints.namesMatch(List.of("policy-test", "mx.partner.test"))).isTrue();
        assertThat(constraints.namesMatch(List.of("mx.other.test"))).isFalse();
        assertThat(constraints.pinsMatch("b".repeat(64), pin)).isTrue();
        assertThat(constraints.pinsMatch("b".repeat(64), "c".repeat(64))).isFalse();
        assertThat(ClientCertificateConstraints.none().namesMatch(List.of())).isTrue();
    }

    @Test
    void pinsCanonicalForm() {
        assertThat(Sha256Pins.canonical("sha256:" + "AB".repeat(32))).contains("ab".repeat(32));
        assertThat(Sha256Pins.canonical("ab".repeat(31))).isEmpty();
    }
}
