package dev.tlsprovenance.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

class RecordSealTest {
    private static final byte[] THIS_DEPLOYMENT = "this deployment's record key, 32+ bytes".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OTHER_DEPLOYMENT = "another deployment's record key, 32+ b".getBytes(StandardCharsets.US_ASCII);
    private static final RecordSeal SEAL = RecordSeal.of(THIS_DEPLOYMENT);

    private static Map<String, String> genuine() {
        return ProvenanceSamples.starttlsInboundWithClientCertificate().toFields();
    }

    @Test
    void aSealedRecordVerifiesAndSaysWhichKeySealedIt() {
        Map<String, String> sealed = SEAL.seal(genuine());

        assertThat(SEAL.verify(sealed).valid()).isTrue();
        assertThat(sealed.get(RecordSeal.FIELD)).startsWith("v1:" + SEAL.currentKeyId() + ":").hasSize(2 + 1 + 16 + 1 + 43);
        assertThat(sealed).containsAllEntriesOf(genuine());
    }

    /**
     * The MAC is HMAC-SHA256 of the canonical input under the secret, computed here with a Mac of its own: the keyed
     * Mac each key clones per call must give exactly that, from many threads at once too.
     */
    @Test
    void theSealIsHmacSha256OfTheCanonicalInputAlsoWhenManyThreadsSealAtOnce() throws Exception {
        Mac reference = Mac.getInstance("HmacSHA256");
        reference.init(new SecretKeySpec(THIS_DEPLOYMENT, "HmacSHA256"));
        List<Map<String, String>> records = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Map<String, String> fields = new LinkedHashMap<>(genuine());
            fields.put(TlsProvenance.Fields.SESSION, "session-" + i);
            records.add(fields);
        }
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Map<String, String>>> sealed = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                for (Map<String, String> fields : records) {
                    sealed.add(threads.submit(() -> SEAL.seal(fields)));
                }
            }
            for (int i = 0; i < sealed.size(); i++) {
                Map<String, String> fields = records.get(i % records.size());
                String expected = "v1:" + SEAL.currentKeyId() + ":" + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(reference.doFinal(RecordSeal.canonicalInput(SEAL.currentKeyId(), fields)));
                Map<String, String> result = sealed.get(i).get();
                assertThat(result.get(RecordSeal.FIELD)).as("seal %d", i).isEqualTo(expected);
                assertThat(SEAL.verify(result).valid()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theOrderOfTheFieldsDoesNotMatter() {
        Map<String, String> sealed = SEAL.seal(genuine());
        List<String> names = new ArrayList<>(sealed.keySet());
        java.util.Collections.reverse(names);
        Map<String, String> reordered = new LinkedHashMap<>();
        names.forEach(name -> reordered.put(name, sealed.get(name)));

        assertThat(SEAL.verify(reordered).valid()).isTrue();
        assertThat(SEAL.verify(new HashMap<>(sealed)).valid()).isTrue();
    }

    /** Every field is covered: changing, removing or adding any one of them breaks the seal. */
    @Test
    void everyFieldIsCovered() {
        Map<String, String> sealed = SEAL.seal(genuine());
        assertThat(sealed.keySet()).hasSizeGreaterThan(15);
        for (String name : genuine().keySet()) {
            Map<String, String> changed = new LinkedHashMap<>(sealed);
            changed.put(name, sealed.get(name) + "x");
            assertThat(SEAL.verify(changed).reason()).as("changed %s", name)
                .isEqualTo("the seal does not match the record's fields (altered, or sealed with another secret)");

            Map<String, String> removed = new LinkedHashMap<>(sealed);
            removed.remove(name);
            assertThat(SEAL.verify(removed).valid()).as("removed %s", name).isFalse();
        }
        Map<String, String> added = new LinkedHashMap<>(sealed);
        added.put("trusted", "yes");
        assertThat(SEAL.verify(added).valid()).as("a field the sealer did not write").isFalse();
        Map<String, String> emptied = new LinkedHashMap<>(sealed);
        emptied.put(TlsProvenance.Fields.HELO, "");
        assertThat(SEAL.verify(emptied).valid()).isFalse();
    }

    @Test
    void aCleartextRecordMadeToSayStartTlsIsRejected() {
        Map<String, String> sealed = SEAL.seal(ProvenanceSamples.cleartextInbound().toFields());
        Map<String, String> forged = new LinkedHashMap<>(sealed);
        forged.put(TlsProvenance.Fields.TRANSPORT, "starttls");
        forged.put(TlsProvenance.Fields.PROTOCOL, "TLSv1.3");
        forged.put(TlsProvenance.Fields.CIPHER, "TLS_AES_256_GCM_SHA384");

        assertThat(SEAL.verify(sealed).valid()).isTrue();
        assertThat(SEAL.verify(forged).valid()).isFalse();
    }

    @Test
    void aRecordFromAnotherDeploymentIsRejectedByItsKeyId() {
        Map<String, String> theirs = RecordSeal.of(OTHER_DEPLOYMENT).seal(genuine());

        assertThat(SEAL.verify(theirs).reason()).startsWith("the seal names key " + RecordSeal.of(OTHER_DEPLOYMENT).currentKeyId()
            + ", which this server does not hold");
    }

    @Test
    void aForgerWhoCopiesOurKeyIdStillCannotMakeTheMac() {
        Map<String, String> theirs = RecordSeal.of(OTHER_DEPLOYMENT).seal(genuine());
        String[] parts = theirs.get(RecordSeal.FIELD).split(":");
        theirs.put(RecordSeal.FIELD, parts[0] + ":" + SEAL.currentKeyId() + ":" + parts[2]);

        assertThat(SEAL.verify(theirs).reason()).startsWith("the seal does not match");
    }

    @Test
    void malformedSealsAreRejectedWithoutThrowing() {
        List<String> seals = List.of("", "v1", "v1:", "v1::", "v2:" + SEAL.currentKeyId() + ":AAAA", "v1:" + SEAL.currentKeyId(),
            "v1:" + SEAL.currentKeyId() + ":", "v1:" + SEAL.currentKeyId() + ":not base64!", "v1:" + SEAL.currentKeyId() + ":AAAA:extra",
            "v1:" + SEAL.currentKeyId() + ":" + SEAL.seal(genuine()).get(RecordSeal.FIELD).split(":")[2].substring(1));
        for (String seal : seals) {
            Map<String, String> fields = new LinkedHashMap<>(genuine());
            fields.put(RecordSeal.FIELD, seal);
            assertThat(SEAL.verify(fields).valid()).as("seal '%s'", seal).isFalse();
        }
        assertThat(SEAL.verify(genuine()).reason()).isEqualTo("the record has no seal");
    }

    @Test
    void rotationSealsWithTheFirstKeyAndStillAcceptsTheOlderOnes() {
        Map<String, String> old = RecordSeal.of(OTHER_DEPLOYMENT).seal(genuine());
        RecordSeal rotated = RecordSeal.of(List.of(THIS_DEPLOYMENT, OTHER_DEPLOYMENT));

        assertThat(rotated.verify(old).valid()).isTrue();
        assertThat(rotated.seal(genuine()).get(RecordSeal.FIELD)).contains(":" + SEAL.currentKeyId() + ":");
        assertThat(rotated.keyIds()).containsExactly(SEAL.currentKeyId(), RecordSeal.of(OTHER_DEPLOYMENT).currentKeyId());
        assertThat(SEAL.verify(old).valid()).as("once the old key is removed").isFalse();
    }

    @Test
    void sealingAgainReplacesTheOldSeal() {
        Map<String, String> once = SEAL.seal(genuine());
        assertThat(SEAL.seal(once)).isEqualTo(once);
    }

    @Test
    void shortKeysAreRefused() {
        assertThatThrownBy(() -> RecordSeal.of(new byte[31]))
            .hasMessage("a record key must have at least 32 bytes, this one has 31");
        assertThatThrownBy(() -> RecordSeal.of(List.of())).hasMessage("a record seal needs at least one key");
    }

    /**
     * Field values may contain anything a client or certificate put there (separators, NULs, digits that look like
     * lengths). Every way of cutting the same characters into names and values yields a different MAC input, so
     * no record can be re-cut into another one carrying the same seal.
     */
    @Test
    void canonicalInputCannotBeConfusedBySeparatorsInNamesOrValues() {
        List<String> separators = List.of("=", ";", ":", ",", "\"", "\\", "\0", "\n", " ", "\u0000\u0000\u0000\u0001", "\u00e9");
        Map<String, Map<String, String>> inputs = new HashMap<>();
        int maps = 0;
        for (String separator : separators) {
            String text = "ab" + separator + "cd" + separator + "ef";
            for (Map<String, String> fields : cuts(text)) {
                maps++;
                String input = Base64.getEncoder().encodeToString(RecordSeal.canonicalInput(SEAL.currentKeyId(), fields));
                Map<String, String> earlier = inputs.put(input, fields);
                assertThat(earlier == null || earlier.equals(fields)).as("%s and %s share a MAC input", earlier, fields).isTrue();
            }
        }
        assertThat(maps).as("generated field maps").isGreaterThan(500);
    }

    /** Every map of one or two fields whose names and values, concatenated in order, spell {@code text}. */
    private static List<Map<String, String>> cuts(String text) {
        List<Map<String, String>> result = new ArrayList<>();
        int length = text.length();
        for (int a = 1; a <= length; a++) {
            result.add(Map.of(text.substring(0, a), text.substring(a)));
            for (int b = a; b <= length; b++) {
                for (int c = b + 1; c <= length; c++) {
                    String firstName = text.substring(0, a);
                    String secondName = text.substring(b, c);
                    if (!firstName.equals(secondName)) {
                        Map<String, String> two = new LinkedHashMap<>();
                        two.put(firstName, text.substring(a, b));
                        two.put(secondName, text.substring(c));
                        result.add(two);
                    }
                }
            }
        }
        return result;
    }
}
