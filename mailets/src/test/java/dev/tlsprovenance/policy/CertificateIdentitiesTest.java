package dev.tlsprovenance.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tlsprovenance.outbound.CertificateNames;
import dev.tlsprovenance.policy.ClientCertificateVerdict.Check;
import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

/**
 * RFC 6125 names with generated certificates, every certificate shape x every expected name, through the three
 * places that judge names: the client-certificate verifier ({@code client-names}), the after-the-fact check of a
 * recorded certificate summary, and the outbound server-name check. All three must agree.
 */
class CertificateIdentitiesTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String MX = "mx.partner.test";
    private static final String OTHER = "other.partner.test";
    private static final String ANY_PARTNER_HOST = "*.partner.test";
    private static final String PARENT = "partner.test";
    private static final String TWO_BELOW = "a.b.partner.test";
    private static final List<String> EXPECTED_NAMES = List.of(MX, OTHER, ANY_PARTNER_HOST, PARENT, TWO_BELOW);

    enum Shape {
        CN_ONLY(List.of(MX), Set.of(MX, ANY_PARTNER_HOST)),
        SAN_ONLY(List.of(MX), Set.of(MX, ANY_PARTNER_HOST)),
        CN_AND_MATCHING_SAN(List.of(MX), Set.of(MX, ANY_PARTNER_HOST)),
        /** The CN is ignored once a DNS SAN exists. */
        CN_AND_OTHER_SAN(List.of(OTHER), Set.of(OTHER, ANY_PARTNER_HOST)),
        /** Several CNs: no CN identity at all, whichever CN would match. */
        TWO_CNS_MATCHING_FIRST(List.of(), Set.of()),
        TWO_CNS_MATCHING_SECOND(List.of(), Set.of()),
        /** A wildcard SAN covers exactly one label. */
        WILDCARD_SAN(List.of(ANY_PARTNER_HOST), Set.of(MX, OTHER, ANY_PARTNER_HOST));

        final List<String> identities;
        final Set<String> matchingExpectedNames;

        Shape(List<String> identities, Set<String> matchingExpectedNames) {
            this.identities = identities;
            this.matchingExpectedNames = matchingExpectedNames;
        }
    }

    private static final Map<Shape, TestCertificate> CERTIFICATES = new EnumMap<>(Shape.class);

    @TempDir
    static Path conf;
    private static Path caBundle;
    private final ClientCertificateVerifier verifier = new ClientCertificateVerifier(Clock.systemUTC());

    @BeforeAll
    static void mintCertificates() throws Exception {
        caBundle = Files.writeString(conf.resolve("partner-ca.pem"), PKI.root().certificatePem());
        CERTIFICATES.put(Shape.CN_ONLY, leaf().commonName(MX).build());
        CERTIFICATES.put(Shape.SAN_ONLY, leaf().withoutCommonName().organization("Partner").addSubjectAlternativeName(MX).build());
        CERTIFICATES.put(Shape.CN_AND_MATCHING_SAN, leaf().commonName(MX).addSubjectAlternativeName(MX).build());
        CERTIFICATES.put(Shape.CN_AND_OTHER_SAN, leaf().commonName(MX).addSubjectAlternativeName(OTHER).build());
        CERTIFICATES.put(Shape.TWO_CNS_MATCHING_FIRST, leaf().commonName(MX).addCommonName("mx.attacker.test").build());
        CERTIFICATES.put(Shape.TWO_CNS_MATCHING_SECOND, leaf().commonName("mx.attacker.test").addCommonName(MX).build());
        CERTIFICATES.put(Shape.WILDCARD_SAN, leaf().commonName("Partner wildcard").addSubjectAlternativeName(ANY_PARTNER_HOST).build());
    }

    private static TestCertificate.Builder leaf() {
        return TestCertificate.builder().clientAuth().serverAuth().signedBy(PKI.intermediate());
    }

    static Stream<Arguments> shapesAndNames() {
        List<Arguments> cases = new ArrayList<>();
        for (Shape shape : Shape.values()) {
            for (String expected : EXPECTED_NAMES) {
                cases.add(Arguments.of(shape, expected, shape.matchingExpectedNames.contains(expected)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: identities")
    @EnumSource(Shape.class)
    void dnsIdentitiesAreTheSansOrTheSoleCn(Shape shape) {
        TestCertificate certificate = CERTIFICATES.get(shape);

        assertThat(CertificateIdentities.dnsIdentities(certificate.certificate())).containsExactlyElementsOf(shape.identities);
        assertThat(ClientCertificateVerifier.namesOf(certificate.certificate())).containsExactlyElementsOf(shape.identities);
        assertThat(CertificateNames.dnsNames(certificate.certificate())).containsExactlyElementsOf(shape.identities);
        CertificateSummary recorded = CertificateSummary.of(certificate.certificate());
        List<String> recordedDnsNames = recorded.subjectAltNames().stream()
            .filter(name -> name.startsWith("DNS:")).map(name -> name.substring(4)).collect(Collectors.toList());
        assertThat(CertificateIdentities.dnsIdentities(recorded.subject(), recordedDnsNames))
            .containsExactlyElementsOf(shape.identities);
    }

    @ParameterizedTest(name = "{0} for client-names={1} -> {2}")
    @MethodSource("shapesAndNames")
    void clientCertificateVerifierMatchesNamesByRfc6125(Shape shape, String expected, boolean matches) {
        TestCertificate certificate = CERTIFICATES.get(shape);
        ClientCertificateVerdict verdict = verifier.verify(certificate.chain(),
            ClientCertificateConstraints.of(Optional.of(caBundle), List.of(expected), List.of()));

        if (matches) {
            assertThat(verdict.passed()).as("%s", verdict.reason()).isTrue();
        } else {
            assertThat(verdict.failedCheck()).contains(Check.NAMES);
            assertThat(verdict.reason()).isEqualTo("client certificate names " + shape.identities
                + " match none of the expected [" + expected + "]");
        }
    }

    @ParameterizedTest(name = "{0} for outbound names={1} -> {2}")
    @MethodSource("shapesAndNames")
    void serverCertificateNamesFollowTheSameRule(Shape shape, String expected, boolean matches) {
        List<String> names = CertificateNames.dnsNames(CERTIFICATES.get(shape).certificate());

        assertThat(CertificateNames.matchesAny(names, List.of(expected))).isEqualTo(matches);
    }

    @Test
    void aMultiValuedRdnWithTwoCnsCountsAsTwoCns() {
        assertThat(CertificateIdentities.soleCommonName("CN=mx.partner.test+CN=mx.attacker.test,O=Partner")).isEmpty();
        assertThat(CertificateIdentities.soleCommonName("CN=mx.partner.test+O=Partner")).contains(MX);
        assertThat(CertificateIdentities.dnsIdentities("CN=MX.Partner.Test.", List.of())).containsExactly(MX);
    }
}
