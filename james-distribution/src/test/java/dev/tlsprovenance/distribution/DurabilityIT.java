package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tlsprovenance.testing.ports.ListenerPorts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message acknowledged with 250 survives kill -9: with the next hop down, N messages for a remote domain are
 * accepted, the server is killed hard, restarted, the next hop comes up, and each message arrives exactly once.
 */
class DurabilityIT {
    private static final int MESSAGES = 10;
    private static final Pattern SUBJECT = Pattern.compile("^Subject: (durable-\\d+)$", Pattern.MULTILINE);

    @TempDir
    Path directory;

    @Test
    void acceptedMailSurvivesKillNineAndIsDeliveredExactlyOnceAfterRestart() throws Exception {
        int nextHopPort = ListenerPorts.unused();
        try (DistributionProcess server = DistributionProcess.installInto(directory)) {
            killAndRestartWhileTheNextHopIsDown(server, nextHopPort);
        }
    }

    private void killAndRestartWhileTheNextHopIsDown(DistributionProcess server, int nextHopPort) throws Exception {
        routeRemoteMailVia(server.home(), nextHopPort);

        server.start().awaitStarted();
        MailClients clients = new MailClients(server);
        for (int i = 0; i < MESSAGES; i++) {
            clients.send(false, "sender@example.test", "bob@remote.test", "durable-" + i, "message " + i);
        }
        // James's queues are at-least-once: a crash in the instant between the spool handing a mail to the outgoing
        // queue and acknowledging it can send that mail twice (RFC 5321 6.1 prefers that to a loss). Kill once the
        // hand-off is done, while every mail waits in the on-disk outgoing queue for its next attempt.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(clients.queueSize("spool")).isZero();
            assertThat(clients.queueSize("outgoing-tls")).isEqualTo(MESSAGES);
        });
        server.killHard();

        server.start().awaitStarted();
        try (SinkSmtpPeer nextHop = new SinkSmtpPeer(nextHopPort)) {
            List<String> expected = IntStream.range(0, MESSAGES).mapToObj(i -> "durable-" + i).collect(Collectors.toList());
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(subjects(nextHop.messages())).containsExactlyInAnyOrderElementsOf(expected));
            // Exactly once: nothing more arrives once all of them are there.
            await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(subjects(nextHop.messages())).hasSize(MESSAGES));
        }
    }

    /** The administrator's way to route a namespace to a fixed next hop: a route= in the TLS policy table. */
    private static void routeRemoteMailVia(Path home, int port) throws Exception {
        Path policy = home.resolve("conf/tls-policy.conf");
        Files.writeString(policy, Files.readString(policy) + "\nremote.test  outbound=may  route=[127.0.0.1]:" + port + "\n");
        Path mailetContainer = home.resolve("conf/mailetcontainer.xml");
        String xml = Files.readString(mailetContainer);
        String quickRetries = xml.replaceFirst("<delays>[^<]*</delays>", "<delays>20s, 2s, 2s, 2s</delays>");
        assertThat(quickRetries).contains("<delays>20s, 2s, 2s, 2s</delays>");
        Files.writeString(mailetContainer, quickRetries);
    }

    private static List<String> subjects(List<String> messages) {
        return messages.stream().map(message -> {
            Matcher matcher = SUBJECT.matcher(message);
            return matcher.find() ? matcher.group(1) : "?";
        }).collect(Collectors.toList());
    }
}
