package dev.tlsprovenance.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TxtPresentationTest {
    @Test
    void dnsjavaPresentationFormIsJoined() {
        assertThat(TxtPresentation.join("\"v=TLSRPTv1; \" \"rua=mailto:a@partner.test\"")).contains("v=TLSRPTv1; rua=mailto:a@partner.test");
        assertThat(TxtPresentation.join("\"a\\\"b\\\\c\\059d\"")).contains("a\"b\\c;d");
        assertThat(TxtPresentation.join("v=TLSRPTv1; rua=mailto:a@partner.test")).contains("v=TLSRPTv1; rua=mailto:a@partner.test");
        assertThat(TxtPresentation.join("\"unclosed")).isEmpty();
        assertThat(TxtPresentation.join("\"a\" b")).isEmpty();
        assertThat(TxtPresentation.join("\"\\999\"")).isEmpty();
        assertThat(TxtPresentation.join("\"a\\")).isEmpty();
    }
}
