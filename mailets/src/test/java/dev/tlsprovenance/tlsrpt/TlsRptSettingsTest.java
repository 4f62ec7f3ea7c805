package dev.tlsprovenance.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsRptSettingsTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileIsEveryDefaultWithSendingOn() throws Exception {
        TlsRptSettings settings = TlsRptSettings.read(dir.resolve("tls-rpt.properties"));
        assertThat(settings.enabled()).isTrue();
        assertThat(settings.sendDelay()).isEqualTo(Duration.ofMinutes(15));
        TlsReport.Settings report = settings.reportSettings("Example.ORG", "postmaster@example.org");
        assertThat(report.submitter()).isEqualTo("example.org");
        assertThat(report.organizationName()).isEqualTo("example.org");
        assertThat(report.contactInfo()).isEqualTo("postmaster@example.org");
        assertThat(report.sendingMtaIp()).isEmpty();
        assertThat(settings.sender("example.org")).isEqualTo("noreply-tlsrpt@example.org");
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Path file = dir.resolve("tls-rpt.properties");
        Files.writeString(file, "# TLS-RPT\nenabled = false\nsubmitter=mx.example.org\norganization-name=Example Org\n"
            + "contact-info=tls@example.org\nsender=rpt@example.org\nsending-mta-ip=192.0.2.1\nsend-delay=PT1H\n\n");
        TlsRptSettings settings = TlsRptSettings.read(file);
        assertThat(settings.enabled()).isFalse();
        assertThat(settings.sendDelay()).isEqualTo(Duration.ofHours(1));
        TlsReport.Settings report = settings.reportSettings("ignored.test", "postmaster@ignored.test");
        assertThat(report.submitter()).isEqualTo("mx.example.org");
        assertThat(report.organizationName()).isEqualTo("Example Org");
        assertThat(report.contactInfo()).isEqualTo("tls@example.org");
        assertThat(report.sendingMtaIp()).isEqualTo(Optional.of("192.0.2.1"));
        assertThat(settings.sender("ignored.test")).isEqualTo("rpt@example.org");
    }

    @Test
    void sendDelayReadsAsEveryDurationOfConfAndInItsFirstIsoForm() throws Exception {
        Path file = dir.resolve("tls-rpt.properties");
        String[][] cases = {{"15m", "PT15M"}, {"PT15M", "PT15M"}, {"2h", "PT2H"}, {"0s", "PT0S"}, {"pt1h30m", "PT1H30M"}};
        for (String[] c : cases) {
            Files.writeString(file, "send-delay=" + c[0] + "\n");
            assertThat(TlsRptSettings.read(file).sendDelay()).as(c[0]).isEqualTo(Duration.parse(c[1]));
        }
    }

    @Test
    void aBadLineNamesFileLineAndKey() throws Exception {
        Path file = dir.resolve("tls-rpt.properties");
        String[][] cases = {
            {"enable=true", ":2: unknown key 'enable' (expected one of enabled, submitter,"},
            {"enabled=yes", ":2: enabled must be true or false, not 'yes'"},
            {"send-delay=soon", ":2: send-delay must be a duration such as 15m (or PT15M), not 'soon'"},
            {"send-delay=PTsoon", ":2: send-delay must be a duration such as 15m (or PT15M), not 'PTsoon'"},
            {"send-delay=PT24H", ":2: send-delay must be between 0s and 23h"},
            {"send-delay=24h", ":2: send-delay must be between 0s and 23h"},
            {"sender=nobody", ":2: sender must be a mail address, not 'nobody'"},
            {"submitter=mx example.org", ":2: submitter must be a host name"},
            {"just words", ":2: expected key=value"},
            {"enabled=true\nenabled=false", ":3: enabled is already set at tls-rpt.properties:2"},
        };
        for (String[] c : cases) {
            Files.writeString(file, "# first line\n" + c[0] + "\n");
            assertThatThrownBy(() -> TlsRptSettings.read(file)).as(c[0])
                .isInstanceOf(TlsRptSettings.BadSettingException.class)
                .hasMessageStartingWith("tls-rpt.properties:").hasMessageContaining(c[1]);
        }
    }
}
