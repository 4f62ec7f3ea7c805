package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.mail.MessagingException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What an administrator sets up and what users receive survives a clean stop and a {@code kill -9}: a domain, a user
 * and an alias created through WebAdmin, and 100 mails (plus one through the alias) delivered over SMTP are all there
 * after each restart of the packaged server (WebAdmin JSON, IMAP login, exactly those 101 messages).
 */
class PersistentStateIT {
    private static final String DOMAIN = "persistent.test";
    private static final String USER = "carol@" + DOMAIN;
    private static final String ALIAS = "postmaster@" + DOMAIN;
    private static final String PASSWORD = "kept-across-restarts";
    private static final int MAILS = 100;
    private static final Pattern SUBJECT = Pattern.compile("^Subject: (.*)$", Pattern.MULTILINE);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void domainUserAliasAndMailboxSurviveACleanStopAndAKillNine() throws Exception {
        try (DistributionProcess server = DistributionProcess.installInto(directory)) {
            server.start().awaitStarted();
            // The store this run is about: embedded Derby by default, the installation's own PostgreSQL database in
            // the interop profile's PostgreSQL run.
            assertThat(server.console()).contains("Persistent store: "
                + server.database().map(TestDatabase::jdbcUrl).orElse("jdbc:derby:var/store/derby"));
            MailClients clients = new MailClients(server);
            clients.createDomainAndUser(DOMAIN, USER, PASSWORD);
            clients.webAdminPut("/address/aliases/" + USER + "/sources/" + ALIAS, null);
            for (int i = 0; i < MAILS; i++) {
                clients.send(false, "sender@partner.test", USER, "persistent-" + i, "mail " + i);
            }
            clients.send(false, "sender@partner.test", ALIAS, "through-the-alias", "mail to the alias");
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                // a delivery landing between SELECT and FETCH fails that read ("Invalid messageset"): poll again
                .ignoreExceptionsInstanceOf(MessagingException.class)
                .untilAsserted(() -> assertThat(subjects(clients.readInboxHeaders(USER, PASSWORD))).hasSize(MAILS + 1));
            assertEverythingIsThere(clients, "before any restart");

            server.process().destroy();
            server.awaitExit(Duration.ofSeconds(60));
            server.start().awaitStarted();
            assertEverythingIsThere(clients, "after a clean stop and start");

            server.killHard();
            server.start().awaitStarted();
            assertEverythingIsThere(clients, "after kill -9 and start");
        }
    }

    /** Read at once, no waiting: the state must be in the store when the server says it accepts connections. */
    private static void assertEverythingIsThere(MailClients clients, String when) throws Exception {
        assertThat(textValues(clients.webAdminGet("/domains"), null)).as("domains " + when)
            .containsExactlyInAnyOrder(DOMAIN, "localhost");
        assertThat(textValues(clients.webAdminGet("/users"), "username")).as("users " + when).containsExactly(USER);
        assertThat(textValues(clients.webAdminGet("/address/aliases/" + USER), "source")).as("aliases of " + USER + " " + when)
            .containsExactly(ALIAS);
        List<String> expected = IntStream.range(0, MAILS).mapToObj(i -> "persistent-" + i).collect(Collectors.toList());
        expected.add("through-the-alias");
        assertThat(subjects(clients.readInboxHeaders(USER, PASSWORD))).as("INBOX of " + USER + " over IMAPS " + when)
            .containsExactlyInAnyOrderElementsOf(expected);
    }

    /** The JSON array's elements as text, or the text of FIELD of each element. */
    private static List<String> textValues(String json, String field) throws Exception {
        List<String> values = new ArrayList<>();
        for (JsonNode element : JSON.readTree(json)) {
            values.add(field == null ? element.asText() : element.get(field).asText());
        }
        return values;
    }

    private static List<String> subjects(List<String> headerBlocks) {
        return headerBlocks.stream().map(block -> {
            Matcher matcher = SUBJECT.matcher(block);
            return matcher.find() ? matcher.group(1).trim() : "?";
        }).collect(Collectors.toList());
    }
}
