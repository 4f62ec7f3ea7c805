package dev.tlsprovenance.smtpserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.mail.ProvenanceAttributes;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.provenance.VerificationStatus;
import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.postfix.PostfixPeer;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/**
 * Mutual TLS delivers (issue 10.4): a real Postfix relays to a listener that requests client certificates without
 * demanding them ({@code wantClientAuth}, as the distribution's port 25), presenting a certificate that chains to the
 * row's {@code client-ca} and carries the row's {@code client-names}. The RCPT check accepts it, and so must the
 * after-DATA check: the mail is delivered, and the record, the stamp and the Received line say the certificate was
 * verified against the row's CA. Run with {@code mvn -Pinterop}.
 */
@Tag("interop")
class MutualTlsPostfixInteropTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String PARTNER_HOST = "mx.partner.test";
    private static final String RECIPIENT = "alice@coexist.test";
    private static final String SENDER = "bob@partner.test";
    private static final String QUARANTINE = "memory://var/mail/quarantine/";

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withOverrides(new WantClientAuthSmtpModule())
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withConfFile("smtpserver.xml", smtpServerXml())
        .withConfFile("tls-policy.conf", "coexist.test  inbound=require-verified-client-cert  client-ca=partner-ca.pem"
            + "  client-names=" + PARTNER_HOST + "\n")
        .withConfFile("partner-ca.pem", PKI.root().certificatePem())
        .withMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.headers.AddTlsProvenanceHeaders\"/>\n"
            + "<mailet match=\"All\" class=\"dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy\">\n"
            + "  <onViolation>quarantine</onViolation>\n"
            + "  <quarantineRepository>" + QUARANTINE + "</quarantineRepository>\n"
            + "</mailet>")
        .build();

    /** The partner's Postfix: relays everything to James over STARTTLS, presenting its client certificate. */
    private static PostfixPeer partner;

    @BeforeAll
    static void startThePartnersPostfix() throws Exception {
        assumeTrue(PostfixPeer.isAvailable(), PostfixPeer::unavailableReason);
        partner = PostfixPeer.builder().hostname(PARTNER_HOST).domain("relay.invalid").identity(PKI.peer(PARTNER_HOST))
            .clientIdentity(PKI.client(PARTNER_HOST))
            .relayTo("127.0.0.1", james.listenerPorts().get(0)).start();
    }

    @AfterAll
    static void stopPostfix() {
        if (partner != null) {
            partner.close();
        }
    }

    @Test
    void postfixPresentingTheRowsCertificateIsDeliveredAndRecordedAsVerifiedAgainstTheRowsCa() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", partner.port())) {
            client.ehlo("workstation.partner.test");
            assertThat(client.send(SENDER, List.of(RECIPIENT), TestMessages.simple(SENDER, RECIPIENT, "mutual TLS")).code()).isEqualTo(250);
            client.quit();
        }

        List<DeliveredMail> delivered = james.awaitDeliveredMails(1, java.time.Duration.ofSeconds(60));
        assertThat(james.mailCount(QUARANTINE)).as("the after-DATA check must not undo the RCPT check\n" + partner.log()).isZero();
        DeliveredMail mail = delivered.get(0);
        assertThat(mail.recipients()).containsExactly(RECIPIENT);

        String caFile = "private-ca:" + james.confDirectory().resolve("partner-ca.pem");
        TlsProvenance hop = ProvenanceAttributes.fromAttributeValue(mail.attributes().get(ProvenanceAttributes.INBOUND.asString()));
        assertThat(hop.transport()).isEqualTo(Transport.STARTTLS);
        assertThat(hop.heloName()).contains(PARTNER_HOST);
        assertThat(hop.peerCertificate().orElseThrow().sha256Fingerprint()).isEqualTo(PKI.client(PARTNER_HOST).sha256Fingerprint());
        assertThat(hop.peerVerification().status()).isEqualTo(VerificationStatus.VERIFIED);
        assertThat(hop.peerVerification().trust()).isEqualTo(caFile);
        assertThat(hop.peerVerification().reason()).isEqualTo("namespace coexist.test, name " + PARTNER_HOST);

        assertThat(mail.header("X-TLS-Provenance")).singleElement().satisfies(stamp -> assertThat(stamp)
            .contains("; helo=" + PARTNER_HOST + "; verify=verified; trust=" + caFile
                + "; reason=\"namespace coexist.test, name " + PARTNER_HOST + "\"; peer-subject=\"CN=" + PARTNER_HOST + "\";"));
        assertThat(mail.rawHeaderBlock()).contains("(client certificate subject \"CN=" + PARTNER_HOST + "\" issuer \""
            + PKI.intermediate().certificate().getSubjectX500Principal().getName() + "\" checked against \"" + caFile + "\" verified yes)");
        assertThat(mail.rawHeaderBlock()).as("Postfix's own hop below ours").contains("by " + PARTNER_HOST + " (Postfix) with ESMTP");
    }

    private static String smtpServerXml() {
        return "<?xml version=\"1.0\"?>\n<smtpservers>\n"
            + "  <smtpserver enabled=\"true\">\n"
            + "    <jmxName>want-postfix-" + System.nanoTime() + "</jmxName>\n"
            + "    <bind>127.0.0.1:0</bind>\n"
            + "    <tls startTLS=\"true\" socketTLS=\"false\" wantClientAuth=\"true\">\n"
            + "      <keystore>file://conf/keystore.p12</keystore>\n"
            + "      <keystoreType>PKCS12</keystoreType>\n"
            + "      <secret>changeit</secret>\n"
            + "    </tls>\n"
            + "    <helloName autodetect=\"false\">" + TestPki.SERVER_HOST + "</helloName>\n"
            + "    <authorizedAddresses>127.0.0.0/8</authorizedAddresses>\n"
            + "    <maxmessagesize>0</maxmessagesize>\n"
            + "    <handlerchain coreHandlersPackage=\"dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers\">\n"
            + "      <handler class=\"dev.tlsprovenance.inbound.RequireTlsForNamespacesHook\"/>\n"
            + "    </handlerchain>\n"
            + "    <gracefulShutdown>false</gracefulShutdown>\n"
            + "  </smtpserver>\n"
            + "</smtpservers>\n";
    }
}
