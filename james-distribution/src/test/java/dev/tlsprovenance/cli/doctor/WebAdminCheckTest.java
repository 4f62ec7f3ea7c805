package dev.tlsprovenance.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.distribution.webadmin.WebAdminKeys;
import dev.tlsprovenance.distribution.webadmin.WebAdminSettings;

/** The doctor's WebAdmin findings, from the shipped conf/webadmin.properties and edits of it. */
class WebAdminCheckTest {
    @TempDir
    Path home;
    Path conf;

    @BeforeEach
    void shippedConfiguration() throws Exception {
        conf = home.resolve("conf/webadmin.properties");
        Files.createDirectories(conf.getParent());
        Files.copy(Path.of("../conf/webadmin.properties"), conf);
    }

    @Test
    void theShippedConfigurationRequiresTokensBeforeAndAfterTheFirstStart() throws Exception {
        assertThat(WebAdminCheck.check(home)).containsExactly(
            Finding.ok("webadmin", "WebAdmin (127.0.0.1:8000)", "tokens required (bin/tls-provenance admin-token)"));
        WebAdminKeys.generateMissing(WebAdminSettings.read(home).orElseThrow());
        assertThat(WebAdminCheck.check(home)).containsExactly(
            Finding.ok("webadmin", "WebAdmin (127.0.0.1:8000)", "tokens required (bin/tls-provenance admin-token)"));
    }

    @Test
    void aKeyOthersCanReadIsAWarning() throws Exception {
        WebAdminKeys.generateMissing(WebAdminSettings.read(home).orElseThrow());
        Path key = home.resolve("var/webadmin/jwt-private.pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        List<Finding> findings = WebAdminCheck.check(home);
        assertThat(findings).hasSize(2);
        assertThat(findings.get(1).verdict()).isEqualTo(Finding.Verdict.WARN);
        assertThat(findings.get(1).subject()).isEqualTo(key.toString());
        assertThat(findings.get(1).message()).startsWith("group or others have access to this WebAdmin token key");
    }

    @Test
    void tokensOffIsAWarningAndNoKeyToCheckThemWithAFailure() throws Exception {
        String shipped = Files.readString(conf);
        Files.writeString(conf, shipped.replace("jwt.enabled=true", "jwt.enabled=false"));
        assertThat(WebAdminCheck.check(home)).containsExactly(Finding.warn("webadmin", "WebAdmin (127.0.0.1:8000)",
            "no token required (jwt.enabled=false): anyone who can reach it can create users, reset passwords and add forwards"));

        Files.writeString(conf, shipped.replaceAll("(?m)^jwt.privatekeypem.url=.*$", ""));
        assertThat(WebAdminCheck.check(home)).singleElement().satisfies(finding -> {
            assertThat(finding.verdict()).isEqualTo(Finding.Verdict.FAIL);
            assertThat(finding.message()).endsWith("and no jwt.privatekeypem.url to generate it: the server will not start");
        });
    }

    @Test
    void beyondLoopbackOverPlainHttpIsAWarning() throws Exception {
        Files.writeString(conf, Files.readString(conf).replace("${sys:james.webadmin.host:-127.0.0.1}", "0.0.0.0"));
        assertThat(WebAdminCheck.check(home)).last().satisfies(finding -> {
            assertThat(finding.verdict()).isEqualTo(Finding.Verdict.WARN);
            assertThat(finding.message()).startsWith("listens beyond loopback over plain HTTP");
        });
    }

    @Test
    void noWebAdminNoFinding() throws Exception {
        Files.delete(conf);
        assertThat(WebAdminCheck.check(home)).isEmpty();
    }
}
