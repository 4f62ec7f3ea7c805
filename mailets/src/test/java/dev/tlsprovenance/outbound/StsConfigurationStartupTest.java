package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.testing.james.JamesTestServer;

import org.junit.jupiter.api.Test;

/**
 * A bad {@code mta-sts.properties} stops a real James at start-up naming the file, line and key; so does MTA-STS
 * switched on without {@code dane} (its TXT lookups need the DANE resolver).
 */
class StsConfigurationStartupTest {
    private static Throwable startWith(String mtaStsProperties, boolean dane) {
        JamesTestServer.Builder builder = JamesTestServer.builder()
            .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
            .withConfFile("dane.properties", "dnssec.resolver=127.0.0.1:53\n")
            .withConfFile("mta-sts.properties", mtaStsProperties)
            .withMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery\">\n"
                + "  <ledger>none</ledger>\n"
                + (dane ? "  <dane>file://conf/dane.properties</dane>\n" : "")
                + "  <mtaSts>file://conf/mta-sts.properties</mtaSts>\n"
                + "</mailet>\n");
        return builder.build().startExpectingFailure();
    }

    @Test
    void aBadLineStopsJamesNamingFileLineAndKey() {
        assertThat(JamesTestServer.causeMessages(startWith("sts.enabled=true\n# timeouts\nsts.fetchTimeout=soon\n", true)))
            .contains("Invalid MTA-STS configuration (parameter mtaSts): mta-sts.properties:3: sts.fetchTimeout: 'soon' is not a duration");
    }

    @Test
    void mtaStsWithoutDaneStopsJames() {
        assertThat(JamesTestServer.causeMessages(startWith("sts.enabled=true\n", false)))
            .contains("Invalid MTA-STS configuration ").contains("mta-sts.properties: sts.enabled=true needs the parameter dane");
    }
}
