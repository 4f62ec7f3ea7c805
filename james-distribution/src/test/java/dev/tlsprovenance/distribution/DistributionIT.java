package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged distribution, started as a separate process the way the README says: a domain and a user are created
 * through WebAdmin, one message is sent over STARTTLS and one in cleartext, and both are read back over IMAPS.
 */
class DistributionIT {
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "correct-horse";

    @TempDir
    static Path directory;
    static DistributionProcess server;
    static MailClients clients;
    static List<String> inbox;

    @BeforeAll
    static void startAndExchangeMail() throws Exception {
        server = DistributionProcess.installInto(directory).start().awaitStarted();
        clients = new MailClients(server);
        clients.createDomainAndUser("example.test", USER, PASSWORD);
        clients.send(true, "sender@partner.test", USER, "over-starttls", "sent with STARTTLS");
        clients.send(false, "sender@partner.test", USER, "in-cleartext", "sent without TLS");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(inbox = clients.readInboxHeaders(USER, PASSWORD)).hasSize(2));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void bothMessagesAreDeliveredToTheMailboxAndReadOverImaps() {
        assertThat(message("over-starttls")).contains("Subject: over-starttls");
        assertThat(message("in-cleartext")).contains("Subject: in-cleartext");
        // James 3.8.1's own line (by = the configured hello name); it says nothing about TLS until the inbound hooks are wired.
        assertThat(message("over-starttls"))
            .contains("Received: from localhost (EHLO client.example.test) ([127.0.0.1])")
            .contains("by localhost (JAMES SMTP Server ) with ESMTP");
    }

    @Test
    void generatesASelfSignedCertificateOnFirstStartAndSaysSo() {
        assertThat(server.home().resolve("conf/keystore.p12")).exists();
        assertThat(server.console()).contains("generated a SELF-SIGNED certificate for 'localhost'");
    }

    @Test
    void theExtensionShipsInExtensionsJarsOnly() throws Exception {
        assertThat(server.home().resolve("extensions-jars")).isDirectoryContaining("glob:**/tls-provenance-mailets-*.jar");
        assertThat(server.home().resolve("lib")).isDirectoryNotContaining("glob:**/tls-provenance-mailets-*.jar");
    }

    /** Pending until the inbound hooks and header mailet (branch inbound) are wired into conf/. */
    @Test
    void receivedLineAndProvenanceHeaderTellTlsFromCleartext() throws Exception {
        Assumptions.assumeTrue(extensionProvides("dev/tlsprovenance/headers/AddTlsProvenanceHeaders.class"),
            "pending: the inbound provenance hooks/mailet are not in the extension jar yet");
        assertThat(message("over-starttls")).containsPattern("Received: .*with ESMTPS");
        assertThat(message("over-starttls")).containsPattern("X-TLS-Provenance: .*transport=starttls");
        assertThat(message("in-cleartext")).containsPattern("Received: .*with ESMTP[ ;]");
        assertThat(message("in-cleartext")).containsPattern("X-TLS-Provenance: .*transport=cleartext");
    }

    private static boolean extensionProvides(String classFile) throws Exception {
        try (var jars = java.nio.file.Files.list(server.home().resolve("extensions-jars"))) {
            for (Path jar : jars.toList()) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    if (zip.getEntry(classFile) != null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String message(String subject) {
        return inbox.stream().filter(headers -> headers.contains("Subject: " + subject)).findFirst()
            .orElseThrow(() -> new AssertionError("no message with subject " + subject + " in " + inbox));
    }
}
