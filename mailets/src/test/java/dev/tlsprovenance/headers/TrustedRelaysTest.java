package dev.tlsprovenance.headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.ProvenanceSamples;
import dev.tlsprovenance.provenance.TlsProvenance;

class TrustedRelaysTest {

    private static final TlsProvenance VERIFIED_RELAY = ProvenanceSamples.starttlsInboundWithClientCertificate();

    @Test
    void trustsAListedFingerprintInAnySpelling() {
        String colons = "AB:".repeat(31) + "AB";

        assertThat(TrustedRelays.parse("ab".repeat(32)).trusts(VERIFIED_RELAY)).isTrue();
        assertThat(TrustedRelays.parse("sha256:" + colons).trusts(VERIFIED_RELAY)).isTrue();
        assertThat(TrustedRelays.parse("cd".repeat(32)).trusts(VERIFIED_RELAY)).isFalse();
    }

    @Test
    void trustsAListedNameFromSubjectAltNameOrCommonName() {
        assertThat(TrustedRelays.parse("other.test, RELAY.partner.test.").trusts(VERIFIED_RELAY)).isTrue();
        assertThat(TrustedRelays.parse("partner.test").trusts(VERIFIED_RELAY)).isFalse();

        TlsProvenance withoutSans = VERIFIED_RELAY.toBuilder()
            .peerCertificate(new dev.tlsprovenance.provenance.CertificateSummary("CN=cn-only.partner.test,O=P", "CN=CA",
                java.util.List.of(), "01", "ef".repeat(32), ProvenanceSamples.TIME, ProvenanceSamples.TIME))
            .build();
        assertThat(TrustedRelays.parse("cn-only.partner.test").trusts(withoutSans)).isTrue();
    }

    /** RFC 6125: a CN beside a DNS SAN, or the second of two CNs, names nothing (generated over the listed name). */
    @Test
    void aCommonNameCountsOnlyWithoutDnsNamesAndOnlyWhenItIsTheOnlyOne() {
        for (String listed : java.util.List.of("mx.partner.test", "second.partner.test")) {
            TlsProvenance cnBesideOtherSan = withCertificate("CN=mx.partner.test,O=P", java.util.List.of("DNS:other.partner.test"));
            TlsProvenance twoCns = withCertificate("CN=second.partner.test,CN=mx.partner.test,O=P", java.util.List.of());
            TlsProvenance ipSanOnly = withCertificate("CN=" + listed + ",O=P", java.util.List.of("IP:192.0.2.1"));

            assertThat(TrustedRelays.parse(listed).trusts(cnBesideOtherSan)).as(listed).isFalse();
            assertThat(TrustedRelays.parse(listed).trusts(twoCns)).as(listed).isFalse();
            assertThat(TrustedRelays.parse(listed).trusts(ipSanOnly)).as("no DNS SAN: the sole CN counts").isTrue();
        }
        assertThat(TrustedRelays.parse("other.partner.test")
            .trusts(withCertificate("CN=mx.partner.test,O=P", java.util.List.of("DNS:other.partner.test")))).isTrue();
    }

    private static TlsProvenance withCertificate(String subject, java.util.List<String> subjectAltNames) {
        return VERIFIED_RELAY.toBuilder()
            .peerCertificate(new dev.tlsprovenance.provenance.CertificateSummary(subject, "CN=CA", subjectAltNames, "01",
                "ef".repeat(32), ProvenanceSamples.TIME, ProvenanceSamples.TIME))
            .build();
    }

    @Test
    void neverTrustsCleartextOrACertificateThatWasNotVerified() {
        TrustedRelays relays = TrustedRelays.parse("relay.partner.test");

        assertThat(relays.trusts(ProvenanceSamples.cleartextInbound())).isFalse();
        assertThat(relays.trusts(VERIFIED_RELAY.toBuilder().peerVerification(CertificateVerification.notChecked()).build())).isFalse();
        assertThat(relays.trusts(VERIFIED_RELAY.toBuilder().peerVerification(CertificateVerification.failed("pin", "mismatch")).build())).isFalse();
        assertThat(TrustedRelays.none().trusts(VERIFIED_RELAY)).isFalse();
    }

    @Test
    void rejectsAnEntryThatIsNeitherFingerprintNorHostName() {
        assertThatThrownBy(() -> TrustedRelays.parse("relay.partner.test, CN=relay O=x"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'CN=relay O=x'");
    }
}
