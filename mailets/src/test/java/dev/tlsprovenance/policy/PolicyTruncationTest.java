package dev.tlsprovenance.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A policy edit cut short at every byte offset (full disk, an editor crash, a copy interrupted), seen by the
 * reloader: each cut is refused with file and line and the table in force stays, or it is a file of whole lines
 * whose table is exactly what those lines say, every row whole. Never a row that lost the keys after the cut on its
 * own line. The one cut that cannot be told from an intended edit is at the end of a row's line just before its
 * continuation line: that file is complete as written (see docs/inbound-tls-policy.md, "Editing safely").
 */
class PolicyTruncationTest {
    private static final String PIN = "3d95e4a1c0b7f00d3d95e4a1c0b7f00d3d95e4a1c0b7f00d3d95e4a1c0b7f00d";

    @TempDir
    Path conf;

    @Test
    void everyTruncationIsRefusedOrIsAWholeLinePrefixWithWholeRows() throws Exception {
        PolicyTestFiles.pemBundle(conf.resolve("partner-ca.pem"));
        String full = String.join("\n",
                "# TLS policy: hosted tenant, partners, default",
                "contoso1.microsoftonline.com  inbound=require  outbound=secure  match=*.mail.protection.outlook.com",
                "    route=[smarthost.contoso.test]:25",
                ".microsoftonline.com          inbound=require  outbound=verify  cleartext-reply=permanent",
                "",
                "partner.test  inbound=require-verified-client-cert  client-ca=partner-ca.pem  client-names=mx.partner.test",
                "    client-pins=" + PIN + "  require-tls-from-senders=yes",
                "legacy.test   outbound=fingerprint  pins=" + PIN + "   # pinned peer",
                "default       inbound=none  outbound=may",
                "");
        Map<String, NamespacePolicy> fullRows = parse(full).rows().stream()
                .collect(Collectors.toMap(NamespacePolicy::namespace, Function.identity()));
        String[] fullLines = full.split("\n", -1);
        Path file = Files.writeString(conf.resolve("tls-policy.conf"), full);
        ReloadingTlsPolicySource source = ReloadingTlsPolicySource.load(file, Duration.ofDays(1),
                PolicyPathResolver.relativeTo(conf), Duration.ZERO);

        List<Integer> refused = new ArrayList<>();
        List<Integer> accepted = new ArrayList<>();
        List<Integer> cutBeforeAContinuation = new ArrayList<>();
        byte[] bytes = full.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut < bytes.length; cut++) {
            String prefix = new String(bytes, 0, cut, StandardCharsets.UTF_8);
            edit(file, full);
            assertThat(source.reloadIfChanged()).isTrue();
            TlsPolicyTable inForce = source.current();

            edit(file, prefix);
            if (source.reloadIfChanged()) {
                accepted.add(cut);
                assertThat(prefix).as("accepted cut at %d", cut).endsWith("\n");
                assertThat(source.current().rows()).as("cut at %d", cut).isEqualTo(parse(prefix).rows());
                String nextLine = fullLines[(int) prefix.chars().filter(c -> c == '\n').count()];
                boolean nextLineContinues = !nextLine.isBlank() && Character.isWhitespace(nextLine.charAt(0));
                List<NamespacePolicy> rows = source.current().rows();
                for (int i = 0; i < rows.size(); i++) {
                    boolean lastRowCutBeforeItsContinuation = nextLineContinues && i == rows.size() - 1;
                    if (!lastRowCutBeforeItsContinuation) {
                        assertThat(rows.get(i)).as("cut at %d keeps row %s whole", cut, rows.get(i).namespace())
                                .isEqualTo(fullRows.get(rows.get(i).namespace()));
                    } else {
                        cutBeforeAContinuation.add(cut);
                    }
                }
            } else {
                refused.add(cut);
                assertThat(source.current()).as("cut at %d keeps the table in force", cut).isSameAs(inForce);
                PolicyFileException error = source.lastError().orElseThrow();
                if (error.line() == 0) {
                    assertThat(error.getMessage()).isEqualTo(file + ": " + ReloadingTlsPolicySource.NO_ROWS);
                } else {
                    assertThat(error.getMessage()).startsWith("tls-policy.conf line " + error.line() + ": ");
                }
            }
        }
        // Every cut inside a line is refused; only the whole-line prefixes holding a row load.
        long lineEnds = full.chars().filter(c -> c == '\n').count();
        assertThat(accepted).hasSizeLessThan((int) lineEnds);
        assertThat(refused).hasSize(bytes.length - accepted.size());
        // The cuts indistinguishable from an intended edit: exactly the two line ends followed by a continuation line.
        assertThat(cutBeforeAContinuation).containsExactly(full.indexOf("\n    route=") + 1,
                full.indexOf("\n    client-pins=") + 1);
    }

    private TlsPolicyTable parse(String text) throws PolicyFileException {
        return TlsPolicyTable.parse("tls-policy.conf", new StringReader(text), PolicyPathResolver.relativeTo(conf));
    }

    /** A new modification time each time, so the reloader sees every edit even on a coarse-timestamp file system. */
    private static void edit(Path file, String text) throws Exception {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plusMillis(10)));
        assertThat(Files.getLastModifiedTime(file).toInstant()).isAfter(Instant.EPOCH);
    }
}
