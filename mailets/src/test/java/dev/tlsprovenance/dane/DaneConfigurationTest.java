package dev.tlsprovenance.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaneConfigurationTest {
    @TempDir
    Path conf;

    private DaneConfiguration read(String text) throws Exception {
        Path file = Files.writeString(conf.resolve("dane.properties"), text);
        return DaneConfiguration.read(file, resolvConf("nameserver 192.0.2.53\n"), Clock.systemUTC());
    }

    private Path resolvConf(String text) throws Exception {
        return Files.writeString(conf.resolve("resolv.conf"), text);
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Files.writeString(conf.resolve("anchors.ds"), ". IN DS 1 13 2 " + "ab".repeat(32) + "\n");
        DaneConfiguration configuration = read("# comment\n! also a comment\n\n"
            + "dnssec.resolver = 127.0.0.1:5353\n"
            + "dnssec.trustAnchors=anchors.ds\n"
            + "dnssec.queryTimeout=2s\n"
            + "dnssec.lookupDeadline: 9s\n"
            + "dnssec.cache.maxEntries=42\n"
            + "dnssec.cache.maxTtl=10m\n");
        DnssecLookups.Settings settings = configuration.settings();
        assertThat(settings.resolver()).isEqualTo(new InetSocketAddress("127.0.0.1", 5353));
        assertThat(settings.trustAnchors()).contains(". IN DS 1 13 2");
        assertThat(settings.queryTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.lookupDeadline()).isEqualTo(Duration.ofSeconds(9));
        assertThat(settings.cacheSize()).isEqualTo(42);
        assertThat(settings.maxCacheTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(configuration.resolverOrigin()).isEqualTo("dane.properties:4");
        assertThat(configuration.trustAnchorOrigin()).isEqualTo(conf.resolve("anchors.ds").toString());
    }

    @Test
    void anEmptyFileMeansTheSystemResolverAndTheIanaRoot() throws Exception {
        DaneConfiguration configuration = read("");
        assertThat(configuration.settings().resolver()).isEqualTo(new InetSocketAddress("192.0.2.53", 53));
        assertThat(configuration.settings().trustAnchors()).isEqualTo(DnssecLookups.ROOT_TRUST_ANCHORS);
        assertThat(configuration.resolverOrigin()).startsWith("first nameserver of ");
        assertThat(read("dnssec.trustAnchors=builtin-root\n").settings().trustAnchors()).isEqualTo(DnssecLookups.ROOT_TRUST_ANCHORS);
    }

    @Test
    void resolverAddressesInEveryForm() throws Exception {
        Map<String, InetSocketAddress> forms = Map.of(
            "127.0.0.1:53", new InetSocketAddress("127.0.0.1", 53),
            "192.0.2.1", new InetSocketAddress("192.0.2.1", 53),
            "[::1]:5353", new InetSocketAddress("::1", 5353),
            "::1", new InetSocketAddress("::1", 53),
            "[2001:db8::1]", new InetSocketAddress("2001:db8::1", 53));
        for (Map.Entry<String, InetSocketAddress> form : forms.entrySet()) {
            assertThat(read("dnssec.resolver=" + form.getKey()).settings().resolver()).as(form.getKey()).isEqualTo(form.getValue());
        }
    }

    @Test
    void theSystemResolverIsTheFirstNameserverLine() throws Exception {
        Path file = Files.writeString(conf.resolve("dane.properties"), "dnssec.resolver=system\n");
        Path resolv = resolvConf("# generated\nsearch example.org\nnameserver 10.0.0.2\nnameserver 10.0.0.3\n");
        assertThat(DaneConfiguration.read(file, resolv, Clock.systemUTC()).settings().resolver())
            .isEqualTo(new InetSocketAddress("10.0.0.2", 53));
        Path none = resolvConf("search example.org\n");
        assertThatThrownBy(() -> DaneConfiguration.read(file, none, Clock.systemUTC()))
            .hasMessageStartingWith("dane.properties:1: dnssec.resolver=system but " + none + " has no nameserver line");
        assertThatThrownBy(() -> DaneConfiguration.read(file, conf.resolve("missing"), Clock.systemUTC()))
            .hasMessageContaining("cannot be read");
    }

    @Test
    void everyBadValueNamesTheFileLineAndKey() {
        Map<String, List<String>> bad = Map.of(
            "dnssec.resolver", List.of("resolver.example", "127.0.0.1:0", "127.0.0.1:99999", "[::1", "[::1]x", "127.0.0.1:x"),
            "dnssec.trustAnchors", List.of("no-such-file.ds"),
            "dnssec.queryTimeout", List.of("soon", "0s", "-1s", ""),
            "dnssec.lookupDeadline", List.of("5 parsecs", "0"),
            "dnssec.cache.maxEntries", List.of("many", "-1", "1.5"),
            "dnssec.cache.maxTtl", List.of("forever", "0s"));
        int cases = 0;
        for (Map.Entry<String, List<String>> key : bad.entrySet()) {
            for (String value : key.getValue()) {
                String text = "# line 1\n\n" + key.getKey() + "=" + value + "\n";
                assertThatThrownBy(() -> read(text)).as(key.getKey() + "=" + value)
                    .isInstanceOf(DaneConfiguration.Invalid.class)
                    .hasMessageStartingWith("dane.properties:3: " + key.getKey() + ": ");
                cases++;
            }
        }
        assertThat(cases).isEqualTo(18);
    }

    @Test
    void unknownDuplicateAndMalformedLinesAreNamed() {
        assertThatThrownBy(() -> read("dnssec.resolvr=127.0.0.1\n"))
            .hasMessageStartingWith("dane.properties:1: unknown key 'dnssec.resolvr' (expected one of dnssec.resolver,");
        assertThatThrownBy(() -> read("dnssec.queryTimeout=1s\ndnssec.queryTimeout=2s\n"))
            .hasMessage("dane.properties:2: dnssec.queryTimeout is already set at dane.properties:1");
        assertThatThrownBy(() -> read("just words\n"))
            .hasMessage("dane.properties:1: expected key=value, got 'just words'");
        assertThatThrownBy(() -> DaneConfiguration.read(conf.resolve("absent.properties"), Clock.systemUTC()))
            .hasMessageContaining("absent.properties: cannot be read");
    }
}
