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
 *
 * <p>UIDs come from blocks reserved in the database (issue 11 item 8): after each restart, a new mail's UID is above
 * every UID handed out before and UIDNEXT is above every UID. Domains,
 * users and rewrites are read through caches: a change made with WebAdmin applies to the very next SMTP transaction.
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
    /** Subjects of the mails sent after the first restart (one per restart), expected in the INBOX from then on. */
    private final List<String> sentAfterRestarts = new ArrayList<>();

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
            MailClients.InboxNumbers before = clients.readInboxNumbers(USER, PASSWORD);
            assertNumbering(before, "before any restart");

            server.process().destroy();
            server.awaitExit(Duration.ofSeconds(60));
            server.start().awaitStarted();
            assertEverythingIsThereAfterARestart(clients, "after a clean stop and start", "through-the-alias");
            MailClients.InboxNumbers afterStart = settledNumbers(clients);
            assertThat(afterStart.uids.subList(0, before.uids.size())).as("UIDs kept after a clean stop").isEqualTo(before.uids);
            MailClients.InboxNumbers afterStop = numbersAfterOneMore(clients, afterStart, "after-clean-stop");

            server.killHard();
            server.start().awaitStarted();
            assertEverythingIsThereAfterARestart(clients, "after kill -9 and start",
                sentAfterRestarts.get(sentAfterRestarts.size() - 1));
            MailClients.InboxNumbers afterKill = settledNumbers(clients);
            assertThat(afterKill.uids.subList(0, afterStop.uids.size())).as("UIDs kept after kill -9").isEqualTo(afterStop.uids);
            numbersAfterOneMore(clients, afterKill, "after-kill");
        }
    }

    @Test
    void aliasAndUserChangesApplyToTheNextMailAtOnce() throws Exception {
        String second = "second@" + DOMAIN;
        String alias = "sales@" + DOMAIN;
        try (DistributionProcess server = DistributionProcess.installInto(directory)) {
            server.start().awaitStarted();
            MailClients clients = new MailClients(server);
            clients.createDomainAndUser(DOMAIN, USER, PASSWORD);
            // asked (and so cached) before each change: unknown alias refused, then the change, then the next mail
            assertThat(clients.refusedRecipientReply("sender@partner.test", alias)).as("RCPT to an alias that does not exist yet")
                .startsWith("550 5.1.1");
            clients.webAdminPut("/address/aliases/" + USER + "/sources/" + alias, null);
            clients.send(false, "sender@partner.test", alias, "through-new-alias", "x");
            awaitSubjects(clients, USER, List.of("through-new-alias"));

            clients.webAdminDelete("/address/aliases/" + USER + "/sources/" + alias);
            assertThat(clients.refusedRecipientReply("sender@partner.test", alias)).as("RCPT to the alias right after its removal")
                .startsWith("550 5.1.1");

            assertThat(clients.refusedRecipientReply("sender@partner.test", second)).as("RCPT to a user that does not exist yet")
                .startsWith("550 5.1.1");
            clients.webAdminPut("/users/" + second, "{\"password\":\"" + PASSWORD + "\"}");
            clients.send(false, "sender@partner.test", second, "to-new-user", "x");
            awaitSubjects(clients, second, List.of("to-new-user"));
            clients.webAdminDelete("/users/" + second);
            assertThat(clients.refusedRecipientReply("sender@partner.test", second)).as("RCPT to the user right after its removal")
                .startsWith("550 5.1.1");
        }
    }

    private static void awaitSubjects(MailClients clients, String user, List<String> expected) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .ignoreExceptionsInstanceOf(MessagingException.class)
            .untilAsserted(() -> assertThat(subjects(clients.readInboxHeaders(user, PASSWORD))).containsExactlyElementsOf(expected));
    }

    /** UIDs distinct and ascending in mailbox order, UIDNEXT above all of them. */
    private static void assertNumbering(MailClients.InboxNumbers numbers, String when) {
        assertThat(numbers.uids).as("UIDs " + when).doesNotHaveDuplicates().isSorted();
        assertThat(numbers.uidNext).as("UIDNEXT " + when).isGreaterThan(numbers.maxUid());
    }

    /** One more mail after a restart: its UID above every earlier one and not below the earlier UIDNEXT. */
    private MailClients.InboxNumbers numbersAfterOneMore(MailClients clients, MailClients.InboxNumbers earlier,
            String subject) throws Exception {
        int count = earlier.uids.size() + 1;
        clients.send(false, "sender@partner.test", USER, subject, "one more");
        sentAfterRestarts.add(subject);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .ignoreExceptionsInstanceOf(MessagingException.class)
            .until(() -> clients.readInboxNumbers(USER, PASSWORD).uids.size() == count);
        MailClients.InboxNumbers now = clients.readInboxNumbers(USER, PASSWORD);
        assertNumbering(now, subject);
        assertThat(now.uids.subList(0, earlier.uids.size())).as("UIDs kept " + subject).isEqualTo(earlier.uids);
        assertThat(now.uids.get(count - 1)).as("UID of the mail " + subject).isGreaterThan(earlier.maxUid())
            .isGreaterThanOrEqualTo(earlier.uidNext);
        return now;
    }

    /** Read at once, no waiting: the state must be in the store when the server says it accepts connections. */
    private void assertEverythingIsThere(MailClients clients, String when) throws Exception {
        assertDomainUserAndAlias(clients, when);
        assertThat(subjects(clients.readInboxHeaders(USER, PASSWORD))).as("INBOX of " + USER + " over IMAPS " + when)
            .containsExactlyInAnyOrderElementsOf(expectedSubjects());
    }

    private static void assertDomainUserAndAlias(MailClients clients, String when) throws Exception {
        assertThat(textValues(clients.webAdminGet("/domains"), null)).as("domains " + when)
            .containsExactlyInAnyOrder(DOMAIN, "localhost");
        assertThat(textValues(clients.webAdminGet("/users"), "username")).as("users " + when).containsExactly(USER);
        assertThat(textValues(clients.webAdminGet("/address/aliases/" + USER), "source")).as("aliases of " + USER + " " + when)
            .containsExactly(ALIAS);
    }

    /** Every mail sent so far, by subject. */
    private List<String> expectedSubjects() {
        List<String> expected = IntStream.range(0, MAILS).mapToObj(i -> "persistent-" + i).collect(Collectors.toList());
        expected.add("through-the-alias");
        expected.addAll(sentAfterRestarts);
        return expected;
    }

    /** The INBOX's UIDs once a read succeeds (an append racing the read fails it). */
    private static MailClients.InboxNumbers settledNumbers(MailClients clients) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .ignoreExceptionsInstanceOf(MessagingException.class).until(() -> clients.readInboxNumbers(USER, PASSWORD), n -> true);
    }

    /**
     * As {@link #assertEverythingIsThere}, after a restart. The spool may hand out again the mail whose delivery had
     * not been acknowledged when the JVM stopped (at least once, never lost), so the mail sent last before the stop
     * ({@code lastBeforeStop}) may be appended a second time while the INBOX is read; an append between SELECT and
     * FETCH fails the read ("Cannot load header", seen in CI right after a clean restart and after a kill -9), which
     * is then repeated. Passes when every mail is there exactly once, that last one at most twice;
     * a second copy is printed, so a CI log shows how often it happens.
     */
    private void assertEverythingIsThereAfterARestart(MailClients clients, String when, String lastBeforeStop) throws Exception {
        assertDomainUserAndAlias(clients, when);
        List<String> expected = expectedSubjects();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .ignoreExceptionsInstanceOf(MessagingException.class)
            .untilAsserted(() -> {
                List<String> read = new ArrayList<>(subjects(clients.readInboxHeaders(USER, PASSWORD)));
                if (java.util.Collections.frequency(read, lastBeforeStop) == 2) {
                    System.out.println("PersistentStateIT: " + when + ", '" + lastBeforeStop + "' is in the INBOX twice");
                    read.remove(lastBeforeStop);
                }
                assertThat(read).as("INBOX of " + USER + " over IMAPS " + when).containsExactlyInAnyOrderElementsOf(expected);
            });
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
