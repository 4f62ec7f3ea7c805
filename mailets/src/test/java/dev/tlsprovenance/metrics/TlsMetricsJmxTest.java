package dev.tlsprovenance.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.inbound.RecordTlsProvenanceHook;
import dev.tlsprovenance.inbound.RequireTlsForNamespacesHook;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/**
 * Our counters where James 3.8.1 publishes its metrics: {@code DropWizardMetricFactory} starts a Dropwizard
 * {@code JmxReporter} on its registry, so each counter is an MBean {@code metrics:name=tlsprovenance...,type=meters}
 * with a {@code Count}. Real James in-process, real STARTTLS, implicit TLS and cleartext sessions.
 */
class TlsMetricsJmxTest {
    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withConfFile("tls-policy.conf", "protected.test  inbound=require  cleartext-reply=permanent\n")
        .withHook(RequireTlsForNamespacesHook.class.getName())
        .withHook(RecordTlsProvenanceHook.class.getName())
        .build();

    @Test
    void inboundMailsAndRefusalsAreCountedAsJmxMeters() throws Exception {
        String to = "bob@" + JamesTestServer.LOCAL_DOMAIN;
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "client.test", TestPki.shared().trustingRoot())) {
            assertThat(client.send("a@sender.test", List.of(to), TestMessages.simple("a@sender.test", to, "starttls")).code())
                .isEqualTo(250);
        }
        try (SmtpTestClient client = SmtpTestClient.connectImplicitTls("localhost", james.smtpsPort(), TestPki.shared().trustingRoot())) {
            client.ehlo("client.test");
            assertThat(client.send("a@sender.test", List.of(to), TestMessages.simple("a@sender.test", to, "implicit")).code())
                .isEqualTo(250);
        }
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.test");
            assertThat(client.send("a@sender.test", List.of(to), TestMessages.simple("a@sender.test", to, "cleartext")).code())
                .isEqualTo(250);
            client.mailFrom("a@sender.test");
            assertThat(client.rcptTo("carol@protected.test").code()).isEqualTo(530);
            assertThat(client.rcptTo("dave@protected.test").code()).isEqualTo(530);
        }
        james.awaitDeliveredMails(3);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(tlsMeters()).containsExactlyInAnyOrderEntriesOf(Map.of(
            "tlsprovenance.inbound.mails.starttls.TLSv1.3", 1L,
            "tlsprovenance.inbound.mails.implicit-tls.TLSv1.3", 1L,
            "tlsprovenance.inbound.mails.cleartext.none", 1L,
            "tlsprovenance.inbound.policy-refusals.recipient", 2L)));
    }

    private static Map<String, Long> tlsMeters() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Map<String, Long> counts = new TreeMap<>();
        for (ObjectName name : server.queryNames(new ObjectName("metrics:type=meters,*"), null)) {
            String metric = ObjectName.unquote(name.getKeyProperty("name").startsWith("\"") ? name.getKeyProperty("name")
                : "\"" + name.getKeyProperty("name") + "\"");
            if (metric.startsWith(TlsMetricNames.PREFIX)) {
                counts.put(metric, (Long) server.getAttribute(name, "Count"));
            }
        }
        return counts;
    }
}
