package dev.tlsprovenance.guice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.logging.CapturedLog;
import dev.tlsprovenance.tlsrpt.TlsRptSender;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;

/**
 * The daily TLS-RPT sending starts with a real James 3.8.1 that has no WebAdmin, through
 * {@code guice.extension.startable} in {@code conf/extensions.properties}; without that line it does not start, and
 * {@code enabled=false} in {@code conf/tls-rpt.properties} keeps it off.
 */
class TlsRptStartableJamesTest {
    private static final String STARTED = "TlsRptSender: TLS-RPT: the reports of each UTC day are sent at 00:15 UTC the day after";

    private static List<String> startLines(String extensions, String tlsRpt) throws Exception {
        JamesTestServer.Builder builder = JamesTestServer.builder()
            .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
            .withConfFile("extensions.properties", extensions);
        if (tlsRpt != null) {
            builder.withConfFile("tls-rpt.properties", tlsRpt);
        }
        try (CapturedLog log = CapturedLog.of(TlsRptSender.class)) {
            try (JamesTestServer james = builder.build().start()) {
                assertThat(james.isStarted()).isTrue();
            }
            return log.messages(Level.INFO).stream().filter(m -> m.startsWith("TlsRptSender: TLS-RPT: the reports")).collect(Collectors.toList());
        }
    }

    @Test
    void theStartableStartsTheSendingWithJamesAndWithoutWebAdmin() throws Exception {
        String extensions = "guice.extension.module=dev.tlsprovenance.guice.TlsProvenanceModule\n"
            + "guice.extension.startable=dev.tlsprovenance.guice.TlsRptStartable\n";
        assertThat(startLines(extensions, null)).containsExactly(STARTED + " (send-delay of conf/tls-rpt.properties)");
        assertThat(startLines(extensions, "send-delay=2h\n")).singleElement().asString()
            .startsWith("TlsRptSender: TLS-RPT: the reports of each UTC day are sent at 02:00 UTC the day after");
        assertThat(startLines(extensions, "enabled=false\n")).as("sending off: nothing starts").isEmpty();
    }

    @Test
    void withoutTheStartableNothingIsSent() throws Exception {
        assertThat(startLines("guice.extension.module=dev.tlsprovenance.guice.TlsProvenanceModule\n", null)).isEmpty();
    }
}
