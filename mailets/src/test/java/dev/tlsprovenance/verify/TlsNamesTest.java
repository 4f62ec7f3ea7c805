package dev.tlsprovenance.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TlsNamesTest {

    @ParameterizedTest
    @CsvSource({
        "ECDHE-RSA-AES256-GCM-SHA384, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "ECDHE-ECDSA-AES128-GCM-SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "ECDHE-RSA-CHACHA20-POLY1305, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "ECDHE-RSA-AES256-SHA384, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        "DHE-RSA-AES256-SHA, TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
        "EDH-RSA-DES-CBC3-SHA, TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
        "AES256-SHA, TLS_RSA_WITH_AES_256_CBC_SHA",
        "AES128-GCM-SHA256, TLS_RSA_WITH_AES_128_GCM_SHA256",
        "DES-CBC3-SHA, TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        "RC4-MD5, TLS_RSA_WITH_RC4_128_MD5",
        "EXP-RC4-MD5, TLS_RSA_EXPORT_WITH_RC4_40_MD5",
        "ADH-AES256-SHA, TLS_DH_anon_WITH_AES_256_CBC_SHA",
        "AEAD-AES256-GCM-SHA384, TLS_AES_256_GCM_SHA384",
        "AEAD-CHACHA20-POLY1305-SHA256, TLS_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256",
        "RSA_ARCFOUR_MD5, TLS_RSA_WITH_RC4_128_MD5",
        "DHE_RSA_AES_256_CBC_SHA1, TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
        "DHE_RSA_3DES_EDE_CBC_SHA, TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
    })
    void openSslAndGnuTlsNamesMapToIana(String original, String iana) {
        assertThat(TlsNames.ianaName(original)).contains(iana);
    }

    @ParameterizedTest
    @CsvSource({
        // GnuTLS 3.6+ session descriptions as Exim on Debian writes them: the protocol decides the suite's shape
        "ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM, TLSv1.3, TLS_AES_256_GCM_SHA384",
        "ECDHE_X25519__ECDSA_SECP256R1_SHA256__CHACHA20_POLY1305, TLSv1.3, TLS_CHACHA20_POLY1305_SHA256",
        "ECDHE_SECP384R1__RSA_PSS_RSAE_SHA256__AES_128_GCM, TLSv1.3, TLS_AES_128_GCM_SHA256",
        "ECDHE_SECP256R1__RSA_SHA256__AES_128_GCM, TLSv1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM, TLSv1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "ECDHE_SECP256R1__ECDSA_SECP256R1_SHA256__AES_256_CBC__SHA1, TLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "DHE_FFDHE2048__RSA_SHA256__AES_256_GCM, TLSv1.2, TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        "RSA__AES_128_GCM, TLSv1.2, TLS_RSA_WITH_AES_128_GCM_SHA256",
        // GnuTLS's TLS 1.3 suite names without the prefix
        "AES_256_GCM_SHA384, TLSv1.3, TLS_AES_256_GCM_SHA384",
        "CHACHA20_POLY1305_SHA256, TLSv1.3, TLS_CHACHA20_POLY1305_SHA256",
        // old GnuTLS (Exim before GnuTLS 3.6), OpenSSL and LibreSSL, unchanged by the protocol
        "ECDHE_RSA_AES_256_GCM_SHA384, TLSv1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384, TLSv1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "AEAD-AES256-GCM-SHA384, TLSv1.3, TLS_AES_256_GCM_SHA384"})
    void gnuTlsSessionDescriptionsMapWithTheProtocol(String original, String protocol, String iana) {
        assertThat(TlsNames.ianaName(original, protocol)).contains(iana);
    }

    @Test
    void aGnuTlsDescriptionWithoutItsProtocolStaysUnmapped() {
        assertThat(TlsNames.ianaName("ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM")).isEmpty();
        assertThat(TlsNames.ianaName("ECDHE_X25519__RSA_PSS_RSAE_SHA256__CAMELLIA_256_GCM", "TLSv1.3")).isEmpty();
    }

    @Test
    void eximOnDebianWithGnuTlsReadsAsIanaSuites() {
        Hop tls13 = ReceivedLineParser.parse("from a.example.test ([192.0.2.1] helo=a.example.test) by mx.example.test with esmtps"
            + " (TLS1.3:ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM:256) (Exim 4.96) (envelope-from <a@example.test>)"
            + " id 1vQ2-0001-AB for b@example.test; Tue, 01 Dec 2026 21:18:24 +0000");
        Hop tls12 = ReceivedLineParser.parse("from a.example.test ([192.0.2.1]) by mx.example.test with esmtps"
            + " (TLS1.2:ECDHE_SECP256R1__RSA_SHA256__AES_128_GCM:128) (Exim 4.94.2) id 1vQ3-0001-AB; Tue, 01 Dec 2026 21:18:24 +0000");

        assertThat(tls13.tls()).isEqualTo(TlsStatus.YES);
        assertThat(tls13.protocol()).contains("TLSv1.3");
        assertThat(tls13.cipherIana()).contains("TLS_AES_256_GCM_SHA384");
        assertThat(tls13.bits()).isEqualTo(256);
        assertThat(tls12.cipherIana()).contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(tls12.bits()).isEqualTo(128);
    }

    @ParameterizedTest
    @CsvSource({"TLSv1, TLSv1.0", "TLS1, TLSv1.0", "TLS-1.0, TLSv1.0", "TLS1_1, TLSv1.1", "TLSv1.2, TLSv1.2", "TLS1_2, TLSv1.2",
        "TLS1.3, TLSv1.3", "tlsv1.3, TLSv1.3", "SSLv3, SSLv3"})
    void protocolLabelsNormalise(String label, String normalised) {
        assertThat(TlsNames.normaliseProtocol(label)).contains(normalised);
    }

    @ParameterizedTest
    @CsvSource({"TLSv1/SSLv3", "TLS1.x", "garbage", "''"})
    void ambiguousLabelsDoNotNormalise(String label) {
        assertThat(TlsNames.normaliseProtocol(label)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Mon, 30 Nov 2026 09:00:03 +0000 (UTC) | 2026-11-30T09:00:03Z",
        "Thu,  8 Oct 2015 07:45:14 +0200 (CEST) | 2015-10-08T07:45:14+02:00",
        "14 Nov 2003 08:05:50 -0000 | 2003-11-14T08:05:50Z",
        "Wed, 3 Apr 2024 08:45:29 GMT | 2024-04-03T08:45:29Z",
        "Mon, 8 Mar 2004 16:13:23 PST | 2004-03-08T16:13:23-08:00",
        "Thu, 6 May 2004 17:40:44-0500 | 2004-05-06T17:40:44-05:00",
        "Tue, 5 Dec 06 11:17 -0800 | 2006-12-05T11:17-08:00"})
    void datesAsMtasWriteThem(String text, String iso) {
        assertThat(ReceivedDate.parse(text)).contains(OffsetDateTime.parse(iso));
    }
}
