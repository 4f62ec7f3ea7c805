package dev.tlsprovenance.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/**
 * The mailet and the matcher in a real James: mail is accepted at SMTP time (no enforcing hook), the TLS
 * record comes from RecordTlsProvenanceHook, and the mailet container applies the namespace rules.
 */
class EnforceInboundTlsPolicyTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String QUARANTINE = "memory://var/mail/quarantine/";
    private static final String PARTNER_COPIES = "memory://var/mail/partner/";
    private static final String SENDER = "sender@james.test";
    private static final String PROTECTED = "user@contoso1.microsoftonline.com";
    private static final String UNPROTECTED = "user@example.test";
    private static final String PARTNER = "user@partner.test";

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withHook("dev.tlsprovenance.inbound.RecordTlsProvenanceHook")
        .withConfFile("tls-policy.conf", String.join("\n",
            "contoso1.microsoftonline.com  inbound=require",
            "partner.test                  inbound=require-verified-client-cert",
            "default                       inbound=none"))
        .withMailetContainer(mailetContainer())
        .build();

    @AfterEach
    void clear() {
        james.clearDelivered();
        james.clear(QUARANTINE);
        james.clear(PARTNER_COPIES);
    }

    @Test
    void cleartextMailToProtectedRecipientIsBouncedWithDsnAndOthersDelivered() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.example.test");
            client.send(SENDER, List.of(PROTECTED, UNPROTECTED), TestMessages.simple(SENDER, PROTECTED, "cleartext"));
        }
        List<DeliveredMail> delivered = james.awaitDeliveredMails(2);
        DeliveredMail original = only(delivered, mail -> mail.recipients().contains(UNPROTECTED));
        assertThat(original.recipients()).containsExactly(UNPROTECTED);
        DeliveredMail dsn = only(delivered, mail -> mail.recipients().contains(SENDER));
        assertThat(dsn.sender()).isEmpty();
        assertThat(dsn.body())
            .contains("Final-Recipient: rfc822; " + PROTECTED)
            .contains("Status: 550 5.7.10 Encryption needed: namespace contoso1.microsoftonline.com (tls-policy.conf:1) "
                + "requires TLS but the mail was received in cleartext from 127.0.0.1")
            .contains("Diagnostic-Code: smtp; 550 5.7.10");
        assertThat(delivered).noneMatch(mail -> mail.recipients().contains(PROTECTED));
    }

    @Test
    void mailOverStartTlsIsDeliveredToProtectedRecipient() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "client.example.test", PKI.trustingRoot())) {
            client.send(SENDER, List.of(PROTECTED), TestMessages.simple(SENDER, PROTECTED, "tls"));
        }
        assertThat(james.awaitDeliveredMails(1)).singleElement()
            .satisfies(mail -> assertThat(mail.recipients()).containsExactly(PROTECTED));
    }

    @Test
    void quarantineKeepsTheViolatingCopyWithItsReason() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.example.test");
            client.send(SENDER, List.of(PROTECTED, UNPROTECTED),
                "X-Test-Quarantine: yes\r\n" + TestMessages.simple(SENDER, PROTECTED, "quarantine me"));
        }
        DeliveredMail quarantined = james.awaitMailsIn(QUARANTINE, 1).get(0);
        assertThat(quarantined.recipients()).containsExactly(PROTECTED);
        assertThat(quarantined.attribute(EnforceInboundTlsPolicy.VIOLATION)).contains(
            "namespace contoso1.microsoftonline.com (tls-policy.conf:1) requires TLS but the mail was received in cleartext from 127.0.0.1");
        assertThat(james.awaitDeliveredMails(1)).singleElement()
            .satisfies(mail -> assertThat(mail.recipients()).containsExactly(UNPROTECTED));
    }

    @Test
    void matcherSelectsRecipientsByTheirRowsInboundRule() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "client.example.test", PKI.trustingRoot())) {
            client.send(SENDER, List.of(PARTNER, UNPROTECTED), TestMessages.simple(SENDER, PARTNER, "matcher"));
        }
        assertThat(james.awaitMailsIn(PARTNER_COPIES, 1)).singleElement()
            .satisfies(mail -> assertThat(mail.recipients()).containsExactly(PARTNER));
        assertThat(james.awaitDeliveredMails(1)).singleElement()
            .satisfies(mail -> assertThat(mail.recipients()).containsExactly(UNPROTECTED));
    }

    private static DeliveredMail only(List<DeliveredMail> mails, Predicate<DeliveredMail> which) {
        List<DeliveredMail> matching = mails.stream().filter(which).collect(Collectors.toList());
        assertThat(matching).as("%s", mails).hasSize(1);
        return matching.get(0);
    }

    private static String mailetContainer() {
        return "<?xml version=\"1.0\"?>\n<mailetcontainer>\n"
            + "  <context><postmaster>postmaster@james.test</postmaster></context>\n"
            + "  <spooler><threads>2</threads><errorRepository>" + JamesTestServer.ERROR + "</errorRepository></spooler>\n"
            + "  <processors>\n"
            + "    <processor state=\"root\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"ToProcessor\"><processor>transport</processor></mailet>\n"
            + "    </processor>\n"
            + "    <processor state=\"error\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"ToRepository\"><repositoryPath>" + JamesTestServer.ERROR + "</repositoryPath></mailet>\n"
            + "    </processor>\n"
            + "    <processor state=\"transport\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"RemoveMimeHeader\"><name>bcc</name></mailet>\n"
            + "      <mailet match=\"dev.tlsprovenance.matchers.RecipientNamespaceInboundRuleIs=require-verified-client-cert\" class=\"ToRepository\">\n"
            + "        <repositoryPath>" + PARTNER_COPIES + "</repositoryPath>\n"
            + "      </mailet>\n"
            + "      <mailet match=\"HasHeader=X-Test-Quarantine\" class=\"dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy\">\n"
            + "        <onViolation>quarantine</onViolation>\n"
            + "        <quarantineRepository>" + QUARANTINE + "</quarantineRepository>\n"
            + "      </mailet>\n"
            + "      <mailet match=\"All\" class=\"dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy\">\n"
            + "        <onViolation>bounce</onViolation>\n"
            + "        <bounceProcessor>bounces</bounceProcessor>\n"
            + "      </mailet>\n"
            + "      <mailet match=\"All\" class=\"ToRepository\"><repositoryPath>" + JamesTestServer.DELIVERED + "</repositoryPath></mailet>\n"
            + "    </processor>\n"
            + "    <processor state=\"bounces\" enableJmx=\"false\">\n"
            + "      <mailet match=\"All\" class=\"DSNBounce\">\n"
            + "        <passThrough>false</passThrough>\n"
            + "      </mailet>\n"
            + "    </processor>\n"
            + "  </processors>\n</mailetcontainer>\n";
    }
}
