package dev.tlsprovenance.cli.checkpeer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.tlsprovenance.cli.CheckPeerCommand;
import dev.tlsprovenance.dane.DaneConfiguration;
import dev.tlsprovenance.dane.DnssecLookups;
import dev.tlsprovenance.policy.OutboundLevel;

import picocli.CommandLine;

/** Pure parts of check-peer: the destination syntax, the levels, and the DNSSEC resolver settings. */
class PeerTargetAndResolverSettingsTest {
    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path conf;

    @ParameterizedTest
    @CsvSource({
        "[mx.partner.test]:2525, mx.partner.test, 2525, false",
        "[mx.partner.test], mx.partner.test, 25, false",
        "mx.partner.test:587, mx.partner.test, 587, false",
        "smtps:[relay.partner.test]:465, relay.partner.test, 465, true",
        "[127.0.0.1]:25, 127.0.0.1, 25, false"})
    void hostFormsConnectToExactlyThatHost(String text, String host, int port, boolean implicitTls) {
        PeerTarget target = PeerTarget.parse(text);

        assertThat(target.isDomain()).isFalse();
        assertThat(target.host().get().host()).isEqualTo(host);
        assertThat(target.host().get().port()).isEqualTo(port);
        assertThat(target.host().get().implicitTls()).isEqualTo(implicitTls);
    }

    @Test
    void aDomainIsCanonicalised() {
        assertThat(PeerTarget.parse("Partner.TEST.").domain()).contains("partner.test");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''|empty destination", "-bad-.test|neither a domain name", "[mx.test|'[' without ']'",
        "[mx.test]:0|out of range", "[mx.test]:x|bad port"})
    void badDestinationsAreNamed(String text, String message) {
        assertThatThrownBy(() -> PeerTarget.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void everyLevelTokenIsAcceptedByTheCommandLineAsTheServersLevel() {
        for (OutboundLevel level : OutboundLevel.values()) {
            CommandLine.ParseResult parsed = new CommandLine(new CheckPeerCommand())
                .parseArgs("--level", level.token().toUpperCase(Locale.ROOT), "partner.test");
            assertThat(parsed.matchedOptionValue("--level", (OutboundLevel) null)).isEqualTo(level);
        }
        assertThat(OutboundLevel.DANE_ONLY.token()).isEqualTo("dane-only");
    }

    @Test
    void noResolverAnywhereMeansNoDnssecLookups() throws Exception {
        assertThat(DnssecResolver.settings(conf, Optional.empty(), Optional.empty(), CLOCK)).isEmpty();
    }

    @Test
    void theFileGivesResolverAnchorsAndTimesAndOptionsOverrideIt() throws Exception {
        Files.writeString(conf.resolve("anchors.txt"), ". 3600 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n");
        Files.writeString(conf.resolve("dane.properties"), "dnssec.resolver=127.0.0.1:5353\ndnssec.trustAnchors=anchors.txt\n"
            + "dnssec.queryTimeout=250ms\ndnssec.lookupDeadline=2m\n");

        DnssecLookups.Settings fromFile = DnssecResolver.settings(conf, Optional.empty(), Optional.empty(), CLOCK).orElseThrow();
        DnssecLookups.Settings overridden = DnssecResolver.settings(conf, Optional.of("[::1]:53"), Optional.empty(), CLOCK).orElseThrow();

        assertThat(fromFile.resolver().getPort()).isEqualTo(5353);
        assertThat(fromFile.trustAnchors()).contains("20326");
        assertThat(fromFile.queryTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(fromFile.lookupDeadline()).isEqualTo(Duration.ofMinutes(2));
        assertThat(overridden.resolver().getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(overridden.trustAnchors()).isEqualTo(fromFile.trustAnchors());
        assertThat(overridden.queryTimeout()).isEqualTo(Duration.ofMillis(250));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "dnssec.resolver=127.0.0.1:70000|dane.properties:1: dnssec.resolver: port 70000 is outside 1-65535",
        "dnssec.resolver=127.0.0.1\\ndnssec.trustAnchors=missing.txt|dane.properties:2: dnssec.trustAnchors: cannot read trust anchor file",
        "dnssec.resolver=127.0.0.1\\ndnssec.queryTimeout=soon|dane.properties:2: dnssec.queryTimeout: 'soon' is not a duration",
        "dnssec.resolver=127.0.0.1\\n\\ndnssec.lookupDeadline=0s|dane.properties:3: dnssec.lookupDeadline:",
        "dnssec.resolver=127.0.0.1\\ndnssec.resolverr=127.0.0.1|dane.properties:2: unknown key 'dnssec.resolverr'"})
    void aBadValueNamesTheFileTheLineAndTheKeyAsTheServerDoes(String content, String message) throws IOException {
        Files.writeString(conf.resolve("dane.properties"), content.replace("\\n", "\n"));

        assertThatThrownBy(() -> DnssecResolver.settings(conf, Optional.empty(), Optional.empty(), CLOCK))
            .isInstanceOf(DaneConfiguration.Invalid.class).hasMessageContaining(message);
        assertThatThrownBy(() -> DaneConfiguration.read(conf.resolve("dane.properties"), CLOCK))
            .isInstanceOf(DaneConfiguration.Invalid.class).hasMessageContaining(message);
    }

    @Test
    void aBadResolverOptionIsNamed() {
        assertThatThrownBy(() -> DnssecResolver.settings(conf, Optional.of("127.0.0.1:0"), Optional.empty(), CLOCK))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--resolver: bad port");
    }
}
