package dev.tlsprovenance.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Fingerprints;
import dev.tlsprovenance.testing.pki.TestPki;

class InboundTlsEnforcerTest {
    private static final TestPki PKI = TestPki.shared();

    @TempDir
    Path conf;

    private final InboundTlsEnforcer enforcer = new InboundTlsEnforcer(new ClientCertificateVerifier(Clock.systemUTC()));
    private TlsPolicyTable table;

    @BeforeEach
    void table() throws Exception {
        Files.writeString(conf.resolve("partner-ca.pem"), PKI.root().certificatePem());
        table = TlsPolicyTable.parse("tls-policy.conf", new StringReader(String.join("\n",
                "contoso1.microsoftonline.com inbound=require cleartext-reply=permanent",
                "partner.test inbound=require-verified-client-cert client-ca=partner-ca.pem client-names=mx.partner.test",
                "relaxed.test inbound=require require-tls-from-senders=no",
                "hosted.test inbound=require")), PolicyPathResolver.relativeTo(conf));
    }

    @Test
    void unprotectedRecipientAcceptedInCleartext() {
        InboundDecision decision = enforcer.forRecipient(table, "example.test", false, List::of);
        assertThat(decision.accepted()).isTrue();
        assertThat(decision.row().isDefault()).isTrue();
    }

    @Test
    void protectedRecipientRefusedInCleartextWithRfc3207Reply() {
        InboundDecision decision = enforcer.forRecipient(table, "contoso1.microsoftonline.com", false, List::of);
        assertThat(decision.accepted()).isFalse();
        assertThat(decision.replyCode()).isEqualTo("530");
        assertThat(decision.smtpDescription()).contains("5.7.0 Must issue a STARTTLS command first");
        assertThat(decision.row().source()).isEqualTo("tls-policy.conf:1");
    }

    @Test
    void withoutCleartextReplyTheRefusalIsTemporary() {
        InboundDecision recipient = enforcer.forRecipient(table, "hosted.test", false, List::of);
        assertThat(recipient.replyCode()).isEqualTo("450");
        assertThat(recipient.smtpDescription()).contains("4.7.0 Must issue a STARTTLS command first");
        InboundDecision sender = enforcer.forSender(table, "hosted.test", false, List::of);
        assertThat(sender.replyCode()).isEqualTo("450");
        assertThat(sender.smtpDescription()).contains(
                "4.7.10 TLS required for sender namespace hosted.test: Must issue a STARTTLS command first");
    }

    @Test
    void aRewrittenRecipientIsJudgedByTheFirstReachedAddressWhoseRowRefuses() {
        InboundDecision decision = enforcer.forRewrittenRecipient(table, "alias@example.test",
                () -> List.of("bob@example.test", "user@hosted.test", "user@contoso1.microsoftonline.com"), false, List::of);
        assertThat(decision.accepted()).isFalse();
        assertThat(decision.row().namespace()).isEqualTo("hosted.test");
        assertThat(decision.smtpDescription()).contains("4.7.0 Must issue a STARTTLS command first");
        assertThat(decision.reason()).isEqualTo("alias@example.test is rewritten to user@hosted.test and recipient"
                + " namespace hosted.test requires TLS and the session is cleartext");
    }

    @Test
    void aProtectedRcptAddressDecidesBeforeItsRewrittenAddressesWhichAreNotEvenAskedFor() {
        InboundDecision decision = enforcer.forRewrittenRecipient(table, "user@contoso1.microsoftonline.com", () -> {
            throw new AssertionError("rewriting resolved");
        }, false, List::of);
        assertThat(decision.replyCode()).isEqualTo("530");
    }

    @Test
    void overTlsWithoutClientCertificateRowsRewritingIsNotResolved() throws Exception {
        TlsPolicyTable noCertificates = TlsPolicyTable.parse("tls-policy.conf",
                new StringReader("hosted.test inbound=require\n"));
        assertThat(enforcer.forRewrittenRecipient(noCertificates, "alias@example.test", () -> {
            throw new AssertionError("rewriting resolved");
        }, true, List::of).accepted()).isTrue();
    }

    @Test
    void overTlsARewrittenRecipientStillNeedsTheClientCertificateOfItsRow() {
        InboundDecision decision = enforcer.forRewrittenRecipient(table, "alias@example.test",
                () -> List.of("user@partner.test"), true, List::<X509Certificate>of);
        assertThat(decision.replyCode()).isEqualTo("550");
        assertThat(decision.row().namespace()).isEqualTo("partner.test");
    }

    @Test
    void protectedRecipientAcceptedOverTls() {
        assertThat(enforcer.forRecipient(table, "contoso1.microsoftonline.com", true, List::of).accepted()).isTrue();
    }

    @Test
    void protectedSenderRefusedInCleartext() {
        InboundDecision decision = enforcer.forSender(table, "contoso1.microsoftonline.com", false, List::of);
        assertThat(decision.replyCode()).isEqualTo("530");
        assertThat(decision.smtpDescription()).contains(
                "5.7.10 TLS required for sender namespace contoso1.microsoftonline.com: Must issue a STARTTLS command first");
        assertThat(enforcer.forSender(table, "relaxed.test", false, List::of).accepted()).isTrue();
    }

    @Test
    void clientCertificateRowNeedsAPassingCertificate() {
        assertThat(enforcer.forRecipient(table, "partner.test", true, () -> PKI.client("mx.partner.test").chain()).accepted()).isTrue();

        InboundDecision none = enforcer.forRecipient(table, "partner.test", true, List::<X509Certificate>of);
        assertThat(none.replyCode()).isEqualTo("550");
        assertThat(none.smtpDescription()).contains("5.7.1 Client certificate check failed (certificate presented) "
                + "for recipient namespace partner.test: no client certificate was presented");

        InboundDecision wrongName = enforcer.forRecipient(table, "partner.test", true, () -> PKI.client("mx.other.test").chain());
        assertThat(wrongName.smtpDescription().orElseThrow()).startsWith(
                "5.7.1 Client certificate check failed (expected names) for recipient namespace partner.test: ");
    }

    /** What a passed check verified travels with the decision, for the record: trust, matched name, matched pin. */
    @Test
    void aPassedCertificateCheckSaysWhatItVerified() throws Exception {
        X509Certificate leaf = PKI.client("mx.partner.test").certificate();
        String certificatePin = Fingerprints.certificateSha256(leaf);
        String publicKeyPin = Fingerprints.publicKeySha256(leaf);
        TlsPolicyTable pinned = TlsPolicyTable.parse("tls-policy.conf", new StringReader(String.join("\n",
                "names.test inbound=require-verified-client-cert client-ca=partner-ca.pem client-names=*.partner.test",
                "cert-pin.test inbound=require-verified-client-cert client-ca=partner-ca.pem client-pins=" + certificatePin,
                "key-pin.test inbound=require-verified-client-cert client-pins=" + publicKeyPin + " client-ca=partner-ca.pem",
                "plain.test inbound=require")), PolicyPathResolver.relativeTo(conf));
        String trust = "private-ca:" + conf.resolve("partner-ca.pem");
        Map<String, String> expected = Map.of(
            "names.test", "namespace names.test, name mx.partner.test",
            "cert-pin.test", "namespace cert-pin.test, certificate pin " + certificatePin,
            "key-pin.test", "namespace key-pin.test, public-key pin " + publicKeyPin);
        expected.forEach((domain, detail) -> {
            InboundDecision decision = enforcer.forRecipient(pinned, domain, true, () -> PKI.client("mx.partner.test").chain());
            assertThat(decision.accepted()).as(domain).isTrue();
            assertThat(decision.clientCertificateVerification()).as(domain)
                .contains(CertificateVerification.verified(trust, detail));
        });
        assertThat(enforcer.forRecipient(pinned, "plain.test", true, () -> PKI.client("mx.partner.test").chain())
            .clientCertificateVerification()).as("no certificate check, nothing verified").isEmpty();
        assertThat(enforcer.forRecipient(table, "partner.test", true, () -> PKI.client("mx.other.test").chain())
            .clientCertificateVerification()).as("a failed check verified nothing").isEmpty();
    }

    @Test
    void certificateIsNotReadWhenTheRowDoesNotNeedIt() {
        assertThat(enforcer.forRecipient(table, "contoso1.microsoftonline.com", true, () -> {
            throw new AssertionError("chain read");
        }).accepted()).isTrue();
    }
}
