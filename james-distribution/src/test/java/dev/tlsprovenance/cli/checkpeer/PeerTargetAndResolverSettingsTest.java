package dev.tlsprovenance.cli.checkpeer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.tlsprovenance.dane.DnssecLookups;

/** Pure parts of check-peer: the destination syntax, the levels, and the DNSSEC resolver settings. */
class PeerTargetAndResolverSettingsTest {
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
    void everyLevelTokenRoundTripsAndRowLevelsMapOneToOne() {
        for (PeerLevel level : PeerLevel.values()) {
            assertThat(PeerLevel.parse(level.token().toUpperCase())).isEqualTo(level);
            level.outboundLevel().ifPresent(row -> assertThat(PeerLevel.of(row)).isEqualTo(level));
            assertThat(level.outboundLevel().isEmpty()).isEqualTo(level.isDane());
        }
        assertThat(PeerLevel.DANE_ONLY.token()).isEqualTo("dane-only");
    }

    @Test
    void noResolverAnywhereMeansNoDnssecLookups() throws IOException {
        assertThat(DnssecResolverSettings.resolve(conf, Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void theFileGivesResolverAnchorsAndTimesAndOptionsOverrideIt() throws IOException {
        Files.writeString(conf.resolve("anchors.txt"), ". 3600 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n");
        Files.writeString(conf.resolve("dane.properties"), "dnssec.resolver=127.0.0.1:5353\ndnssec.trustAnchors=anchors.txt\n"
            + "dnssec.queryTimeout=250ms\ndnssec.lookupDeadline=2m\n");

        DnssecLookups.Settings fromFile = DnssecResolverSettings.resolve(conf, Optional.empty(), Optional.empty()).orElseThrow();
        DnssecLookups.Settings overridden = DnssecResolverSettings.resolve(conf, Optional.of("[::1]:53"), Optional.empty()).orElseThrow();

        assertThat(fromFile.resolver().getPort()).isEqualTo(5353);
        assertThat(fromFile.trustAnchors()).contains("20326");
        assertThat(fromFile.queryTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(fromFile.lookupDeadline()).isEqualTo(Duration.ofMinutes(2));
        assertThat(overridden.resolver().getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "dnssec.resolver=127.0.0.1:70000|dane.properties: dnssec.resolver: bad port",
        "dnssec.resolver=127.0.0.1\\ndnssec.trustAnchors=missing.txt|dnssec.trustAnchors: cannot read trust anchors file",
        "dnssec.resolver=127.0.0.1\\ndnssec.queryTimeout=soon|dnssec.queryTimeout: 'soon' is not a duration",
        "dnssec.resolver=127.0.0.1\\ndnssec.lookupDeadline=0s|lookupDeadline must be a positive duration"})
    void aBadValueNamesTheFileAndTheKey(String content, String message) throws IOException {
        Files.writeString(conf.resolve("dane.properties"), content.replace("\\n", "\n"));

        assertThatThrownBy(() -> DnssecResolverSettings.resolve(conf, Optional.empty(), Optional.empty()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
