package dev.tlsprovenance.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.dane.DaneMatrixFixtures.Case;
import dev.tlsprovenance.dane.DaneMatrixFixtures.Names;
import dev.tlsprovenance.dane.DaneMatrixFixtures.Shape;
import dev.tlsprovenance.dane.DaneMatrixFixtures.Validity;

/**
 * The generated matrix: usage {0,1,2,3,255} x selector {0,1,2} x matching {0,1,2,7} x data {right, one byte off,
 * truncated} x chain shape x names x validity, one record per case. The expected verdict comes from
 * {@link #expected}, a model of RFC 7672 written from the RFC's text, sharing nothing with the code under test.
 */
class DaneCertificateVerifierMatrixTest {
    private static final int[] USAGES = {0, 1, 2, 3, 255};
    private static final int[] SELECTORS = {0, 1, 2};
    private static final int[] MATCHING_TYPES = {0, 1, 2, 7};

    enum Data { RIGHT, ONE_BYTE_OFF, TRUNCATED }

    /** What the RFC says the verdict is: status, result type, depth and whether the anchor came from the record. */
    static final class Expected {
        final DaneVerdict.Status status;
        final String resultType;
        final Integer depth;
        final boolean anchorFromRecord;

        Expected(DaneVerdict.Status status, String resultType, Integer depth, boolean anchorFromRecord) {
            this.status = status;
            this.resultType = resultType;
            this.depth = depth;
            this.anchorFromRecord = anchorFromRecord;
        }

        static Expected of(DaneVerdict verdict) {
            return new Expected(verdict.status(), verdict.resultType().orElse(null),
                verdict.matchedDepth().isPresent() ? verdict.matchedDepth().getAsInt() : null,
                verdict.trustAnchorFromRecord());
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Expected)) {
                return false;
            }
            Expected that = (Expected) other;
            return status == that.status && Objects.equals(resultType, that.resultType)
                && Objects.equals(depth, that.depth) && anchorFromRecord == that.anchorFromRecord;
        }

        @Override
        public int hashCode() {
            return Objects.hash(status, resultType, depth, anchorFromRecord);
        }

        @Override
        public String toString() {
            return status + (resultType == null ? "" : " " + resultType) + (depth == null ? "" : " depth " + depth)
                + (anchorFromRecord ? " anchor-from-record" : "");
        }
    }

    private static Expected authenticated(int depth, boolean fromRecord) {
        return new Expected(DaneVerdict.Status.AUTHENTICATED, null, depth, fromRecord);
    }

    private static Expected failed(String resultType) {
        return new Expected(DaneVerdict.Status.FAILED, resultType, null, false);
    }

    /** RFC 7672 (and RFC 7671 5.2.2 for an anchor the server leaves out), case by case. */
    static Expected expected(int usage, int selector, int matching, Data data, Shape shape, Names names,
                             Validity validity) {
        boolean knownParameters = (usage == 2 || usage == 3) && (selector == 0 || selector == 1)
            && (matching == 0 || matching == 1 || matching == 2);
        boolean digestOfWrongLength = data == Data.TRUNCATED && matching != 0;
        if (!knownParameters || digestOfWrongLength) {
            // 3.1.3: PKIX usages unusable; unknown parameters and malformed digests unusable; 2.2: TLS, no auth
            return new Expected(DaneVerdict.Status.NO_USABLE_RECORDS, "tlsa-invalid", null, false);
        }
        if (data != Data.RIGHT) {
            return failed("validation-failure");
        }
        if (usage == 3) {
            // 3.1.1: the leaf key or certificate is all that counts; no names, no dates
            return authenticated(0, false);
        }
        if (!shape.anchorInChain && matching != 0) {
            // a digest cannot stand in for an anchor the server did not send
            return failed("validation-failure");
        }
        if (validity == Validity.EXPIRED_LEAF) {
            return failed("certificate-expired");
        }
        boolean anchorHasDates = shape.anchorInChain || selector == 0;
        if (validity == Validity.EXPIRED_TA && anchorHasDates) {
            return failed("certificate-expired");
        }
        if (names == Names.WRONG) {
            // 3.2.3: DNS-IDs first, CN only without DNS-IDs, wildcard as the whole left-most label
            return failed("certificate-host-mismatch");
        }
        return authenticated(shape.anchorDepth, !shape.anchorInChain);
    }

    private static TlsaRecord record(int usage, int selector, int matching, Data data, Case cell) {
        X509Certificate target = usage == 0 || usage == 2 ? cell.trustAnchor : cell.leaf;
        byte[] right = DaneMatrixFixtures.associationData(target, selector, matching);
        byte[] bytes = data == Data.RIGHT ? right
            : data == Data.ONE_BYTE_OFF ? DaneMatrixFixtures.oneByteOff(right) : DaneMatrixFixtures.truncated(right);
        return TlsaRecord.of(usage, selector, matching, bytes);
    }

    @Test
    void everyCellOfTheMatrixGetsTheRfcVerdict() {
        DaneCertificateVerifier verifier = new DaneCertificateVerifier(Clock.systemUTC());
        List<String> mismatches = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        int cases = 0;
        for (Shape shape : Shape.values()) {
            for (Validity validity : Validity.values()) {
                for (Names names : Names.values()) {
                    Case cell = DaneMatrixFixtures.of(shape, validity, names);
                    for (int usage : USAGES) {
                        for (int selector : SELECTORS) {
                            for (int matching : MATCHING_TYPES) {
                                for (Data data : Data.values()) {
                                    cases++;
                                    TlsaRecord record = record(usage, selector, matching, data, cell);
                                    DaneVerdict verdict = verifier.verify(cell.chain, TlsaRecordSet.of(record),
                                        DaneMatrixFixtures.REFERENCE_NAMES);
                                    Expected want = expected(usage, selector, matching, data, shape, names, validity);
                                    Expected got = Expected.of(verdict);
                                    outcomes.merge(want.toString(), 1, Integer::sum);
                                    boolean recordReported = verdict.isAuthenticated()
                                        ? verdict.matchedRecord().orElseThrow().equals(record)
                                            && verdict.matchedUsage().getAsInt() == usage
                                        : verdict.matchedRecord().isEmpty();
                                    if (!want.equals(got) || !recordReported) {
                                        mismatches.add(usage + " " + selector + " " + matching + " " + data + " "
                                            + shape + " " + names + " " + validity + ": expected " + want + ", got "
                                            + verdict);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(cases).isEqualTo(5 * 3 * 4 * 3 * 4 * 4 * 3);
        // the matrix exercises every outcome the RFC has, not just one
        assertThat(outcomes).containsOnlyKeys(
            "NO_USABLE_RECORDS tlsa-invalid",
            "FAILED validation-failure",
            "FAILED certificate-expired",
            "FAILED certificate-host-mismatch",
            "AUTHENTICATED depth 0",
            "AUTHENTICATED depth 1",
            "AUTHENTICATED depth 1 anchor-from-record",
            "AUTHENTICATED depth 2",
            "AUTHENTICATED depth 2 anchor-from-record");
    }
}
