package dev.tlsprovenance.testing.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SmtpReplyTest {
    @Test
    void multiLineEhloReply() {
        SmtpReply reply = SmtpReply.parse(List.of("250-mx.james.test Hello", "250-PIPELINING", "250 STARTTLS"));

        assertThat(reply.code()).isEqualTo(250);
        assertThat(reply.lines()).containsExactly("mx.james.test Hello", "PIPELINING", "STARTTLS");
        assertThat(reply.extensions()).containsExactly("PIPELINING", "STARTTLS");
        assertThat(reply.hasExtension("starttls")).isTrue();
        assertThat(reply.hasExtension("REQUIRETLS")).isFalse();
        assertThat(reply.isPositive()).isTrue();
        assertThat(reply).hasToString("250-mx.james.test Hello\r\n250-PIPELINING\r\n250 STARTTLS");
    }

    @Test
    void enhancedCodeOnlyWhenPresent() {
        SmtpReply refused = SmtpReply.parse(List.of("530 5.7.0 Must issue a STARTTLS command first"));
        SmtpReply plain = SmtpReply.parse(List.of("354 Ok Send data ending with <CRLF>.<CRLF>"));

        assertThat(refused.enhancedCode()).isEqualTo("5.7.0");
        assertThat(refused.text()).isEqualTo("5.7.0 Must issue a STARTTLS command first");
        assertThat(refused.isPositive()).isFalse();
        assertThat(plain.enhancedCode()).isEmpty();
        assertThat(plain.isPositive()).isTrue();
    }

    @Test
    void dotStuffingAndLineEndings() {
        assertThat(SmtpTestClient.dotStuffed("a\n.b\r\n..c")).isEqualTo("a\r\n..b\r\n...c\r\n");
        assertThat(SmtpTestClient.dotStuffed("line\r\n")).isEqualTo("line\r\n");
    }

    @Test
    void messagesHaveUniqueIds() {
        String first = TestMessages.simple("a@client.test", "b@james.test", "one");
        String second = TestMessages.simple("a@client.test", "b@james.test", "one");

        assertThat(first).contains("Subject: one\r\n").contains("\r\n\r\nTest message body.\r\n");
        assertThat(first.substring(first.indexOf("Message-ID:"), first.indexOf("Message-ID:") + 60))
            .isNotEqualTo(second.substring(second.indexOf("Message-ID:"), second.indexOf("Message-ID:") + 60));
    }
}
