package dev.tlsprovenance.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

class TlsaRecordTest {
    /**
     * A fixed self-signed EC P-256 certificate (public data only; made once with {@code openssl req -x509}) and its
     * TLSA data as {@code openssl x509 -pubkey | openssl pkey -pubin -outform DER | openssl dgst} printed them.
     */
    private static final String KAT_CERTIFICATE = "-----BEGIN CERTIFICATE-----\n"
        + "MIIBmzCCAUGgAwIBAgIUMA6VqrS6vannU3zo4B8jhT6nUQ0wCgYIKoZIzj0EAwIw\n"
        + "FjEUMBIGA1UEAwwLbXgua2F0LnRlc3QwIBcNMjYxMjAyMDM0NDI4WhgPMjEyNjEx\n"
        + "MDgwMzQ0MjhaMBYxFDASBgNVBAMMC214LmthdC50ZXN0MFkwEwYHKoZIzj0CAQYI\n"
        + "KoZIzj0DAQcDQgAEDHEXsvXNjMrt10AnRCXcuVbRAzFfNHTe3ENtYSecP6CzSDZA\n"
        + "eAnWeJ728w7wTHESkh8qB3yX9AkmHogScisqPqNrMGkwHQYDVR0OBBYEFLHyUxLo\n"
        + "nKUNMAPktY46nCSEZ/xsMB8GA1UdIwQYMBaAFLHyUxLonKUNMAPktY46nCSEZ/xs\n"
        + "MA8GA1UdEwEB/wQFMAMBAf8wFgYDVR0RBA8wDYILbXgua2F0LnRlc3QwCgYIKoZI\n"
        + "zj0EAwIDSAAwRQIhAJuIPDi06yCkJ/H0uKZuixf59yTirbiKrPmjS/XJkKwGAiBt\n"
        + "w+ylsfEY3Qu/VI1eT/O2wLLwEsLiw4MkclPgF2PJDQ==\n"
        + "-----END CERTIFICATE-----\n";
    private static final String KAT_SPKI_SHA256 = "362a63df93435d403244ca57cc1ae59619baa7d1fafafd2088b6750de12fc4bf";
    private static final String KAT_CERT_SHA256 = "a754407db7190977b74d9b293ca66cb9a42c132cad56acd117b8d292f4a5e614";
    private static final String KAT_SPKI_SHA512 = "02f9811e1d91f2a5a58771d2b48f43a8b58cef62a377e8d87883d5ceb219c39c"
        + "4d16dbdcb2e8ce65f670d34748e25bdde3c595441a3fac76d76895401e697ff3";

    @TempDir
    Path directory;

    @Test
    void fixedCertificateGivesTheKnownAnswers() throws Exception {
        X509Certificate certificate = parse(KAT_CERTIFICATE);
        assertThat(hex(TlsaRecord.forCertificate(3, 1, 1, certificate).associationData())).isEqualTo(KAT_SPKI_SHA256);
        assertThat(hex(TlsaRecord.forCertificate(3, 0, 1, certificate).associationData())).isEqualTo(KAT_CERT_SHA256);
        assertThat(hex(TlsaRecord.forCertificate(3, 1, 2, certificate).associationData())).isEqualTo(KAT_SPKI_SHA512);
        assertThat(TlsaRecord.forCertificate(3, 1, 1, certificate).presentation())
            .isEqualTo("3 1 1 " + KAT_SPKI_SHA256.toUpperCase(Locale.ROOT));
        assertThat(TlsaRecord.forCertificate(3, 0, 0, certificate).associationData())
            .isEqualTo(certificate.getEncoded());
    }

    /** Certificates minted now (EC and RSA), hashed by openssl when the machine has it, else by BouncyCastle. */
    @Test
    void mintedCertificatesHashAsOpensslOrBouncyCastleSays() throws Exception {
        List<TestCertificate> certificates = List.of(TestPki.shared().peer("mx.kat.test"),
            TestCertificate.builder().commonName("rsa.kat.test").rsa2048().signedBy(TestPki.shared().intermediate())
                .build());
        for (TestCertificate minted : certificates) {
            X509Certificate certificate = minted.certificate();
            String spkiSha256 = independentHash(minted, true, "sha256");
            String certSha256 = independentHash(minted, false, "sha256");
            String spkiSha512 = independentHash(minted, true, "sha512");
            assertThat(hex(TlsaRecord.forCertificate(3, 1, 1, certificate).associationData())).isEqualTo(spkiSha256);
            assertThat(hex(TlsaRecord.forCertificate(2, 0, 1, certificate).associationData())).isEqualTo(certSha256);
            assertThat(hex(TlsaRecord.forCertificate(3, 1, 2, certificate).associationData())).isEqualTo(spkiSha512);
            assertThat(TlsaRecord.fromPresentation("3 1 1 " + spkiSha256).orElseThrow().matches(certificate)).isTrue();
        }
    }

    @Test
    void presentationFormsAreReadAsZoneFilesWriteThem() {
        String hex = "0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef";
        TlsaRecord record = TlsaRecord.fromPresentation("  3 1 1 " + hex.substring(0, 20) + " \t"
            + hex.substring(20) + "\n").orElseThrow();
        assertThat(record.usage()).isEqualTo(3);
        assertThat(record.selector()).isEqualTo(1);
        assertThat(record.matchingType()).isEqualTo(1);
        assertThat(record.presentation()).isEqualTo("3 1 1 " + hex.toUpperCase(Locale.ROOT));
        assertThat(record.isUsable()).isTrue();
        assertThat(TlsaRecord.fromPresentation(record.presentation())).contains(record);
    }

    @Test
    void wireAndPresentationFormsAgree() {
        byte[] data = new byte[64];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        for (int usage : new int[] {0, 2, 3, 255}) {
            for (int selector : new int[] {0, 1, 200}) {
                for (int matching : new int[] {0, 2, 255}) {
                    byte[] rdata = new byte[3 + data.length];
                    rdata[0] = (byte) usage;
                    rdata[1] = (byte) selector;
                    rdata[2] = (byte) matching;
                    System.arraycopy(data, 0, rdata, 3, data.length);
                    TlsaRecord wire = TlsaRecord.fromWire(rdata).orElseThrow();
                    assertThat(wire).isEqualTo(TlsaRecord.of(usage, selector, matching, data));
                    assertThat(TlsaRecord.fromPresentation(wire.presentation())).contains(wire);
                    assertThat(wire.usage()).isEqualTo(usage);
                    assertThat(wire.selector()).isEqualTo(selector);
                    assertThat(wire.matchingType()).isEqualTo(matching);
                }
            }
        }
    }

    /** Every way a text or RDATA is not a TLSA record: empty, never an exception. */
    @Test
    void malformedInputsAreEmptyNotExceptions() {
        List<String> texts = new ArrayList<>(List.of("", "   ", "3", "3 1", "3 1 1", "3 1 1 abc", "3 1 1 zz",
            "256 1 1 00", "3 256 1 00", "3 1 256 00", "-1 1 1 00", "3 x 1 00", "3 1 1 0x00", "1000 1 1 00"));
        texts.add(null);
        for (String text : texts) {
            assertThat(TlsaRecord.fromPresentation(text)).as("%s", text).isEmpty();
        }
        for (byte[] rdata : new byte[][] {null, {}, {3}, {3, 1}}) {
            assertThat(TlsaRecord.fromWire(rdata)).isEmpty();
        }
        assertThat(TlsaRecord.fromWire(new byte[] {3, 1, 1})).map(TlsaRecord::usability)
            .contains(TlsaRecord.Usability.EMPTY_DATA);
        TlsaRecordSet set = TlsaRecordSet.fromPresentation(texts.subList(0, 6));
        assertThat(set.records()).isEmpty();
        assertThat(set.malformedCount()).isEqualTo(6);
        assertThat(set.allUnusable()).isTrue();
        assertThatThrownBy(() -> TlsaRecord.of(256, 1, 1, new byte[32])).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("usage");
    }

    @Test
    void unusableRecordsAreKeptAndSayWhy() {
        byte[] sha256 = new byte[32];
        assertThat(TlsaRecord.of(0, 0, 1, sha256).usability()).isEqualTo(TlsaRecord.Usability.PKIX_USAGE);
        assertThat(TlsaRecord.of(1, 1, 1, sha256).usability()).isEqualTo(TlsaRecord.Usability.PKIX_USAGE);
        assertThat(TlsaRecord.of(4, 1, 1, sha256).usability()).isEqualTo(TlsaRecord.Usability.UNKNOWN_USAGE);
        assertThat(TlsaRecord.of(3, 2, 1, sha256).usability()).isEqualTo(TlsaRecord.Usability.UNKNOWN_SELECTOR);
        assertThat(TlsaRecord.of(3, 1, 3, sha256).usability()).isEqualTo(TlsaRecord.Usability.UNKNOWN_MATCHING_TYPE);
        assertThat(TlsaRecord.of(3, 1, 1, new byte[31]).usability())
            .isEqualTo(TlsaRecord.Usability.WRONG_DIGEST_LENGTH);
        assertThat(TlsaRecord.of(3, 1, 2, sha256).usability()).isEqualTo(TlsaRecord.Usability.WRONG_DIGEST_LENGTH);
        assertThat(TlsaRecord.of(3, 1, 2, new byte[64]).usability()).isEqualTo(TlsaRecord.Usability.USABLE);
        assertThat(TlsaRecord.of(2, 0, 0, new byte[5]).usability()).isEqualTo(TlsaRecord.Usability.USABLE);

        TlsaRecordSet set = TlsaRecordSet.fromPresentation(List.of("1 1 1 " + "00".repeat(32), "3 1 1 " + "ab".repeat(32),
            "not a record"));
        assertThat(set.policyStrings()).containsExactly("1 1 1 " + "00".repeat(32), "3 1 1 " + "AB".repeat(32));
        assertThat(set.usableRecords()).hasSize(1);
        assertThat(set.malformedCount()).isEqualTo(1);
        assertThat(set.allUnusable()).isFalse();
    }

    @Test
    void associationDataIsACopy() {
        byte[] data = new byte[32];
        TlsaRecord record = TlsaRecord.of(3, 1, 1, data);
        data[0] = 1;
        record.associationData()[1] = 1;
        assertThat(record.associationData()).isEqualTo(new byte[32]);
    }

    private String independentHash(TestCertificate minted, boolean spki, String digest) throws Exception {
        Path pem = directory.resolve("cert-" + System.nanoTime() + ".pem");
        Files.writeString(pem, minted.certificatePem());
        String script = spki
            ? "openssl x509 -in '" + pem + "' -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -"
                + digest + " -r"
            : "openssl x509 -in '" + pem + "' -outform DER | openssl dgst -" + digest + " -r";
        if (Files.isExecutable(Path.of("/usr/bin/openssl"))) {
            Process process = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
            String output;
            try (InputStream out = process.getInputStream()) {
                output = new String(out.readAllBytes(), StandardCharsets.US_ASCII).trim();
            }
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            return output.split("\\s+")[0];
        }
        byte[] content = spki
            ? new X509CertificateHolder(minted.certificate().getEncoded()).getSubjectPublicKeyInfo().getEncoded()
            : minted.certificate().getEncoded();
        return hex(MessageDigest.getInstance(digest.equals("sha256") ? "SHA-256" : "SHA-512").digest(content));
    }

    private static X509Certificate parse(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }
}
