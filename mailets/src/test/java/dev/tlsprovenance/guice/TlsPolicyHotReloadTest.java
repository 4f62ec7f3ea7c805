package dev.tlsprovenance.guice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tlsprovenance.policy.ReloadingTlsPolicySource;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;

/** The policy file read through TlsProvenanceModule by a real James: hot reload, broken edits, start-up refusal. */
class TlsPolicyHotReloadTest {
    private static final String PROTECTED = "user@contoso1.microsoftonline.com";
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    @BeforeAll
    static void checkOnEveryAccess() {
        System.setProperty(TlsProvenanceModule.CHECK_INTERVAL_PROPERTY, "0");
        LOG.start();
        ((Logger) LoggerFactory.getLogger(ReloadingTlsPolicySource.class)).addAppender(LOG);
    }

    @AfterAll
    static void restore() {
        System.clearProperty(TlsProvenanceModule.CHECK_INTERVAL_PROPERTY);
        ((Logger) LoggerFactory.getLogger(ReloadingTlsPolicySource.class)).detachAppender(LOG);
    }

    @Test
    void editedFileAppliesToTheNextSessionAndABrokenEditKeepsTheLastGoodTable() throws Exception {
        try (JamesTestServer james = server("contoso1.microsoftonline.com  inbound=none\n").start()) {
            assertThat(rcptInCleartext(james, PROTECTED)).isEqualTo(250);

            // An edit in place is read once it has been untouched for the settle period (1 s by default).
            rewrite(james.confDirectory().resolve("tls-policy.conf"),
                "contoso1.microsoftonline.com  inbound=require  cleartext-reply=permanent\n");
            awaitRcptInCleartext(james, PROTECTED, 530);

            rewrite(james.confDirectory().resolve("tls-policy.conf"),
                "contoso1.microsoftonline.com  inbound=none\nother.test  outbound=verfy\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                rcptInCleartext(james, PROTECTED);
                return logLines().stream().anyMatch(line -> line.contains("tls-policy.conf line 2: unknown outbound level"
                    + " 'verfy' (expected one of none, may, dane, encrypt, dane-only, verify, secure, fingerprint)"));
            });
            assertThat(rcptInCleartext(james, PROTECTED)).as("the broken edit is ignored").isEqualTo(530);
            assertThat(logLines()).anyMatch(line -> line.startsWith("TLS policy file REJECTED, the previous table (1 rows"));

            rewrite(james.confDirectory().resolve("tls-policy.conf"), "contoso1.microsoftonline.com  inbound=none\n");
            awaitRcptInCleartext(james, PROTECTED, 250);
        }
    }

    /**
     * Edits that cannot be read whole never replace the table in force: through a real James, each leaves the cleartext
     * RCPT refusal in place and logs the reason at ERROR.
     */
    @Test
    void emptyCommentsOnlyAndCutShortEditsKeepTheTableInForce() throws Exception {
        String inForce = "contoso1.microsoftonline.com  inbound=require  cleartext-reply=permanent\n";
        try (JamesTestServer james = server(inForce).start()) {
            Path policy = james.confDirectory().resolve("tls-policy.conf");
            assertThat(rcptInCleartext(james, PROTECTED)).isEqualTo(530);
            String noRows = policy + ": the file has no rows (empty, or comments only); an edit never removes every rule"
                + " by accident: to remove them all write the row 'default inbound=none outbound=may'";
            String[][] edits = {
                {"", noRows},
                {"# contoso1.microsoftonline.com  inbound=require\n\n# (all rows commented out)\n", noRows},
                {"contoso1.microsoftonline.com  inbound=none\npartner.test\n", "tls-policy.conf line 2: namespace"
                    + " 'partner.test' has no key=value settings (a row needs at least one, e.g. inbound=none; was the file cut short?)"},
                {"contoso1.microsoftonline.com  inbound=none\npartner.test  inbound=requ", "tls-policy.conf line 2: the file"
                    + " ends in the middle of a line (no final line break): cut short while it was written? A complete file"
                    + " ends with a newline"},
            };
            for (String[] edit : edits) {
                int errorsBefore = errorLines().size();
                rewrite(policy, edit[0]);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    rcptInCleartext(james, PROTECTED);
                    return errorLines().size() > errorsBefore;
                });
                assertThat(errorLines().get(errorLines().size() - 1)).as("'%s'", edit[0])
                    .startsWith("TLS policy file REJECTED, the previous table (1 rows, loaded at ")
                    .endsWith(") stays in force: " + edit[1]);
                assertThat(rcptInCleartext(james, PROTECTED)).as("'%s'", edit[0]).isEqualTo(530);
            }
        }
    }

    @Test
    void emptyFileStopsJamesAtStartUpNamingTheFile() {
        Throwable failure = server("# nothing here yet\n").startExpectingFailure();
        assertThat(JamesTestServer.causeMessages(failure)).contains("tls-policy.conf: the file has no rows (empty, or comments only)");
    }

    @Test
    void hooksMailetsAndMatchersShareOneLoadedTable() throws Exception {
        try (JamesTestServer james = JamesTestServer.builder()
            .withGuiceExtensionModule(TlsProvenanceModule.class.getName())
            .withHook("dev.tlsprovenance.inbound.RequireTlsForNamespacesHook")
            .withMailets("<mailet match=\"dev.tlsprovenance.matchers.RecipientNamespaceInboundRuleIs=require\" "
                + "class=\"dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy\"/>")
            .withConfFile("tls-policy.conf", "contoso1.microsoftonline.com  inbound=require\n")
            .build().start()) {
            String file = james.confDirectory().resolve("tls-policy.conf").toString();
            assertThat(logLines()).filteredOn(line -> line.startsWith("TLS policy loaded from " + file + ":")).hasSize(1);
        }
    }

    @Test
    void invalidFileStopsJamesAtStartUpNamingFileAndLine() {
        Throwable failure = server("# partner\ncontoso1.microsoftonline.com  inbound=requir\n").startExpectingFailure();
        assertThat(JamesTestServer.causeMessages(failure)).contains(
            "tls-policy.conf line 2: unknown inbound rule 'requir' (expected one of none, require, require-verified-client-cert)");
    }

    @Test
    void missingFileMeansNoRules() throws Exception {
        try (JamesTestServer james = JamesTestServer.builder()
            .withGuiceExtensionModule(TlsProvenanceModule.class.getName())
            .withHook("dev.tlsprovenance.inbound.RequireTlsForNamespacesHook")
            .build().start()) {
            assertThat(rcptInCleartext(james, PROTECTED)).isEqualTo(250);
        }
    }

    private static JamesTestServer server(String policy) {
        return JamesTestServer.builder()
            .withGuiceExtensionModule(TlsProvenanceModule.class.getName())
            .withHook("dev.tlsprovenance.inbound.RequireTlsForNamespacesHook")
            .withConfFile("tls-policy.conf", policy)
            .build();
    }

    private static int rcptInCleartext(JamesTestServer james, String recipient) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.example.test");
            client.mailFrom("sender@example.test");
            return client.rcptTo(recipient).code();
        }
    }

    private static void awaitRcptInCleartext(JamesTestServer james, String recipient, int expectedCode) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
            .until(() -> rcptInCleartext(james, recipient) == expectedCode);
    }

    /** Moves the modification time too, so the edit is seen even where timestamps are coarse. */
    private static void rewrite(Path file, String text) throws Exception {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plusSeconds(2)));
    }

    private static List<String> errorLines() {
        synchronized (LOG.list) {
            return LOG.list.stream().filter(event -> event.getLevel() == Level.ERROR)
                .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        }
    }

    private static List<String> logLines() {
        synchronized (LOG.list) {
            return LOG.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        }
    }
}
