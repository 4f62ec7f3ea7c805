package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server listens on its configured ports and nothing else: no message broker, JMX or debug port a local
 * process could reach. (A local process once put a forged mail into the embedded ActiveMQ broker's TCP port.) The
 * listeners are read from {@code /proc} after a mail has gone through the spool queue, so a listener opened lazily
 * by the queue would be seen too.
 */
class ListeningPortsIT {
    private static final String USER = "carol@example.test";
    private static final String PASSWORD = "listening-ports";

    @TempDir
    Path directory;

    @Test
    void listensOnExactlyTheConfiguredSmtpImapAndWebAdminPorts() throws Exception {
        try (DistributionProcess server = DistributionProcess.installInto(directory)) {
            server.start().awaitStarted();
            MailClients clients = new MailClients(server);
            clients.createDomainAndUser("example.test", USER, PASSWORD);
            clients.send(false, "sender@partner.test", USER, "through-the-spool", "queued by the embedded broker");
            await().atMost(Duration.ofSeconds(30))
                // a delivery landing between SELECT and FETCH fails that read ("Invalid messageset"): poll again
                .ignoreExceptionsInstanceOf(MessagingException.class).untilAsserted(() ->
                assertThat(clients.readInboxHeaders(USER, PASSWORD)).hasSize(1));
            assertThat(brokerHealth(server, clients.adminToken()))
                .containsPattern("\"componentName\"\\s*:\\s*\"Embedded ActiveMQ\"")
                .containsPattern("\"status\"\\s*:\\s*\"healthy\"");

            List<ListeningSockets.Listener> listeners = ListeningSockets.of(server.process().toHandle());

            List<String> configured = DistributionProcess.LISTENERS.stream()
                .map(listener -> "127.0.0.1:" + server.port(listener)).collect(Collectors.toList());
            List<ListeningSockets.Listener> unexpected = listeners.stream()
                .filter(listener -> !configured.contains(endpoint(listener))).collect(Collectors.toList());
            assertThat(unexpected).as("TCP listeners of the server beyond its configured ports %s", configured).isEmpty();
            assertThat(listeners.stream().map(ListeningPortsIT::endpoint))
                .as("each configured listener exactly once").containsExactlyInAnyOrderElementsOf(configured);
        }
    }

    private static String endpoint(ListeningSockets.Listener listener) {
        return listener.address().getHostAddress() + ":" + listener.port();
    }

    private static String brokerHealth(DistributionProcess server, String adminToken) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port("webadmin")
            + "/healthcheck/checks/Embedded%20ActiveMQ")).header("Authorization", "Bearer " + adminToken).GET().build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
}
