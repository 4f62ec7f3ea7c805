package dev.tlsprovenance.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.dane.DnssecAnswer;
import dev.tlsprovenance.dane.DnssecLookups;
import dev.tlsprovenance.dane.DnssecStatus;
import dev.tlsprovenance.testing.dns.TestDnsNamespace;
import dev.tlsprovenance.testing.dns.TestDnssecServer;
import dev.tlsprovenance.testing.dns.TestZone;

/**
 * {@link DnssecLookups#txt(String)} (the method MTA-STS added) against the test DNSSEC server: character-strings
 * kept apart and decoded as UTF-8, each DNSSEC status, denials; and what {@link MtaSts} makes of a failed lookup.
 */
class StsTxtLookupTest {
    private static final String RECORD = "\"v=STSv1; \" \"id=abc;\"";
    private static TestDnsNamespace namespace;
    private static TestDnssecServer dns;
    private static DnssecLookups lookups;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDns() throws Exception {
        namespace = TestDnsNamespace.builder()
                .zone(TestZone.signed("test"))
                .zone(TestZone.signed("secure.test").record("_mta-sts", 300, "TXT", RECORD)
                        .record("_mta-sts", 300, "TXT", "\"caf\\195\\169\"")
                        .record("www", 300, "A", "192.0.2.1"))
                .zone(TestZone.unsigned("insecure.test").record("_mta-sts", 300, "TXT", RECORD))
                .zone(TestZone.signed("bogus.test").brokenSignatures().record("_mta-sts", 300, "TXT", RECORD))
                .servfail("servfail.test")
                .build();
        dns = TestDnssecServer.start(namespace);
        lookups = new DnssecLookups(DnssecLookups.Settings.builder(dns.address())
                .trustAnchors(namespace.trustAnchor()).build());
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void txtRecordsComeAsTheirCharacterStringsWithTheirStatus() {
        DnssecAnswer<List<String>> secure = lookups.txt("_mta-sts.secure.test");
        assertThat(secure.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(secure.type()).isEqualTo("TXT");
        assertThat(secure.records()).containsExactlyInAnyOrder(List.of("v=STSv1; ", "id=abc;"), List.of("caf\u00e9"));

        DnssecAnswer<List<String>> insecure = lookups.txt("_MTA-STS.insecure.test.");
        assertThat(insecure.status()).isEqualTo(DnssecStatus.INSECURE);
        assertThat(insecure.records()).containsExactly(List.of("v=STSv1; ", "id=abc;"));

        assertThat(lookups.txt("_mta-sts.bogus.test").status()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(lookups.txt("_mta-sts.servfail.test").status()).isEqualTo(DnssecStatus.INDETERMINATE);
        assertThat(lookups.txt("_mta-sts.nowhere.secure.test").outcome()).isEqualTo(DnssecAnswer.Outcome.NXDOMAIN);
        assertThat(lookups.txt("www.secure.test").outcome()).isEqualTo(DnssecAnswer.Outcome.NODATA);
    }

    @Test
    void aFailedTxtLookupWithNothingCachedIsNoPolicyAndNeverAFetch() {
        StsPolicySource neverCalled = domain -> {
            throw new AssertionError("fetched " + domain);
        };
        MtaSts sts = MtaSts.create(lookups, new StsPolicyFetcher(StsPolicyFetcher.Settings.builder().build()),
                new StsPolicyCache(dir, Clock.systemUTC()), Clock.systemUTC());
        MtaSts noFetch = new MtaSts(lookups::txt, neverCalled, new StsPolicyCache(dir, Clock.systemUTC()),
                Clock.systemUTC(), java.time.Duration.ZERO);
        for (String domain : List.of("bogus.test", "servfail.test")) {
            StsDecision decision = noFetch.resolve(domain);
            assertThat(decision.kind()).as(domain).isEqualTo(StsDecision.Kind.NONE);
            assertThat(decision.reason()).as(domain).startsWith("TXT lookup of _mta-sts." + domain + " failed: ");
        }
        assertThat(sts.resolve("nowhere.secure.test").kind()).isEqualTo(StsDecision.Kind.NONE);
    }
}
