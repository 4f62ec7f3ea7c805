package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;
import dev.tlsprovenance.testing.smtp.SmtpReply;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/**
 * RFC 6125 client-certificate names through a real James 3.8.1 partner listener (client certificate required):
 * a certificate whose CN is the expected name but whose DNS SAN is another one, or which carries the expected name
 * as one of two CNs, is refused at RCPT naming the failed check; the same CA's certificate with the expected DNS SAN
 * delivers.
 */
class ClientCertificateNamesThroughJamesTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String PARTNER = "user@partner.test";
    private static final String POLICY = String.join("\n",
        "partner.test  inbound=require-verified-client-cert  client-ca=partner-ca.pem  client-names=mx.partner.test",
        "default       inbound=none");

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withHook("dev.tlsprovenance.inbound.RequireTlsForNamespacesHook")
        .withConfFile("tls-policy.conf", POLICY)
        .withConfFile("partner-ca.pem", PKI.root().certificatePem())
        .withPartnerListener(TestTls.builder().trust(PKI.root()).build())
        .build();

    @AfterEach
    void clear() {
        james.clearDelivered();
    }

    @Test
    void cnNamingThePartnerBesideAnotherDnsSanIsRefused() throws Exception {
        TestCertificate cnPartnerSanOther = leaf().commonName("mx.partner.test").addSubjectAlternativeName("other.partner.test").build();

        SmtpReply refused = rcptToPartner(cnPartnerSanOther);

        assertThat(refused.rawLines()).containsExactly("550 5.7.1 Client certificate check failed (expected names) for "
            + "recipient namespace partner.test: client certificate names [other.partner.test] match none of the "
            + "expected [mx.partner.test]");
    }

    @Test
    void theExpectedNameAsOneOfTwoCnsIsRefusedInEitherPosition() throws Exception {
        List<TestCertificate> twoCns = List.of(
            leaf().commonName("mx.partner.test").addCommonName("mx.attacker.test").build(),
            leaf().commonName("mx.attacker.test").addCommonName("mx.partner.test").build());

        for (TestCertificate certificate : twoCns) {
            assertThat(rcptToPartner(certificate).rawLines()).as(certificate.toString())
                .containsExactly("550 5.7.1 Client certificate check failed (expected names) for recipient namespace "
                    + "partner.test: client certificate names [] match none of the expected [mx.partner.test]");
        }
    }

    @Test
    void theExpectedDnsSanFromTheSameCaDelivers() throws Exception {
        TestCertificate matching = leaf().commonName("Partner MTA").addSubjectAlternativeName("mx.partner.test").build();

        try (SmtpTestClient client = partnerSession(matching)) {
            assertThat(client.send("sender@partner.test", List.of(PARTNER),
                TestMessages.simple("sender@partner.test", PARTNER, "RFC 6125 names")).code()).isEqualTo(250);
        }
        assertThat(james.awaitDeliveredMails(1).get(0).recipients()).containsExactly(PARTNER);
    }

    private static SmtpReply rcptToPartner(TestCertificate identity) throws Exception {
        try (SmtpTestClient client = partnerSession(identity)) {
            assertThat(client.mailFrom("sender@example.test").code()).isEqualTo(250);
            return client.rcptTo(PARTNER);
        }
    }

    private static TestCertificate.Builder leaf() {
        return TestCertificate.builder().clientAuth().signedBy(PKI.intermediate());
    }

    private static SmtpTestClient partnerSession(TestCertificate identity) throws Exception {
        return SmtpTestClient.connectWithStartTls("localhost", james.partnerPort(),
                "mx.partner.test", TestTls.builder().identity(identity).trust(PKI.root()).build());
    }
}
