package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;

/**
 * The packaged server with its shipped configuration while the outbound ledger cannot be written (a directory where
 * the file should be: that fails for root too): mail for a {@code secure} namespace waits unsent, mail for a
 * {@code may} namespace goes on; one ERROR names the cause, one INFO the recovery, after which the waiting mail is
 * delivered and recorded. The inbound ledger, wired in the shipped root processor, has a line for each mail received.
 */
class LedgerOutageIT {
    private static final TestPki PKI = TestPki.shared();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path directory;
    static DistributionProcess server;
    static TestSmtpPeer partner;
    static TestSmtpPeer open;

    @BeforeAll
    static void start() throws Exception {
        partner = TestSmtpPeer.builder().serverName("mx.partner.test").identity(PKI.peer("mx.partner.test")).start();
        open = TestSmtpPeer.builder().serverName("mx.open.test").start();
        server = DistributionProcess.installInto(directory);
        Path conf = server.home().resolve("conf");
        Files.writeString(conf.resolve("partner-ca.pem"), PKI.root().certificatePem());
        Files.writeString(conf.resolve("tls-policy.conf"), Files.readString(conf.resolve("tls-policy.conf"))
            + "\npartner.test   outbound=secure   match=mx.partner.test  ca=partner-ca.pem  route=[127.0.0.1]:" + partner.port()
            + "\nopen.test      outbound=may      route=[127.0.0.1]:" + open.port() + "\n");
        Files.createDirectories(outboundLedger());
        server.start().awaitStarted();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (partner != null) {
            partner.close();
        }
        if (open != null) {
            open.close();
        }
    }

    private static Path outboundLedger() {
        return server.home().resolve("var/tls-ledger/outbound.jsonl");
    }

    private static List<String> consoleLines(String... fragments) {
        return Arrays.stream(server.console().split("\n"))
            .filter(line -> Arrays.stream(fragments).allMatch(line::contains)).collect(Collectors.toList());
    }

    private static List<JsonNode> jsonLines(Path file) throws Exception {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void aSecureRowWaitsUnsentWhileTheLedgerIsUnwritableAndIsDeliveredAndRecordedOnceItIs() throws Exception {
        MailClients clients = new MailClients(server);
        clients.send(false, "alice@example.test", "bob@partner.test", "during-outage-secure", "must wait for its record");
        clients.send(false, "alice@example.test", "carol@open.test", "during-outage-may", "may go on");

        assertThat(open.awaitTransactions(1).get(0).recipients()).containsExactly("carol@open.test");
        await().atMost(Duration.ofSeconds(60)).until(() ->
            consoleLines("recipient(s) deferred (4.3.0) until the outbound ledger can be written").size() >= 2);
        assertThat(partner.connectionCount()).isZero();
        assertThat(partner.commandLog()).noneMatch(command -> command.startsWith("MAIL"));

        Files.delete(outboundLedger());
        assertThat(partner.awaitTransactions(1).get(0).recipients()).containsExactly("bob@partner.test");
        await().atMost(Duration.ofSeconds(20)).until(() -> jsonLines(outboundLedger()).stream()
            .anyMatch(line -> line.path("domain").asText().equals("partner.test")));
        JsonNode line = jsonLines(outboundLedger()).stream()
            .filter(l -> l.path("domain").asText().equals("partner.test")).findFirst().get();
        assertThat(line.path("transport").asText()).isEqualTo("starttls");
        assertThat(line.path("verify").asText()).isEqualTo("verified");
        assertThat(line.path("level").asText()).isEqualTo("secure");
        assertThat(line.path("sender").asText()).isEqualTo("alice@example.test");
        assertThat(line.path("message-id").asText()).isNotBlank();
        assertThat(line.path("row").asText()).startsWith("tls-policy.conf:");
        assertThat(line.path("recipients").get(0).path("rcpt").asText()).isEqualTo("bob@partner.test");
        assertThat(line.path("recipients").get(0).path("result").asText()).isEqualTo("delivered");

        List<String> errors = consoleLines("[ERROR]", "outbound ledger");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).contains("cannot be written (FileSystemException: ", "Is a directory");
        assertThat(consoleLines("[INFO ]", "outbound ledger", "can be written again")).hasSize(1);

        // the shipped root processor records each received mail, with its recipients' rows and decisions
        List<JsonNode> inbound = jsonLines(server.home().resolve("var/tls-ledger/inbound.jsonl"));
        assertThat(inbound).extracting(l -> l.path("recipients").get(0).path("rcpt").asText())
            .contains("bob@partner.test", "carol@open.test");
        JsonNode received = inbound.stream()
            .filter(l -> l.path("recipients").get(0).path("rcpt").asText().equals("bob@partner.test")).findFirst().get();
        assertThat(received.path("dir").asText()).isEqualTo("inbound");
        assertThat(received.path("record").asText()).isEqualTo("sealed");
        assertThat(received.path("sender").asText()).isEqualTo("alice@example.test");
        assertThat(received.path("message-id").asText()).isEqualTo(line.path("message-id").asText());
        assertThat(received.path("recipients").get(0).path("decision").asText()).isEqualTo("accepted");
    }
}
