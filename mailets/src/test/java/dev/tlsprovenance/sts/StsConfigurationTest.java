package dev.tlsprovenance.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code conf/mta-sts.properties}: every key read, defaults, and every bad value at every line named file:line:key. */
class StsConfigurationTest {
    @TempDir
    Path conf;

    private StsConfiguration read(String text) throws Exception {
        return StsConfiguration.read(Files.writeString(conf.resolve("mta-sts.properties"), text));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Files.writeString(conf.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        StsConfiguration configuration = read("# comment\n! comment\n\n"
            + "sts.enabled = false\n"
            + "sts.cacheDirectory=var/sts-cache\n"
            + "sts.connectTimeout=3s\n"
            + "sts.fetchTimeout=30s\n"
            + "sts.maxPolicyBytes=4096\n"
            + "sts.failureBackoff=1m\n"
            + "sts.trustAnchors=ca.pem\n"
            + "sts.policyPort=8443\n");
        assertThat(configuration.enabled()).isFalse();
        assertThat(configuration.cacheDirectory()).isEqualTo("var/sts-cache");
        assertThat(configuration.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(configuration.fetchTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(configuration.maxPolicyBytes()).isEqualTo(4096);
        assertThat(configuration.failureBackoff()).isEqualTo(Duration.ofMinutes(1));
        assertThat(configuration.trustAnchors()).contains(conf.resolve("ca.pem").toAbsolutePath());
        assertThat(configuration.policyPort()).isEqualTo(8443);
        StsPolicyFetcher.Settings settings = configuration.fetcherSettings().build();
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.fetchTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.maxBytes()).isEqualTo(4096);
        assertThat(settings.port()).isEqualTo(8443);
    }

    @Test
    void anEmptyFileIsTheShippedDefault() throws Exception {
        StsConfiguration configuration = read("");
        assertThat(configuration.enabled()).isTrue();
        assertThat(configuration.cacheDirectory()).isEqualTo("var/mta-sts");
        assertThat(configuration.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(configuration.fetchTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(configuration.maxPolicyBytes()).isEqualTo(65536);
        assertThat(configuration.failureBackoff()).isEqualTo(Duration.ofMinutes(5));
        assertThat(configuration.trustAnchors()).isEmpty();
        assertThat(configuration.policyPort()).isEqualTo(443);
        assertThat(read("sts.trustAnchors=jvm-default\n").trustAnchors()).isEmpty();
    }

    @Test
    void theShippedFileReadsAsTheDefaults() throws Exception {
        Path shipped = Path.of("..", "conf", "mta-sts.properties");
        StsConfiguration configuration = StsConfiguration.read(shipped);
        assertThat(configuration.enabled()).isTrue();
        assertThat(configuration.cacheDirectory()).isEqualTo("var/mta-sts");
        assertThat(configuration.trustAnchors()).isEmpty();
        assertThat(configuration.policyPort()).isEqualTo(443);
    }

    @Test
    void everyBadValueOfEveryKeyAtEveryLineNamesFileLineAndKey() throws Exception {
        Map<String, List<String>> bad = Map.of(
            "sts.enabled", List.of("yes", "1", ""),
            "sts.cacheDirectory", List.of(""),
            "sts.connectTimeout", List.of("0s", "ten", "-1s", ""),
            "sts.fetchTimeout", List.of("0", "1 minute", ""),
            "sts.maxPolicyBytes", List.of("0", "1023", "1048577", "64k", ""),
            "sts.failureBackoff", List.of("soon", ""),
            "sts.trustAnchors", List.of("missing.pem"),
            "sts.policyPort", List.of("0", "65536", "https", ""));
        int cases = 0;
        for (Map.Entry<String, List<String>> key : bad.entrySet()) {
            for (String value : key.getValue()) {
                for (int before = 0; before < 3; before++) {
                    String text = "# header\n".repeat(before) + key.getKey() + "=" + value + "\n";
                    int line = before + 1;
                    assertThatThrownBy(() -> read(text)).as(key.getKey() + "=" + value + " at line " + line)
                        .isInstanceOf(StsConfiguration.Invalid.class)
                        .hasMessageStartingWith("mta-sts.properties:" + line + ": " + key.getKey() + ": ");
                    cases++;
                }
            }
        }
        assertThat(cases).isEqualTo(3 * 23);
    }

    @Test
    void unknownKeysDuplicatesAndLinesWithoutValueAreRefused() {
        assertThatThrownBy(() -> read("sts.enabled=true\nsts.mode=enforce\n")).hasMessageStartingWith(
            "mta-sts.properties:2: unknown key 'sts.mode' (expected one of sts.enabled, ");
        assertThatThrownBy(() -> read("sts.enabled=true\n\nsts.enabled=false\n"))
            .hasMessage("mta-sts.properties:3: sts.enabled is already set at mta-sts.properties:1");
        assertThatThrownBy(() -> read("sts.enabled\n")).hasMessage("mta-sts.properties:1: expected key=value, got 'sts.enabled'");
        assertThatThrownBy(() -> StsConfiguration.read(conf.resolve("absent.properties")))
            .hasMessageContaining("absent.properties: cannot be read");
    }
}
