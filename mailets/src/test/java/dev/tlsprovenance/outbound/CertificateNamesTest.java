package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CertificateNamesTest {
    @ParameterizedTest(name = "certificate {0} vs expected {1} -> {2}")
    @CsvSource({
        "mx.partner.test, mx.partner.test, true",
        "MX.Partner.Test., mx.partner.test, true",
        "mx.partner.test, mx2.partner.test, false",
        // certificate wildcard: exactly one left-most label
        "*.partner.test, mx.partner.test, true",
        "*.partner.test, a.mx.partner.test, false",
        "*.partner.test, partner.test, false",
        "*.test, partner.test, false",
        // expected pattern *.suffix: one label below suffix
        "mx1.mail.protection.outlook.com, *.mail.protection.outlook.com, true",
        "*.mail.protection.outlook.com, *.mail.protection.outlook.com, true",
        "a.b.mail.protection.outlook.com, *.mail.protection.outlook.com, false",
        "mail.protection.outlook.com, *.mail.protection.outlook.com, false",
        "mx.evil.test, *.mail.protection.outlook.com, false",
        // expected Postfix-style .suffix: any depth below suffix
        "a.b.partner.test, .partner.test, true",
        "*.mx.partner.test, .partner.test, true",
        "partner.test, .partner.test, false",
        "evilpartner.test, .partner.test, false",
        // IDN compared in A-label form
        "xn--bcher-kva.test, bücher.test, true",
    })
    void rfc6125Matching(String certificateName, String expected, boolean matches) {
        assertThat(CertificateNames.matchesAny(List.of(CertificateNames.normalise(certificateName)), List.of(expected)))
            .isEqualTo(matches);
    }
}
