package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/james-server refuses to start, with a message that says why and a non-zero exit code. */
class StartupFailureIT {
    @TempDir
    Path directory;

    @Test
    void busyPortExitsWithCodeThreeNamingThePortAndListener() throws Exception {
        DistributionProcess server = DistributionProcess.installInto(directory);
        try (ServerSocket squatter = new ServerSocket(server.port("smtp"), 1, InetAddress.getByName("127.0.0.1")); server) {
            server.start();
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(TlsProvenanceJamesServer.EXIT_PORT_BUSY);
        }
        assertThat(server.console()).contains("james-server: cannot listen, already in use or not permitted: port "
            + server.port("smtp") + " of smtpserver-mx (smtpserver.xml, 127.0.0.1:" + server.port("smtp") + ")");
    }

    @Test
    void malformedListenerConfigurationExitsWithCodeTwo() throws Exception {
        DistributionProcess server = DistributionProcess.installInto(directory);
        Path smtp = server.home().resolve("conf/smtpserver.xml");
        Files.writeString(smtp, Files.readString(smtp).replace("</smtpservers>", ""));

        try (server) {
            server.start();
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(TlsProvenanceJamesServer.EXIT_BAD_CONFIGURATION);
        }
        assertThat(server.console()).contains("james-server: bad configuration in " + server.home().resolve("conf"));
    }

    @Test
    void invalidPolicyTableStopsJamesWithTheFileAndLine() throws Exception {
        DistributionProcess server = DistributionProcess.installInto(directory);
        Files.writeString(server.home().resolve("conf/tls-policy.conf"), "example.test outbound=sometimes\n");

        try (server) {
            server.start();
            assertThat(server.awaitExit(Duration.ofSeconds(90))).isEqualTo(TlsProvenanceJamesServer.EXIT_START_FAILED);
        }
        assertThat(server.console()).contains("james-server: James did not start:").contains("tls-policy.conf");
    }
}
