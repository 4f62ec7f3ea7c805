package dev.tlsprovenance.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.dane.DaneCertificateVerifierMatrixTest.Data;
import dev.tlsprovenance.dane.DaneCertificateVerifierMatrixTest.Expected;
import dev.tlsprovenance.dane.DaneMatrixFixtures.Case;
import dev.tlsprovenance.dane.DaneMatrixFixtures.Names;
import dev.tlsprovenance.dane.DaneMatrixFixtures.Shape;
import dev.tlsprovenance.dane.DaneMatrixFixtures.Validity;
import dev.tlsprovenance.testing.pki.TestCertificate;

class DaneCertificateVerifierTest {
    private static final List<String> NAMES = DaneMatrixFixtures.REFERENCE_NAMES;
    private static final List<String> FAILURE_RANK = List.of("validation-failure", "certificate-expired",
        "certificate-host-mismatch");
    private final DaneCertificateVerifier verifier = new DaneCertificateVerifier(Clock.systemUTC());

    /** A record and the verdict the RFC model gives it alone. */
    private static final class Prototype {
        final TlsaRecord record;
        final Expected alone;

        Prototype(TlsaRecord record, Expected alone) {
            this.record = record;
            this.alone = alone;
        }
    }

    /**
     * Generated RRsets of two and three records drawn from prototypes of every outcome, in every order: the set
     * authenticates by its first record that authenticates alone; else, with no usable record, it is
     * "mandatory TLS, unauthenticated"; else it fails with the failure that got furthest.
     */
    @Test
    void recordSetsCombineTheirRecordsVerdicts() {
        int sets = 0;
        for (Validity validity : List.of(Validity.VALID, Validity.EXPIRED_LEAF)) {
            for (Names names : List.of(Names.EXACT, Names.WRONG)) {
                Case cell = DaneMatrixFixtures.of(Shape.LEAF_INTERMEDIATE_TA, validity, names);
                List<Prototype> prototypes = new ArrayList<>();
                int[][] parameters = {{3, 1, 1}, {2, 1, 1}, {2, 0, 2}, {3, 0, 0}, {1, 1, 1}, {0, 0, 1}, {255, 1, 1}};
                for (int[] p : parameters) {
                    for (Data data : List.of(Data.RIGHT, Data.ONE_BYTE_OFF, Data.TRUNCATED)) {
                        X509Certificate target = p[0] == 0 || p[0] == 2 ? cell.trustAnchor : cell.leaf;
                        byte[] right = DaneMatrixFixtures.associationData(target, p[1], p[2]);
                        byte[] bytes = data == Data.RIGHT ? right : data == Data.ONE_BYTE_OFF
                            ? DaneMatrixFixtures.oneByteOff(right) : DaneMatrixFixtures.truncated(right);
                        prototypes.add(new Prototype(TlsaRecord.of(p[0], p[1], p[2], bytes),
                            DaneCertificateVerifierMatrixTest.expected(p[0], p[1], p[2], data,
                                Shape.LEAF_INTERMEDIATE_TA, names, validity)));
                    }
                }
                List<String> mismatches = new ArrayList<>();
                for (Prototype first : prototypes) {
                    for (Prototype second : prototypes) {
                        for (Prototype third : List.of(second, prototypes.get((sets * 7) % prototypes.size()))) {
                            List<Prototype> set = third == second ? List.of(first, second)
                                : List.of(first, second, third);
                            sets++;
                            List<TlsaRecord> records = new ArrayList<>();
                            set.forEach(p -> records.add(p.record));
                            DaneVerdict verdict = verifier.verify(cell.chain, TlsaRecordSet.of(records), NAMES);
                            String want = combined(set);
                            String got = verdict.status() + " " + verdict.resultType().orElse("")
                                + verdict.matchedRecord().map(r -> " " + records.indexOf(r)).orElse("");
                            if (!want.equals(got)) {
                                mismatches.add(records + ": expected " + want + ", got " + verdict);
                            }
                        }
                    }
                }
                assertThat(mismatches).isEmpty();
            }
        }
        assertThat(sets).isGreaterThan(1500);
    }

    private static String combined(List<Prototype> set) {
        for (int i = 0; i < set.size(); i++) {
            if (set.get(i).alone.status == DaneVerdict.Status.AUTHENTICATED) {
                return "AUTHENTICATED  " + i;
            }
        }
        String worst = null;
        for (Prototype p : set) {
            if (p.alone.status == DaneVerdict.Status.FAILED
                && (worst == null || FAILURE_RANK.indexOf(p.alone.resultType) > FAILURE_RANK.indexOf(worst))) {
                worst = p.alone.resultType;
            }
        }
        return worst == null ? "NO_USABLE_RECORDS tlsa-invalid" : "FAILED " + worst;
    }

    @Test
    void chainsSentOutOfOrderOrWithStrangersStillLeadToTheAnchor() {
        Case cell = DaneMatrixFixtures.of(Shape.LEAF_INTERMEDIATE_TA, Validity.VALID, Names.EXACT);
        X509Certificate leaf = cell.chain.get(0);
        X509Certificate intermediate = cell.chain.get(1);
        X509Certificate root = cell.chain.get(2);
        X509Certificate stranger = TestCertificate.builder().commonName("stranger").certificateAuthority(0).build()
            .certificate();
        TlsaRecordSet rootRecord = TlsaRecordSet.of(TlsaRecord.forCertificate(2, 1, 1, root));

        DaneVerdict reversed = verifier.verify(List.of(leaf, root, intermediate), rootRecord, NAMES);
        assertThat(reversed.isAuthenticated()).as("%s", reversed).isTrue();
        assertThat(reversed.matchedDepth()).hasValue(1);

        DaneVerdict withStranger = verifier.verify(List.of(leaf, stranger, intermediate, root), rootRecord, NAMES);
        assertThat(withStranger.isAuthenticated()).as("%s", withStranger).isTrue();
        assertThat(withStranger.matchedDepth()).hasValue(3);

        DaneVerdict missingIntermediate = verifier.verify(List.of(leaf, root), rootRecord, NAMES);
        assertThat(missingIntermediate.resultType()).hasValue("validation-failure");
        assertThat(missingIntermediate.detail()).contains("no path from the leaf");
    }

    /**
     * A DANE-TA(2) digest of the leaf is no trust anchor: the anchor issues the leaf, so it is looked for above it.
     * A {@code 2 0 0}/{@code 2 1 0} of a self-signed leaf carries the anchor itself, which then issued the leaf: the
     * publisher vouches for exactly that certificate, and dates and names are checked as for any DANE-TA path.
     */
    @Test
    void aDaneTaDigestNeverMatchesTheLeafItself() {
        TestCertificate selfSigned = TestCertificate.builder().commonName("mx.partner.test")
            .addSubjectAlternativeName("mx.partner.test").build();
        for (int selector : new int[] {0, 1}) {
            for (int matching : new int[] {0, 1, 2}) {
                DaneVerdict verdict = verifier.verify(List.of(selfSigned.certificate()),
                    TlsaRecordSet.of(TlsaRecord.forCertificate(2, selector, matching, selfSigned.certificate())), NAMES);
                if (matching == 0) {
                    assertThat(verdict.isAuthenticated()).as("2 %d 0: %s", selector, verdict).isTrue();
                    assertThat(verdict.matchedDepth()).hasValue(1);
                    assertThat(verdict.trustAnchorFromRecord()).isTrue();
                    assertThat(verifier.verify(List.of(selfSigned.certificate()), TlsaRecordSet.of(
                        TlsaRecord.forCertificate(2, selector, 0, selfSigned.certificate())), List.of("mx.other.test"))
                        .resultType()).hasValue("certificate-host-mismatch");
                } else {
                    assertThat(verdict.resultType()).as("2 %d %d", selector, matching).hasValue("validation-failure");
                }
            }
        }
    }

    @Test
    void aLeafFromAnotherKeyUnderTheAnchorsNameFails() {
        Case cell = DaneMatrixFixtures.of(Shape.TA_ABSENT, Validity.VALID, Names.EXACT);
        X509Certificate root = cell.trustAnchor;
        // same issuer name as the real intermediate, different key: the path's signature check must fail
        TestCertificate impostorRoot = TestCertificate.builder()
            .commonName(DaneMatrixFixtures.of(Shape.TA_ABSENT, Validity.VALID, Names.EXACT).chain.get(1)
                .getSubjectX500Principal().getName().replace("CN=", "")).certificateAuthority(0).build();
        TestCertificate impostorLeaf = TestCertificate.builder().commonName("mx.partner.test")
            .addSubjectAlternativeName("mx.partner.test").signedBy(impostorRoot).build();
        for (int selector : new int[] {0, 1}) {
            DaneVerdict verdict = verifier.verify(List.of(impostorLeaf.certificate(), cell.chain.get(1)),
                TlsaRecordSet.of(TlsaRecord.forCertificate(2, selector, 0, root)), NAMES);
            assertThat(verdict.resultType()).as("%s", verdict).hasValue("validation-failure");
        }
    }

    @Test
    void aNonCaCertificateCannotIssueOnTheWayToTheAnchor() {
        Case cell = DaneMatrixFixtures.of(Shape.LEAF_ONLY, Validity.VALID, Names.EXACT);
        TestCertificate anchor = TestCertificate.builder().commonName("non-ca anchor").certificateAuthority(1).build();
        TestCertificate notACa = TestCertificate.builder().commonName("not a ca").signedBy(anchor).build();
        TestCertificate leaf = TestCertificate.builder().commonName("mx.partner.test")
            .addSubjectAlternativeName("mx.partner.test").signedBy(notACa).build();
        DaneVerdict verdict = verifier.verify(List.of(leaf.certificate(), notACa.certificate(), anchor.certificate()),
            TlsaRecordSet.of(TlsaRecord.forCertificate(2, 1, 1, anchor.certificate())), NAMES);
        assertThat(verdict.resultType()).as("%s", verdict).hasValue("validation-failure");
        assertThat(cell.chain).hasSize(1);
    }

    @Test
    void datesMatterForDaneTaAndNotForDaneEe() {
        Case cell = DaneMatrixFixtures.of(Shape.LEAF_INTERMEDIATE, Validity.VALID, Names.EXACT);
        TlsaRecordSet ee = TlsaRecordSet.of(TlsaRecord.forCertificate(3, 1, 1, cell.leaf));
        TlsaRecordSet ta = TlsaRecordSet.of(TlsaRecord.forCertificate(2, 1, 1, cell.trustAnchor));
        Instant now = Instant.now();
        for (Duration shift : List.of(Duration.ofDays(-2), Duration.ofDays(400))) {
            DaneCertificateVerifier at = new DaneCertificateVerifier(Clock.fixed(now.plus(shift), ZoneOffset.UTC));
            assertThat(at.verify(cell.chain, ee, NAMES).isAuthenticated()).isTrue();
            DaneVerdict verdict = at.verify(cell.chain, ta, NAMES);
            assertThat(verdict.resultType()).as("%s", verdict)
                .hasValue(shift.isNegative() ? "validation-failure" : "certificate-expired");
        }
        assertThat(verifier.verify(cell.chain, ta, NAMES).isAuthenticated()).isTrue();
    }

    @Test
    void referenceNamesAreNamesNeverPatterns() {
        Case wildcard = DaneMatrixFixtures.of(Shape.LEAF_INTERMEDIATE, Validity.VALID, Names.WILDCARD);
        TlsaRecordSet ta = TlsaRecordSet.of(TlsaRecord.forCertificate(2, 0, 1, wildcard.trustAnchor));
        assertThat(verifier.verify(wildcard.chain, ta, List.of("MX.Partner.Test.")).isAuthenticated()).isTrue();
        assertThat(verifier.verify(wildcard.chain, ta, List.of("a.mx.partner.test")).resultType())
            .hasValue("certificate-host-mismatch");
        assertThat(verifier.verify(wildcard.chain, ta, List.of("partner.test")).resultType())
            .hasValue("certificate-host-mismatch");
        assertThat(verifier.verify(wildcard.chain, ta, List.of("*.partner.test", ".partner.test")).resultType())
            .hasValue("certificate-host-mismatch");
        DaneVerdict none = verifier.verify(wildcard.chain, ta, List.of());
        assertThat(none.resultType()).hasValue("certificate-host-mismatch");
        assertThat(none.detail()).contains("none given");
        assertThat(verifier.verify(wildcard.chain, TlsaRecordSet.of(TlsaRecord.forCertificate(3, 1, 1,
            wildcard.leaf)), null).isAuthenticated()).isTrue();
    }

    @Test
    void noCertificateAndNoRecordsHaveTheirOwnVerdicts() {
        Case cell = DaneMatrixFixtures.of(Shape.LEAF_INTERMEDIATE, Validity.VALID, Names.EXACT);
        DaneVerdict noChain = verifier.verify(List.of(),
            TlsaRecordSet.of(TlsaRecord.forCertificate(3, 1, 1, cell.leaf)), NAMES);
        assertThat(noChain.status()).isEqualTo(DaneVerdict.Status.FAILED);
        assertThat(noChain.resultType()).hasValue("validation-failure");

        DaneVerdict empty = verifier.verify(cell.chain, TlsaRecordSet.of(), NAMES);
        assertThat(empty.isMandatoryTlsUnauthenticated()).isTrue();
        assertThat(empty.resultType()).hasValue("tlsa-invalid");
        assertThat(empty.detail()).isEqualTo("no TLSA record");

        DaneVerdict unusable = verifier.verify(cell.chain, TlsaRecordSet.fromPresentation(List.of(
            "1 1 1 " + "00".repeat(32), "3 1 1 " + "00".repeat(31), "garbage")), NAMES);
        assertThat(unusable.status()).isEqualTo(DaneVerdict.Status.NO_USABLE_RECORDS);
        assertThat(unusable.isMandatoryTlsUnauthenticated()).isTrue();
        assertThat(unusable.matchedRecord()).isEmpty();
        assertThat(unusable.detail()).isEqualTo("no usable TLSA record (1 1 1: PKIX usage, unusable for SMTP"
            + " (RFC 7672 3.1.3); 3 1 1: digest length does not match the matching type; 1 malformed)");
    }

    @Test
    void anAuthenticatedVerdictNamesItsRecordUsageAndDepth() {
        Case cell = DaneMatrixFixtures.of(Shape.TA_ABSENT, Validity.VALID, Names.EXACT);
        TlsaRecord anchor = TlsaRecord.forCertificate(2, 0, 0, cell.trustAnchor);
        DaneVerdict verdict = verifier.verify(cell.chain, TlsaRecordSet.of(
            TlsaRecord.forCertificate(3, 1, 1, cell.chain.get(1)), anchor), NAMES);
        assertThat(verdict.isAuthenticated()).isTrue();
        assertThat(verdict.matchedRecord()).contains(anchor);
        assertThat(verdict.matchedUsage()).hasValue(2);
        assertThat(verdict.matchedDepth()).hasValue(2);
        assertThat(verdict.trustAnchorFromRecord()).isTrue();
        assertThat(verdict.failure()).isEmpty();
        assertThat(verdict.detail()).isEqualTo("DANE-TA 2 0 0 at depth 2 (trust anchor from the record), leaf names"
            + " mx.partner.test");
    }
}
