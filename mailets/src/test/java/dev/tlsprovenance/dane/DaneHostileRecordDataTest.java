package dev.tlsprovenance.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.dane.DaneMatrixFixtures.Case;
import dev.tlsprovenance.dane.DaneMatrixFixtures.Names;
import dev.tlsprovenance.dane.DaneMatrixFixtures.Shape;
import dev.tlsprovenance.dane.DaneMatrixFixtures.Validity;

/**
 * A {@code 2 0 0} or {@code 2 1 0} record carries a trust anchor the verifier must parse: generated hostile data
 * (every octet flipped, every prefix) never throws, and authenticates only when what it still carries is the real
 * anchor's key under the real anchor's name.
 */
class DaneHostileRecordDataTest {
    private final DaneCertificateVerifier verifier = new DaneCertificateVerifier(Clock.systemUTC());

    @Test
    void everyFlippedOctetAndEveryPrefixOfAnAnchorIsJudgedWithoutAnException() throws Exception {
        Case cell = DaneMatrixFixtures.of(Shape.LEAF_ONLY, Validity.VALID, Names.EXACT);
        PublicKey realKey = cell.trustAnchor.getPublicKey();
        int judged = 0;
        int authenticated = 0;
        List<String> wrong = new ArrayList<>();
        for (int selector : new int[] {0, 1}) {
            byte[] right = DaneMatrixFixtures.associationData(cell.trustAnchor, selector, 0);
            List<byte[]> hostile = new ArrayList<>();
            for (int position = 0; position < right.length; position++) {
                byte[] flipped = right.clone();
                flipped[position] ^= (byte) 0xff;
                hostile.add(flipped);
                hostile.add(Arrays.copyOf(right, position));
            }
            hostile.add(Arrays.copyOf(right, right.length + 1));
            for (byte[] data : hostile) {
                TlsaRecord record = TlsaRecord.of(2, selector, 0, data);
                DaneVerdict verdict = verifier.verify(cell.chain, TlsaRecordSet.of(record),
                    DaneMatrixFixtures.REFERENCE_NAMES);
                judged++;
                if (verdict.isAuthenticated()) {
                    authenticated++;
                    if (selector == 1 || !carriesTheRealAnchor(data, cell.trustAnchor, realKey)) {
                        wrong.add(record.presentation() + " authenticated: " + verdict);
                    }
                } else if (!verdict.resultType().equals(java.util.Optional.of("validation-failure"))
                    && !(data.length == 0 && verdict.isMandatoryTlsUnauthenticated())) {
                    wrong.add(record.presentation() + ": " + verdict);
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(judged).isGreaterThan(1000);
        // flips inside the anchor certificate's own signature leave its key and name intact: the record still
        // carries the anchor (DANE does not ask for the anchor's self-signature), so some of those authenticate
        assertThat(authenticated).isPositive();
    }

    private static boolean carriesTheRealAnchor(byte[] data, X509Certificate anchor, PublicKey realKey) {
        try {
            X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(data));
            return parsed.getPublicKey().equals(realKey)
                && parsed.getSubjectX500Principal().equals(anchor.getSubjectX500Principal());
        } catch (Exception unreadable) {
            return false;
        }
    }
}
