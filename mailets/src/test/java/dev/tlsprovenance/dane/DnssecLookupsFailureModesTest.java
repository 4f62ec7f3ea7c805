package dev.tlsprovenance.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;

import dev.tlsprovenance.testing.dns.DnssecTestZones;
import dev.tlsprovenance.testing.dns.MutableClock;
import dev.tlsprovenance.testing.dns.TestDnsNamespace;
import dev.tlsprovenance.testing.dns.TestDnssecServer;
import dev.tlsprovenance.testing.dns.TestZone;

/**
 * {@link DnssecLookups} when things go wrong or time passes: a lying upstream AD bit, signatures expiring under an
 * injected clock, a resolver that is gone or silent, the wrong trust anchor, and the TTL cache. No sleeps: time is a
 * {@link MutableClock}, and waits are bounded by the lookup deadline.
 */
class DnssecLookupsFailureModesTest {

    /** Built once (key generation and signing take most of a second); each test gets its own server. */
    private static final TestDnsNamespace NAMESPACE = DnssecTestZones.standard();

    private TestDnssecServer dns;
    private MutableClock clock;

    @BeforeEach
    void startDns() throws Exception {
        dns = TestDnssecServer.start(NAMESPACE);
        clock = new MutableClock(Instant.now());
    }

    @AfterEach
    void stopDns() {
        dns.close();
    }

    private DnssecLookups.Settings.Builder settings(InetSocketAddress resolver) {
        return DnssecLookups.Settings.builder(resolver).trustAnchors(dns.namespace().trustAnchor()).clock(clock);
    }

    private DnssecLookups lookups() {
        return new DnssecLookups(settings(dns.address()).build());
    }

    @Test
    void anUpstreamAdBitMakesNothingSecureAndTheValidatorAsksWithCdAndDo() {
        dns.claimAuthenticData(true);
        DnssecLookups lookups = lookups();

        assertThat(lookups.a("mx.insecure.test").status()).isEqualTo(DnssecStatus.INSECURE);
        assertThat(lookups.a("mx.bogus.test").status()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(lookups.tlsa("mx.wrong-ds.test").status()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(lookups.a("mx.secure.test").status()).isEqualTo(DnssecStatus.SECURE);

        assertThat(dns.queries()).isNotEmpty().allSatisfy(query -> {
            assertThat(query.getHeader().getFlag(Flags.CD)).as("CD: the upstream must not filter for us").isTrue();
            assertThat(query.getOPT()).isNotNull();
            assertThat(query.getOPT().getFlags() & ExtendedFlags.DO).as("DO: send the signatures").isNotZero();
        });
    }

    @Test
    void signaturesExpireUnderTheInjectedClockAndACachedSecureAnswerDoesNotOutliveItsTtl() {
        DnssecLookups lookups = lookups();
        DnssecAnswer<InetAddress> fresh = lookups.a("mx.secure.test");
        assertThat(fresh.status()).isEqualTo(DnssecStatus.SECURE);

        clock.advance(TestZone.DEFAULT_VALIDITY.plusDays(1));
        DnssecAnswer<InetAddress> later = lookups.a("mx.secure.test");

        assertThat(later.status()).as(later.toString()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(later.records()).isEmpty();
        assertThat(later.reason()).isNotBlank();
        assertThat(new DnssecLookups(settings(dns.address()).build()).tlsa("mx.secure.test").status())
                .isEqualTo(DnssecStatus.BOGUS);
    }

    @Test
    void aStoppedResolverIsIndeterminateWithinTheDeadline() {
        DnssecLookups lookups = new DnssecLookups(settings(dns.address())
                .queryTimeout(Duration.ofMillis(300)).lookupDeadline(Duration.ofSeconds(2)).build());
        assertThat(lookups.a("mx.secure.test").status()).isEqualTo(DnssecStatus.SECURE);
        dns.close();

        long start = System.nanoTime();
        DnssecAnswer<?> answer = lookups.tlsa("mx.secure.test");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(DnssecStatus.INDETERMINATE);
        assertThat(answer.outcome()).isEqualTo(DnssecAnswer.Outcome.FAILED);
        assertThat(answer.reason()).contains(dns.address().toString());
        assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aSilentResolverTimesOutIndeterminateWithinTheDeadline() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            DnssecLookups lookups = new DnssecLookups(settings((InetSocketAddress) silent.getLocalSocketAddress())
                    .queryTimeout(Duration.ofMillis(300)).lookupDeadline(Duration.ofMillis(800)).build());

            long start = System.nanoTime();
            DnssecAnswer<?> answer = lookups.mx("secure.test");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(answer.status()).as(answer.toString()).isEqualTo(DnssecStatus.INDETERMINATE);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofMillis(1800));
        }
    }

    @Test
    void theIanaRootAnchorDoesNotTrustTheTestRootSoNothingIsSecureOrInsecure() {
        DnssecLookups lookups = new DnssecLookups(DnssecLookups.Settings.builder(dns.address()).clock(clock).build());

        assertThat(lookups.settings().trustAnchors()).isEqualTo(DnssecLookups.ROOT_TRUST_ANCHORS);
        assertThat(lookups.a("mx.secure.test").status()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(lookups.a("mx.insecure.test").status()).isEqualTo(DnssecStatus.BOGUS);
    }

    @Test
    void theCacheServesAnAnswerUntilItsTtlEndsWithoutAskingAgain() {
        DnssecLookups lookups = lookups();
        DnssecAnswer<InetAddress> first = lookups.a("mx.secure.test");
        long asked = dns.queryCount("mx.secure.test", "A");
        assertThat(asked).isEqualTo(1);

        clock.advance(Duration.ofSeconds(DnssecTestZones.TTL - 1));
        assertThat(lookups.a("MX.secure.test")).isSameAs(first);
        assertThat(dns.queryCount("mx.secure.test", "A")).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        DnssecAnswer<InetAddress> renewed = lookups.a("mx.secure.test");
        assertThat(renewed).isNotSameAs(first);
        assertThat(renewed.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(dns.queryCount("mx.secure.test", "A")).isEqualTo(2);
    }

    @Test
    void secureDenialsAreCachedForTheSoaMinimum() {
        DnssecLookups lookups = lookups();
        lookups.tlsa("v4only.secure.test");
        clock.advance(Duration.ofSeconds(299));
        assertThat(lookups.tlsa("v4only.secure.test").isSecureDenial()).isTrue();
        assertThat(dns.queryCount("_25._tcp.v4only.secure.test", "TLSA")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        lookups.tlsa("v4only.secure.test");
        assertThat(dns.queryCount("_25._tcp.v4only.secure.test", "TLSA")).isEqualTo(2);
    }

    @Test
    void bogusAndIndeterminateAnswersAreNotCached() {
        DnssecLookups lookups = lookups();
        lookups.a("mx.bogus.test");
        lookups.a("mx.bogus.test");
        lookups.a("mx.servfail.test");
        lookups.a("mx.servfail.test");

        assertThat(dns.queryCount("mx.bogus.test", "A")).isEqualTo(2);
        assertThat(dns.queryCount("mx.servfail.test", "A")).isEqualTo(2);
    }

    @Test
    void theCacheIsBoundedInEntriesAndInTime() {
        DnssecLookups small = new DnssecLookups(settings(dns.address()).cacheSize(1).build());
        small.a("mx.secure.test");
        small.aaaa("mx.secure.test");
        small.a("mx.secure.test");
        assertThat(dns.queryCount("mx.secure.test", "A")).as("evicted by the AAAA answer").isEqualTo(2);

        DnssecLookups capped = new DnssecLookups(settings(dns.address()).maxCacheTtl(Duration.ofSeconds(60)).build());
        capped.tlsa("mx.secure.test");
        clock.advance(Duration.ofSeconds(60));
        capped.tlsa("mx.secure.test");
        assertThat(dns.queryCount("_25._tcp.mx.secure.test", "TLSA")).as("TTL 300 capped at 60 s").isEqualTo(2);
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        InetSocketAddress address = dns.address();
        assertThatThrownBy(() -> DnssecLookups.Settings.builder(address).queryTimeout(Duration.ZERO))
                .hasMessageContaining("queryTimeout");
        assertThatThrownBy(() -> DnssecLookups.Settings.builder(address).lookupDeadline(Duration.ofSeconds(-1)))
                .hasMessageContaining("lookupDeadline");
        assertThatThrownBy(() -> DnssecLookups.Settings.builder(address).cacheSize(-1))
                .hasMessageContaining("cacheSize");
        assertThatThrownBy(() -> new DnssecLookups(DnssecLookups.Settings.builder(address).trustAnchors("").build()))
                .hasMessageContaining("no DS or DNSKEY record in the DNSSEC trust anchors");
        assertThatThrownBy(() -> new DnssecLookups(DnssecLookups.Settings.builder(address)
                .trustAnchors(". IN DS not-a-key-tag").build()))
                .hasMessageContaining("unreadable DNSSEC trust anchors");
        assertThatThrownBy(() -> new DnssecLookups(DnssecLookups.Settings.builder(address).build()).a("a..b"))
                .hasMessageContaining("not a DNS name: a..b");
    }
}
