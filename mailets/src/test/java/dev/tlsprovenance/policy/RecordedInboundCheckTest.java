package dev.tlsprovenance.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Fingerprints;
import dev.tlsprovenance.provenance.ProvenanceSamples;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.testing.pki.TestPki;

/** The after-DATA judgement of a recorded hop: it accepts what the RCPT-time check verified, and never an unknown hop. */
class RecordedInboundCheckTest {
    private static final X509Certificate LEAF = TestPki.shared().client("mx.partner.test").certificate();
    private static final String KEY_PIN = Fingerprints.publicKeySha256(LEAF);

    @TempDir
    Path conf;
    private TlsPolicyTable table;

    @BeforeEach
    void table() throws Exception {
        Files.writeString(conf.resolve("partner-ca.pem"), TestPki.shared().root().certificatePem());
        table = TlsPolicyTable.parse("tls-policy.conf", new StringReader(String.join("\n",
            "partner.test inbound=require-verified-client-cert client-ca=partner-ca.pem client-names=mx.partner.test",
            "key-pin.test inbound=require-verified-client-cert client-ca=partner-ca.pem client-pins=" + KEY_PIN,
            "contoso1.microsoftonline.com inbound=require")), PolicyPathResolver.relativeTo(conf));
    }

    private static TlsProvenance hop(CertificateVerification verification) {
        return ProvenanceSamples.cleartextInbound().toBuilder().transport(Transport.STARTTLS).protocol("TLSv1.3")
            .cipherSuite("TLS_AES_256_GCM_SHA384").peerCertificate(CertificateSummary.of(LEAF)).peerVerification(verification).build();
    }

    @Test
    void aCertificateTheRcptCheckVerifiedPassesAfterData() {
        TlsProvenance verifiedAtRcpt = hop(CertificateVerification.verified("private-ca:" + conf.resolve("partner-ca.pem"),
            "namespace partner.test, name mx.partner.test"));
        assertThat(RecordedInboundCheck.violation(table.lookup("partner.test"), Optional.of(verifiedAtRcpt))).isEmpty();
    }

    @Test
    void aCertificateOnlyPresentedToTheListenerDoesNot() {
        TlsProvenance notChecked = hop(CertificateVerification.notChecked("listener requests client certificates without verifying them"));
        assertThat(RecordedInboundCheck.violation(table.lookup("partner.test"), Optional.of(notChecked)))
            .hasValueSatisfying(reason -> assertThat(reason).contains("but it was not verified (not-checked"));
    }

    @Test
    void aPublicKeyPinMatchedAtRcptPassesAlthoughTheRecordKeepsNoPublicKey() {
        TlsProvenance pinnedAtRcpt = hop(CertificateVerification.verified("private-ca:" + conf.resolve("partner-ca.pem"),
            "namespace key-pin.test, public-key pin " + KEY_PIN));
        TlsProvenance verifiedWithoutPin = hop(CertificateVerification.verified("listener-truststore"));

        assertThat(RecordedInboundCheck.violation(table.lookup("key-pin.test"), Optional.of(pinnedAtRcpt))).isEmpty();
        assertThat(RecordedInboundCheck.violation(table.lookup("key-pin.test"), Optional.of(verifiedWithoutPin)))
            .hasValueSatisfying(reason -> assertThat(reason).endsWith("but its fingerprint matches none of the pins"));
    }

    @Test
    void anUnknownHopNeverSatisfiesARequireRow() {
        TlsProvenance unknown = ProvenanceSamples.cleartextInbound().toBuilder().transport(Transport.UNKNOWN)
            .peerVerification(CertificateVerification.notChecked("no inbound TLS record sealed by this server: the record has no seal")).build();
        assertThat(RecordedInboundCheck.violation(table.lookup("contoso1.microsoftonline.com"), Optional.of(unknown))).contains(
            "namespace contoso1.microsoftonline.com (tls-policy.conf:3) requires TLS but the mail's inbound TLS record is not believed "
                + "(no inbound TLS record sealed by this server: the record has no seal)");
    }
}
