package dev.tlsprovenance.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CipherSuitesTest {
    @ParameterizedTest
    @CsvSource({
        "TLS_AES_256_GCM_SHA384, 256",
        "TLS_AES_128_GCM_SHA256, 128",
        "TLS_CHACHA20_POLY1305_SHA256, 256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, 128",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, 256",
        "ECDHE-RSA-AES256-GCM-SHA384, 256",
        "ECDHE-RSA-AES128-SHA256, 128",
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA, 112",
        "DES-CBC3-SHA, 112",
        "TLS_RSA_WITH_RC4_128_SHA, 128",
        "RC4-MD5, 128",
        "TLS_RSA_EXPORT_WITH_RC4_40_MD5, 40",
        "EXP-RC4-MD5, 40",
        "TLS_RSA_WITH_DES_CBC_SHA, 56",
        "TLS_RSA_WITH_NULL_SHA256, 0",
        "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA, 256",
        "SOMETHING_ELSE, 0",
    })
    void strengthComesFromTheBulkCipherNotTheMac(String suite, int bits) {
        assertThat(CipherSuites.strengthBits(suite)).isEqualTo(bits);
    }
}
