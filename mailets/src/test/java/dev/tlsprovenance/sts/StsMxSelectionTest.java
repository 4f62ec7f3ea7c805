package dev.tlsprovenance.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

/** Which MX may be used under each mode, and which certificate names satisfy a policy. */
class StsMxSelectionTest {
    private static final List<String> MX = List.of("mx1.example.com.", "backup.other.net.", "MX2.Example.COM",
            "a.b.example.com");

    static StsPolicy policy(StsMode mode, String... mx) throws StsSyntaxException {
        StringBuilder text = new StringBuilder("version: STSv1\nmode: " + mode.word() + "\n");
        for (String m : mx) {
            text.append("mx: ").append(m).append('\n');
        }
        return StsPolicyParser.parse(text.append("max_age: 86400\n").toString());
    }

    @Test
    void enforceUsesOnlyMatchingMxInPreferenceOrderTestingAndNoneUseAll() throws Exception {
        for (StsMode mode : StsMode.values()) {
            StsPolicy policy = policy(mode, "*.example.com");
            StsMxSelection selection = StsMxSelection.select(policy, MX);
            assertThat(selection.matching()).containsExactly("mx1.example.com.", "MX2.Example.COM");
            assertThat(selection.notMatching()).containsExactly("backup.other.net.", "a.b.example.com");
            if (mode == StsMode.ENFORCE) {
                assertThat(selection.usable()).containsExactly("mx1.example.com.", "MX2.Example.COM");
            } else {
                assertThat(selection.usable()).containsExactly("mx1.example.com.", "MX2.Example.COM",
                        "backup.other.net.", "a.b.example.com");
            }
        }
        assertThat(StsMxSelection.select(policy(StsMode.ENFORCE, "mx.nowhere.test"), MX).usable()).isEmpty();
        assertThat(StsMxSelection.select(policy(StsMode.ENFORCE, "backup.other.net", "a.b.example.com"), MX)
                .usable()).containsExactly("backup.other.net.", "a.b.example.com");
    }

    @Test
    void theCertificateMustNameOneOfThePolicyPatterns() throws Exception {
        StsPolicy policy = policy(StsMode.ENFORCE, "mx.example.com", "*.mail.example.net");
        assertThat(StsMxSelection.certificateNames(policy)).extracting(MxPattern::text)
                .containsExactly("mx.example.com", "*.mail.example.net");
        assertThat(StsMxSelection.certificateMatches(policy, List.of("other.test", "MX.example.com"))).isTrue();
        assertThat(StsMxSelection.certificateMatches(policy, List.of("*.example.com"))).isTrue();
        assertThat(StsMxSelection.certificateMatches(policy, List.of("in1.mail.example.net"))).isTrue();
        assertThat(StsMxSelection.certificateMatches(policy, List.of("*.mail.example.net"))).isTrue();
        assertThat(StsMxSelection.certificateMatches(policy, List.of("mail.example.net", "x.in1.mail.example.net",
                "*.example.net", "example.com"))).isFalse();
        assertThat(StsMxSelection.certificateMatches(policy, List.of())).isFalse();

        TestCertificate good = TestPki.shared().peer("mx.example.com");
        TestCertificate wrong = TestPki.shared().peer("mx.elsewhere.test");
        TestCertificate cnOnly = TestCertificate.builder().commonName("mx.example.com")
                .signedBy(TestPki.shared().intermediate()).build();
        assertThat(StsMxSelection.dnsIds(good.certificate())).contains("mx.example.com", "localhost");
        assertThat(StsMxSelection.certificateMatches(policy, good.certificate())).isTrue();
        assertThat(StsMxSelection.certificateMatches(policy, wrong.certificate())).isFalse();
        assertThat(StsMxSelection.certificateMatches(policy, cnOnly.certificate())).as("CN is not looked at")
                .isFalse();
    }
}
