package dev.tlsprovenance.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingTlsPolicySourceTest {
    private static final Duration NEVER_BY_ITSELF = Duration.ofDays(1);

    @TempDir
    Path conf;

    @Test
    void invalidFileAtStartUpIsRefused() throws Exception {
        Path file = write("tls-policy.conf", "a.test inbound=requir");
        assertThatThrownBy(() -> ReloadingTlsPolicySource.load(file, NEVER_BY_ITSELF))
                .isInstanceOf(PolicyFileException.class)
                .hasMessage("tls-policy.conf line 1: unknown inbound rule 'requir' "
                        + "(expected one of none, require, require-verified-client-cert)");
    }

    @Test
    void missingFileAtStartUpIsRefusedByLoad() {
        Path file = conf.resolve("tls-policy.conf");
        assertThatThrownBy(() -> ReloadingTlsPolicySource.load(file, NEVER_BY_ITSELF))
                .isInstanceOf(PolicyFileException.class)
                .hasMessage(file + ": file does not exist");
    }

    @Test
    void changedFileIsPickedUp() throws Exception {
        Path file = write("tls-policy.conf", "a.test inbound=none");
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.load(file, NEVER_BY_ITSELF);
        assertThat(source.current().lookup("a.test").inbound()).isEqualTo(InboundRule.NONE);
        assertThat(source.reloadIfChanged()).isFalse();

        rewrite(file, "a.test inbound=require\n");

        assertThat(source.reloadIfChanged()).isTrue();
        assertThat(source.current().lookup("a.test").inbound()).isEqualTo(InboundRule.REQUIRE);
    }

    @Test
    void brokenEditKeepsTheLastGoodTableAndReportsTheLine() throws Exception {
        Path file = write("tls-policy.conf", "a.test inbound=require");
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.load(file, NEVER_BY_ITSELF);
        TlsPolicyTable good = source.current();

        rewrite(file, "a.test inbound=none\nb.test outbound=verfy\n");

        assertThat(source.reloadIfChanged()).isFalse();
        assertThat(source.current()).isSameAs(good);
        assertThat(source.lastError()).get()
                .extracting(PolicyFileException::line, PolicyFileException::problem)
                .containsExactly(2, "unknown outbound level 'verfy' (expected one of none, may, dane, encrypt, dane-only, verify, secure, fingerprint)");

        rewrite(file, "a.test inbound=none\nb.test outbound=verify\n");

        assertThat(source.reloadIfChanged()).isTrue();
        assertThat(source.current().lookup("a.test").inbound()).isEqualTo(InboundRule.NONE);
        assertThat(source.lastError()).isEmpty();
    }

    @Test
    void fileReplacedByRenameIsPickedUp() throws Exception {
        Path file = write("tls-policy.conf", "a.test inbound=none");
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.load(file, NEVER_BY_ITSELF);
        Path edited = write("tls-policy.conf.new", "a.test inbound=none");
        Files.setLastModifiedTime(edited, Files.getLastModifiedTime(file));
        Files.writeString(edited, "b.test inbound=none\n"); // a reloaded edit ends with a line break
        Files.setLastModifiedTime(edited, Files.getLastModifiedTime(file));

        Files.move(edited, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        assertThat(source.reloadIfChanged()).isTrue();
        assertThat(source.current().lookup("b.test").source()).isEqualTo("tls-policy.conf:1");
    }

    @Test
    void missingFileMeansEmptyTableUntilItAppears() throws Exception {
        Path file = conf.resolve("tls-policy.conf");
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.loadIfPresent(file, NEVER_BY_ITSELF,
                PolicyPathResolver.relativeTo(conf));
        assertThat(source.current().size()).isZero();

        write("tls-policy.conf", "a.test inbound=require\n"); // a reloaded edit ends with a line break

        assertThat(source.reloadIfChanged()).isTrue();
        assertThat(source.current().lookup("a.test").inbound()).isEqualTo(InboundRule.REQUIRE);
    }

    @Test
    void deletedFileKeepsTheLastTable() throws Exception {
        Path file = write("tls-policy.conf", "a.test inbound=require");
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.load(file, NEVER_BY_ITSELF);
        Files.delete(file);

        assertThat(source.reloadIfChanged()).isFalse();
        assertThat(source.current().lookup("a.test").inbound()).isEqualTo(InboundRule.REQUIRE);
    }

    @Test
    void currentChecksByItselfOnceTheIntervalHasPassed() throws Exception {
        Path file = write("tls-policy.conf", "a.test inbound=none");
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.load(file, Duration.ZERO);

        rewrite(file, "a.test inbound=require\n");

        assertThat(source.current().lookup("a.test").inbound()).isEqualTo(InboundRule.REQUIRE);
    }

    @Test
    void emptyOrCommentsOnlyEditIsRefusedAndTheTableStays() throws Exception {
        Path file = write("tls-policy.conf", "a.test inbound=require\n");
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.load(file, NEVER_BY_ITSELF);
        TlsPolicyTable good = source.current();
        for (String edit : new String[] {"", "\n\n", "# every partner row removed\n#a.test inbound=require\n", "   \n"}) {
            rewrite(file, edit);

            assertThat(source.reloadIfChanged()).as("'%s'", edit).isFalse();
            assertThat(source.current()).isSameAs(good);
            assertThat(source.lastError()).get()
                    .extracting(PolicyFileException::source, PolicyFileException::line, PolicyFileException::problem)
                    .containsExactly(file.toString(), 0, ReloadingTlsPolicySource.NO_ROWS);
        }
    }

    @Test
    void explicitDefaultRowIsHowEveryRuleIsRemoved() throws Exception {
        Path file = write("tls-policy.conf", "a.test inbound=require\n");
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.load(file, NEVER_BY_ITSELF);
        rewrite(file, "default inbound=none outbound=may\n");

        assertThat(source.reloadIfChanged()).isTrue();
        assertThat(source.current().lookup("a.test").inbound()).isEqualTo(InboundRule.NONE);
    }

    @Test
    void editCutInTheMiddleOfALineIsRefusedNamingTheLine() throws Exception {
        Path file = write("tls-policy.conf", "a.test inbound=require\n");
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.load(file, NEVER_BY_ITSELF);
        TlsPolicyTable good = source.current();
        rewrite(file, "a.test inbound=require\npartner.test inbound=require-verified-client-cert client-names=mx.partner.te");

        assertThat(source.reloadIfChanged()).isFalse();
        assertThat(source.current()).isSameAs(good);
        assertThat(source.lastError()).get().extracting(PolicyFileException::getMessage).isEqualTo("tls-policy.conf line 2:"
                + " the file ends in the middle of a line (no final line break): cut short while it was written?"
                + " A complete file ends with a newline");
    }

    @Test
    void editCutAfterANamespaceIsRefusedNamingTheLine() throws Exception {
        Path file = write("tls-policy.conf", "a.test inbound=require\n");
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.load(file, NEVER_BY_ITSELF);
        rewrite(file, "a.test inbound=require\npartner.test\n");

        assertThat(source.reloadIfChanged()).isFalse();
        assertThat(source.lastError()).get().extracting(PolicyFileException::line).isEqualTo(2);
        assertThat(source.current().lookup("a.test").inbound()).isEqualTo(InboundRule.REQUIRE);
    }

    @Test
    void emptyFileAtStartUpIsRefusedNamingTheFile() throws Exception {
        for (String text : new String[] {"", "# nothing yet\n"}) {
            Path file = write("tls-policy.conf", text);
            assertThatThrownBy(() -> ReloadingTlsPolicySource.loadIfPresent(file, NEVER_BY_ITSELF,
                    PolicyPathResolver.relativeTo(conf), Duration.ofSeconds(1)))
                    .isInstanceOf(PolicyFileException.class)
                    .hasMessage(file + ": " + ReloadingTlsPolicySource.NO_ROWS);
        }
    }

    @Test
    void anEditInPlaceIsReadOnlyOnceItHasBeenUntouchedForTheSettlePeriod() throws Exception {
        Path file = write("tls-policy.conf", "a.test inbound=none\n");
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.load(file, NEVER_BY_ITSELF,
                PolicyPathResolver.relativeTo(conf), Duration.ofMillis(300));
        Files.writeString(file, "a.test inbound=require\n");

        assertThat(source.reloadIfChanged()).as("just written").isFalse();
        assertThat(source.current().lookup("a.test").inbound()).isEqualTo(InboundRule.NONE);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(source::reloadIfChanged);
        assertThat(source.current().lookup("a.test").inbound()).isEqualTo(InboundRule.REQUIRE);
    }

    @Test
    void aFileWhoseTimeIsInTheFutureIsReadOnceItHasHeldStillForTheSettlePeriod() throws Exception {
        Path file = write("tls-policy.conf", "a.test inbound=none\n");
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.load(file, NEVER_BY_ITSELF,
                PolicyPathResolver.relativeTo(conf), Duration.ofMillis(300));
        Files.writeString(file, "a.test inbound=require\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plus(Duration.ofHours(1))));

        assertThat(source.reloadIfChanged()).isFalse();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(source::reloadIfChanged);
        assertThat(source.current().lookup("a.test").inbound()).isEqualTo(InboundRule.REQUIRE);
    }

    @Test
    void aCompleteFileRenamedIntoPlaceIsReadAtOnce() throws Exception {
        Path file = write("tls-policy.conf", "a.test inbound=none\n");
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.load(file, NEVER_BY_ITSELF,
                PolicyPathResolver.relativeTo(conf), Duration.ofHours(1));
        Path edited = write("tls-policy.conf.tmp", "a.test inbound=require\n");

        Files.move(edited, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        assertThat(source.reloadIfChanged()).isTrue();
        assertThat(source.current().lookup("a.test").inbound()).isEqualTo(InboundRule.REQUIRE);
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(conf.resolve(name), text);
    }

    /** Also moves the modification time, so the change is seen even on file systems with coarse timestamps. */
    private static void rewrite(Path file, String text) throws Exception {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plusSeconds(2)));
        assertThat(Files.getLastModifiedTime(file).toInstant()).isAfter(Instant.EPOCH);
    }
}
