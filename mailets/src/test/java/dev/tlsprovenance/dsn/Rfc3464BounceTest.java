package dev.tlsprovenance.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.junit.jupiter.api.Test;

import dev.tlsprovenance.mail.ProvenanceAttributes;
import dev.tlsprovenance.mail.TestRecords;
import dev.tlsprovenance.provenance.ProvenanceSamples;

/** The mailet with a fake context: where each recipient's facts come from, what the DSN carries, the null sender. */
class Rfc3464BounceTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T10:30:00Z"), ZoneOffset.UTC);
    private final FakeMailContext context = FakeMailContext.builder().postmaster(mailAddress("postmaster@example.org")).build();

    private static MailAddress mailAddress(String address) {
        try {
            return new MailAddress(address);
        } catch (javax.mail.internet.AddressException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Rfc3464Bounce bounce(String... parameters) throws MessagingException {
        Rfc3464Bounce mailet = new Rfc3464Bounce(CLOCK);
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("Rfc3464Bounce").mailetContext(context)
            .setProperty("reportingMta", "mx.example.org");
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static FakeMail original(String sender, String... recipients) throws MessagingException {
        FakeMail mail = FakeMail.builder().name("original-1").sender(sender).recipients(recipients)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addFrom(sender).setSubject("quarterly figures").setText("body")
                .addHeader("Received", "from client.test by mx.example.org with ESMTPS; Sun, 29 Nov 2026 10:00:00 +0000")
                .addHeader("X-TLS-Provenance", "v=1; dir=inbound; transport=starttls"))
            .build();
        TestRecords.recordInbound(mail, ProvenanceSamples.starttlsInboundWithClientCertificate());
        mail.setAttribute(new Attribute(AttributeName.of("some.other.attribute"), AttributeValue.of("x")));
        return mail;
    }

    private static String wire(FakeMailContext.SentMail sent) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sent.getMsg().writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String topLevelHeaders(String wire) {
        return wire.substring(0, wire.indexOf("\r\n\r\n") + 2);
    }

    @Test
    void enforcementErrorTextBecomesStatusAndOurOwnDiagnosticType() throws Exception {
        FakeMail mail = original("alice@example.org", "bob@contoso1.microsoftonline.com");
        mail.setAttribute(new Attribute(AttributeName.of("delivery-error"),
            AttributeValue.of("550 5.7.10 Encryption needed: namespace contoso1.microsoftonline.com (tls-policy.conf:1) requires TLS")));

        bounce().service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(context.getSentMails()).hasSize(1);
        FakeMailContext.SentMail dsn = context.getSentMails().get(0);
        assertThat(dsn.getState()).isEqualTo("transport");
        assertThat(dsn.getSender()).matches(sender -> sender == null || sender.isNullSender(), "null sender");
        assertThat(dsn.getRecipients()).containsExactly(mailAddress("alice@example.org"));
        String wire = wire(dsn);
        assertThat(wire).contains("Reporting-MTA: dns; mx.example.org\r\n\r\n"
            + "Final-Recipient: rfc822; bob@contoso1.microsoftonline.com\r\n"
            + "Action: failed\r\n"
            + "Status: 5.7.10\r\n"
            + "Diagnostic-Code: x-tls-provenance; Encryption needed: namespace contoso1.microsoftonline.com (tls-policy.conf:1) requires TLS\r\n"
            + "Last-Attempt-Date: Sun, 29 Nov 2026 10:30:00 +0000\r\n");
        assertThat(topLevelHeaders(wire)).contains("From: postmaster@example.org\r\n", "To: alice@example.org\r\n")
            .doesNotContain("X-TLS-Provenance", "Received:");
        assertThat(wire).contains("Content-Type: text/rfc822-headers", "X-TLS-Provenance: v=1; dir=inbound; transport=starttls");
    }

    @Test
    void theDsnKeepsOnlyTheOriginalsSealedInboundRecordOfItsAttributes() throws Exception {
        FakeMail mail = original("alice@example.org", "bob@partner.test");
        bounce().service(mail);

        FakeMailContext.SentMail dsn = context.getSentMails().get(0);
        // SentByMailet is set by the mailet context itself (James does the same): the relay matcher reads it
        assertThat(dsn.getAttributes().keySet()).containsExactlyInAnyOrder(ProvenanceAttributes.INBOUND, Mail.SENT_BY_MAILET_ATTRIBUTE.getName());
        assertThat(dsn.getAttributes().get(ProvenanceAttributes.INBOUND)).isEqualTo(mail.getAttribute(ProvenanceAttributes.INBOUND).get());
    }

    @Test
    void perRecipientAttributeWinsAndARemoteReplyIsSmtpWithRemoteMta() throws Exception {
        FakeMail mail = original("alice@example.org", "nobody@partner.test", "dave@stripped.test");
        mail.setAttribute(new Attribute(AttributeName.of("delivery-error"), AttributeValue.of("550 5.1.1 No such user")));
        mail.setAttribute(RecipientStatusAttribute.of(List.of(
            new RecipientStatus("nobody@partner.test", "5.1.1", Optional.of("mx.partner.test"), DiagnosticCode.smtp("550 5.1.1 No such user"),
                "remote server answered RCPT TO:<nobody@partner.test>: 550 5.1.1 No such user"),
            new RecipientStatus("dave@stripped.test", "5.7.10", Optional.of("mx.stripped.test"),
                DiagnosticCode.own("server did not offer STARTTLS"), "server did not offer STARTTLS"))));

        bounce().service(mail);

        assertThat(wire(context.getSentMails().get(0))).contains(
            "Final-Recipient: rfc822; nobody@partner.test\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.partner.test\r\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 No such user\r\n",
            "Final-Recipient: rfc822; dave@stripped.test\r\nAction: failed\r\nStatus: 5.7.10\r\nRemote-MTA: dns; mx.stripped.test\r\n"
                + "Diagnostic-Code: x-tls-provenance; server did not offer STARTTLS\r\n");
    }

    @Test
    void jamesDeliveryErrorWithACodeIsAServerReply() throws Exception {
        FakeMail mail = original("alice@example.org", "nobody@partner.test");
        mail.setAttribute(new Attribute(AttributeName.of("delivery-error"), AttributeValue.of("550 5.1.1 No such user")));
        mail.setAttribute(new Attribute(AttributeName.of("delivery-error-code"), AttributeValue.of(550)));
        bounce().service(mail);
        assertThat(wire(context.getSentMails().get(0))).contains("Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 No such user\r\n");
    }

    @Test
    void errorMessageThenParametersWhenTheMailSaysNothing() throws Exception {
        FakeMail noticed = original("alice@example.org", "ghost@example.org");
        noticed.setErrorMessage("550 - Requested action not taken: no such user here");
        bounce("status", "5.1.1").service(noticed);
        FakeMail silent = original("alice@example.org", "carol@loop.test");
        bounce("status", "5.4.6", "diagnostic", "routing loop detected: the message has passed through 30 mail servers").service(silent);

        assertThat(wire(context.getSentMails().get(0))).contains(
            "Status: 5.1.1\r\nDiagnostic-Code: x-tls-provenance; Requested action not taken: no such user here\r\n");
        assertThat(wire(context.getSentMails().get(1))).contains("Final-Recipient: rfc822; carol@loop.test\r\nAction: failed\r\n"
            + "Status: 5.4.6\r\nDiagnostic-Code: x-tls-provenance; routing loop detected: the message has passed through 30 mail servers\r\n");
    }

    @Test
    void theNullSenderGetsNoDsnAndTheMailIsNeverGhostedByIt() throws Exception {
        FakeMail mail = FakeMail.builder().name("dsn-of-a-dsn").recipients("alice@example.org")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("Undelivered").setText("x")).build();
        bounce("passThrough", "false").service(mail);
        assertThat(context.getSentMails()).isEmpty();
        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
    }

    @Test
    void passThroughLetsTheMailGoOnAndDsnProcessorIsWhereTheDsnGoes() throws Exception {
        FakeMail mail = original("alice@example.org", "bob@partner.test");
        mail.setState("loop");
        bounce("passThrough", "true", "dsnProcessor", "dsn-out").service(mail);
        assertThat(mail.getState()).isEqualTo("loop");
        assertThat(context.getSentMails().get(0).getState()).isEqualTo("dsn-out");
    }

    @Test
    void badParametersFailInitNamingTheParameter() {
        for (String[] bad : List.of(new String[] {"status", "550"}, new String[] {"status", "2.0.0"}, new String[] {"passThrough", "yes"},
                new String[] {"reportingMta", "mx example"}, new String[] {"dsnProcessor", " "})) {
            assertThatThrownBy(() -> bounce(bad))
                .as("%s=%s", bad[0], bad[1]).isInstanceOf(MessagingException.class)
                .hasMessageContaining("parameter '" + bad[0] + "'");
        }
    }
}
