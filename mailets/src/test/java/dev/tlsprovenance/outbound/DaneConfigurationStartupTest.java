package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsprovenance.testing.james.JamesTestServer;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** A bad {@code dane.properties}, or a missing one, stops a real James at start-up naming the file, line and key. */
class DaneConfigurationStartupTest {
    private static Throwable startWith(String daneProperties) {
        JamesTestServer.Builder builder = JamesTestServer.builder()
            .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
            .withMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery\">\n"
                + "  <ledger>none</ledger>\n"
                + "  <dane>file://conf/dane.properties</dane>\n"
                + "</mailet>\n");
        if (daneProperties != null) {
            builder.withConfFile("dane.properties", daneProperties);
        }
        return builder.build().startExpectingFailure();
    }

    @Test
    void badLinesStopJamesNamingFileLineAndKey() {
        Map<String, String> cases = Map.of(
            "dnssec.resolver=127.0.0.1:53\ndnssec.queryTimeout=soon\n",
            "Invalid DANE configuration (parameter dane): dane.properties:2: dnssec.queryTimeout: 'soon' is not a duration",
            "# resolver\ndnssec.resolver=resolver.example\n",
            "Invalid DANE configuration (parameter dane): dane.properties:2: dnssec.resolver: 'resolver.example' is not an IP address",
            "dnssec.resolver=127.0.0.1\ndnssec.resolverr=127.0.0.2\n",
            "Invalid DANE configuration (parameter dane): dane.properties:2: unknown key 'dnssec.resolverr'");
        for (Map.Entry<String, String> bad : cases.entrySet()) {
            assertThat(JamesTestServer.causeMessages(startWith(bad.getKey()))).as(bad.getKey()).contains(bad.getValue());
        }
    }

    @Test
    void aMissingFileStopsJames() {
        assertThat(JamesTestServer.causeMessages(startWith(null)))
            .contains("Invalid DANE configuration (parameter dane): ").contains("dane.properties: cannot be read");
    }
}
