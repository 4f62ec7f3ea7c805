package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tlsprovenance.dsn.RecipientStatus;
import dev.tlsprovenance.dsn.RecipientStatusAttribute;
import dev.tlsprovenance.policy.TlsPolicySource;
import dev.tlsprovenance.policy.TlsPolicyTable;

/**
 * The domain's best MX is this server (its address is one of ours and port 25 is our SMTP listener): the mail is not
 * sent, not retried, and goes at once to the loop processor with a 5.4.6 status naming the loop; a backup-MX role
 * (a better MX first) delivers to the better one. The MX answer and our listeners are injected: no DNS, no port 25.
 */
class RoutingLoopMailetTest {
    private final FakeMailContext context = FakeMailContext.defaultContext();
    private TlsPolicyRemoteDelivery mailet;

    @AfterEach
    void stop() {
        if (mailet != null) {
            mailet.destroy();
        }
    }

    private void start(Map<String, List<NextHop>> mx, String... parameters) throws Exception {
        mailet = new TlsPolicyRemoteDelivery(TlsPolicySource.fixed(TlsPolicyTable.parse("tls-policy.conf",
                new StringReader("default outbound=may\n"))),
            new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()), domain -> mx.getOrDefault(domain, List.of()), null,
            Clock.systemUTC());
        InetSocketAddress wildcard = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), NextHop.SMTP_PORT);
        mailet.recogniseOwnServer(new OwnServerHops(() -> List.of(wildcard), Set.of(OutboundFixtures.HELO),
            host -> List.of(InetAddress.getByName(Map.of("mx1.ours.test", "192.0.2.10", "mx2.ours.test", "127.0.0.1")
                .getOrDefault(host, "203.0.113.99"))),
            address -> address.isLoopbackAddress() || address.getHostAddress().equals("192.0.2.10")));
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("TlsPolicyRemoteDelivery").mailetContext(context)
            .setProperty("ledger", "none").setProperty("heloName", OutboundFixtures.HELO).setProperty("delays", "300ms")
            .setProperty("maxRetries", "3");
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
    }

    private static FakeMail mail(String sender, String... recipients) throws Exception {
        return FakeMail.builder().name("mail-" + System.nanoTime()).sender(sender).recipients(recipients)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().addFrom(sender).setSubject("loop").setText("hello"))
            .build();
    }

    @Test
    void bestMxIsUsSoTheMailGoesToTheLoopProcessorAtOnceWith546() throws Exception {
        start(Map.of("ours.test", List.of(NextHop.mx("mx1.ours.test."), NextHop.mx("mx2.ours.test"))),
            "bounceProcessor", "bounces", "loopProcessor", "loop");
        mailet.service(mail("alice@example.org", "bob@ours.test"));

        await().atMost(Duration.ofSeconds(10)).until(() -> !context.getSentMails().isEmpty());
        assertThat(context.getSentMails()).hasSize(1);
        FakeMailContext.SentMail looped = context.getSentMails().get(0);
        assertThat(looped.getState()).isEqualTo("loop");
        assertThat(looped.getRecipients()).extracting(Object::toString).containsExactly("bob@ours.test");
        FakeMail copy = FakeMail.builder().name("copy").build();
        looped.getAttributes().values().forEach(copy::setAttribute);
        RecipientStatus status = RecipientStatusAttribute.read(copy).get("bob@ours.test");
        assertThat(status.status()).isEqualTo("5.4.6");
        assertThat(status.diagnostic().toString()).isEqualTo("x-tls-provenance; mail for ours.test loops back to myself "
            + "(next hop mx1.ours.test:25 is 192.0.2.10, where this server's SMTP listener *:25 accepts connections)");
        assertThat(status.remoteMta()).isEmpty();
        assertThat(copy.getAttribute(TlsPolicyRemoteDelivery.RETRIES)).as("never queued for a retry").isEmpty();
    }

    @Test
    void withoutALoopProcessorTheLoopIsAPermanentFailureForTheBounceProcessor() throws Exception {
        start(Map.of("ours.test", List.of(NextHop.mx("mx2.ours.test"))), "bounceProcessor", "bounces");
        mailet.service(mail("alice@example.org", "bob@ours.test"));

        await().atMost(Duration.ofSeconds(10)).until(() -> !context.getSentMails().isEmpty());
        FakeMailContext.SentMail bounced = context.getSentMails().get(0);
        assertThat(bounced.getState()).isEqualTo("bounces");
        assertThat(String.valueOf(bounced.getAttributes().get(TlsPolicyRemoteDelivery.DELIVERY_ERROR).getValue().value()))
            .startsWith("5.4.6 mail for ours.test loops back to myself (next hop mx2.ours.test:25 is 127.0.0.1");
    }

    @Test
    void aNullSenderLoopIsStillHandedToTheLoopProcessorNeverDropped() throws Exception {
        start(Map.of("ours.test", List.of(NextHop.mx("mx1.ours.test"))), "bounceProcessor", "bounces", "loopProcessor", "loop");
        mailet.service(FakeMail.builder().name("dsn-looping").recipients("bob@ours.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("Undelivered").setText("x")).build());

        await().atMost(Duration.ofSeconds(10)).until(() -> !context.getSentMails().isEmpty());
        assertThat(context.getSentMails()).extracting(FakeMailContext.SentMail::getState).containsExactly("loop");
    }
}
