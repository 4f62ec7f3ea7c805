package dev.tlsprovenance.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.dane.DnssecLookups;
import dev.tlsprovenance.testing.dns.MutableClock;
import dev.tlsprovenance.testing.dns.TestDnsNamespace;
import dev.tlsprovenance.testing.dns.TestDnssecServer;
import dev.tlsprovenance.testing.dns.TestZone;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;

/**
 * {@link StsPolicyFetcher} against real HTTPS policy hosts on loopback with certificates of the test PKI, and
 * {@link MtaSts} end to end with the test DNS server and the real fetcher.
 *
 * <p>The JDK HttpClient resolves host names with the JVM's resolver, so {@code mta-sts.<domain>.sts.test} reaches
 * 127.0.0.1 through {@code -Djdk.net.hosts.file} (the file {@code dev/tlsprovenance/sts/hosts} in the test
 * resources): these tests carry the tag {@code sts-hosts} and run in their own surefire execution that sets it
 * (mailets/pom.xml), never in the shared test JVM.
 */
@Tag("sts-hosts")
class StsPolicyFetcherHttpsTest {
    private static final String POLICY = "version: STSv1\r\nmode: enforce\r\nmx: mx.good.sts.test\r\n"
            + "mx: *.mx.good.sts.test\r\nmax_age: 604800\r\n";
    private static final List<String> TRUSTED_HOSTS = List.of("good", "params", "badtype", "notype", "redirect",
            "missing", "servererror", "oversize", "oversizechunked", "limit", "slow", "slowbody", "invalid",
            "notutf8");

    private static StsPolicyServer trusted;
    private static StsPolicyServer untrusted;
    private static StsPolicyServer expired;
    private static SSLContext trustingRoot;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPolicyHosts() throws Exception {
        assertThat(System.getProperty("jdk.net.hosts.file")).as("run by the sts-hosts surefire execution"
                + " (mvn -pl mailets test -Dtest='sts.*Test'), which sets -Djdk.net.hosts.file").isNotNull();
        TestPki pki = TestPki.shared();
        TestCertificate.Builder leaf = TestCertificate.builder().commonName("mta-sts.good.sts.test");
        for (String host : TRUSTED_HOSTS) {
            leaf.addSubjectAlternativeName("mta-sts." + host + ".sts.test");
        }
        leaf.addSubjectAlternativeName("mta-sts.wrongname-is-not-this.sts.test");
        trusted = StsPolicyServer.start(TestTls.builder().identity(leaf.signedBy(pki.intermediate()).build())
                .build().sslContext());
        untrusted = StsPolicyServer.start(TestTls.builder()
                .identity(pki.signedByUnknownCa("mta-sts.untrusted.sts.test")).build().sslContext());
        expired = StsPolicyServer.start(TestTls.builder().identity(pki.expired("mta-sts.expired.sts.test"))
                .build().sslContext());
        trustingRoot = pki.trustingRoot().sslContext();

        byte[] exactly64k = padded(StsPolicyFetcher.DEFAULT_MAX_BYTES);
        byte[] oneMore = padded(StsPolicyFetcher.DEFAULT_MAX_BYTES + 1);
        trusted.answer("good.sts.test", StsPolicyServer.Answer.policy(POLICY))
                .answer("wrongname.sts.test", StsPolicyServer.Answer.policy(POLICY))
                .answer("params.sts.test", StsPolicyServer.Answer.policy("Text/Plain ; charset=utf-8",
                        POLICY.getBytes(StandardCharsets.UTF_8)))
                .answer("badtype.sts.test", StsPolicyServer.Answer.policy("text/html",
                        POLICY.getBytes(StandardCharsets.UTF_8)))
                .answer("notype.sts.test", StsPolicyServer.Answer.policy(null, POLICY.getBytes(StandardCharsets.UTF_8)))
                .answer("redirect.sts.test", StsPolicyServer.Answer.redirect(
                        "https://mta-sts.good.sts.test:" + trusted.port() + "/.well-known/mta-sts.txt"))
                .answer("servererror.sts.test", StsPolicyServer.Answer.status(500))
                .answer("oversize.sts.test", StsPolicyServer.Answer.policy("text/plain", oneMore))
                .answer("oversizechunked.sts.test", StsPolicyServer.Answer.chunked("text/plain", oneMore))
                .answer("limit.sts.test", StsPolicyServer.Answer.chunked("text/plain", exactly64k))
                .answer("slow.sts.test", StsPolicyServer.Answer.stallBeforeHeaders())
                .answer("slowbody.sts.test", StsPolicyServer.Answer.stallInBody("version: STSv1\n"))
                .answer("invalid.sts.test", StsPolicyServer.Answer.policy(POLICY.replace("enforce", "enforcing")))
                .answer("notutf8.sts.test", StsPolicyServer.Answer.policy("text/plain",
                        (POLICY + "x: \u00e9\n").getBytes(StandardCharsets.ISO_8859_1)));
        untrusted.answer("untrusted.sts.test", StsPolicyServer.Answer.policy(POLICY));
        expired.answer("expired.sts.test", StsPolicyServer.Answer.policy(POLICY));
    }

    @AfterAll
    static void stopPolicyHosts() {
        for (StsPolicyServer server : new StsPolicyServer[] {trusted, untrusted, expired}) {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Generous deadlines: the machine running the tests may be busy; only the stall tests use a short one. */
    private static StsPolicyFetcher fetcher(StsPolicyServer server) {
        return fetcher(server, Duration.ofSeconds(20));
    }

    private static StsPolicyFetcher fetcher(StsPolicyServer server, Duration fetchTimeout) {
        return new StsPolicyFetcher(StsPolicyFetcher.Settings.builder().sslContext(trustingRoot).port(server.port())
                .connectTimeout(Duration.ofSeconds(10)).fetchTimeout(fetchTimeout).build());
    }

    @Test
    void aGoodPolicyIsFetchedAndParsed() {
        StsFetchResult result = fetcher(trusted).fetch("good.sts.test");
        assertThat(result.failure()).isEmpty();
        StsPolicy policy = result.policy().orElseThrow();
        assertThat(policy.mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(policy.mx()).extracting(MxPattern::text).containsExactly("mx.good.sts.test", "*.mx.good.sts.test");
        assertThat(policy.maxAgeSeconds()).isEqualTo(604800);
        assertThat(policy.text()).isEqualTo(POLICY);
        assertThat(fetcher(trusted).fetch("GOOD.sts.test.").policy()).as("any case, trailing dot").isPresent();
        assertThat(fetcher(trusted).fetch("params.sts.test").policy()).as("media type parameters").isPresent();
        assertThat(fetcher(trusted).fetch("limit.sts.test").policy()).as("exactly 64 KiB").isPresent();
        assertThat(fetcher(trusted).policyUri("good.sts.test").toString())
                .isEqualTo("https://mta-sts.good.sts.test:" + trusted.port() + "/.well-known/mta-sts.txt");
        assertThat(new StsPolicyFetcher(StsPolicyFetcher.Settings.builder().build()).policyUri("example.com")
                .toString()).isEqualTo("https://mta-sts.example.com/.well-known/mta-sts.txt");
    }

    @Test
    void eachFailureHasItsRfc8460ResultType() {
        assertFailure(trusted, "badtype.sts.test", StsResultType.STS_POLICY_INVALID, "media type 'text/html'");
        assertFailure(trusted, "notype.sts.test", StsResultType.STS_POLICY_INVALID, "media type missing");
        assertFailure(trusted, "missing.sts.test", StsResultType.STS_POLICY_FETCH_ERROR, "HTTP 404");
        assertFailure(trusted, "servererror.sts.test", StsResultType.STS_POLICY_FETCH_ERROR, "HTTP 500");
        assertFailure(trusted, "oversize.sts.test", StsResultType.STS_POLICY_INVALID,
                "Content-Length 65537 is more than the limit of 65536 bytes");
        assertFailure(trusted, "oversizechunked.sts.test", StsResultType.STS_POLICY_INVALID,
                "body larger than the limit of 65536 bytes");
        assertFailure(trusted, "invalid.sts.test", StsResultType.STS_POLICY_INVALID,
                "line 2: key 'mode': must be 'enforce', 'testing' or 'none', is 'enforcing'");
        assertFailure(trusted, "notutf8.sts.test", StsResultType.STS_POLICY_INVALID, "not UTF-8");
        assertFailure(trusted, "wrongname.sts.test", StsResultType.STS_WEBPKI_INVALID,
                "certificate not valid for mta-sts.wrongname.sts.test");
        assertFailure(untrusted, "untrusted.sts.test", StsResultType.STS_WEBPKI_INVALID, "PKIX");
        assertFailure(expired, "expired.sts.test", StsResultType.STS_WEBPKI_INVALID, "certificate not valid");
        assertFailure(trusted, "unlisted.sts.test", StsResultType.STS_POLICY_FETCH_ERROR, "mta-sts.unlisted.sts.test");
        assertFailure(trusted, "bad_domain", StsResultType.STS_POLICY_FETCH_ERROR, "not a domain");
    }

    @Test
    void aRedirectIsNeverFollowed() {
        int before = trusted.requests("good.sts.test");
        assertFailure(trusted, "redirect.sts.test", StsResultType.STS_POLICY_FETCH_ERROR,
                "HTTP 301: redirect to https://mta-sts.good.sts.test:" + trusted.port()
                        + "/.well-known/mta-sts.txt not followed (RFC 8461 section 3.3)");
        assertThat(trusted.requests("redirect.sts.test")).isPositive();
        assertThat(trusted.requests("good.sts.test")).isEqualTo(before);
    }

    @Test
    void aSilentOrStalledHostTimesOutWithinTheDeadline() throws Exception {
        for (String domain : List.of("slow.sts.test", "slowbody.sts.test")) {
            Instant start = Instant.now();
            StsFetchResult result = fetcher(trusted, Duration.ofSeconds(2)).fetch(domain);
            Duration took = Duration.between(start, Instant.now());
            assertThat(result.failure()).as(domain).contains(StsResultType.STS_POLICY_FETCH_ERROR);
            assertThat(result.reason()).as(domain).contains("mta-sts." + domain);
            assertThat(took).as(domain + " " + result.reason()).isGreaterThanOrEqualTo(Duration.ofMillis(1900))
                    .isLessThan(Duration.ofSeconds(15));
        }
        try (ServerSocket closed = new ServerSocket()) {
            closed.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = closed.getLocalPort();
            closed.close();
            StsFetchResult refused = new StsPolicyFetcher(StsPolicyFetcher.Settings.builder()
                    .sslContext(trustingRoot).port(port).build()).fetch("good.sts.test");
            assertThat(refused.failure()).contains(StsResultType.STS_POLICY_FETCH_ERROR);
            assertThat(refused.reason()).contains("ConnectException");
        }
    }

    @Test
    void mtaStsEndToEndWithTheTestDnsServerAndTheRealFetcher() throws Exception {
        TestDnsNamespace namespace = TestDnsNamespace.builder()
                .zone(TestZone.signed("test"))
                .zone(TestZone.unsigned("sts.test")
                        .record("_mta-sts.good", 300, "TXT", "\"v=STSv1; \" \"id=20260301T1000;\"")
                        .record("_mta-sts.good", 300, "TXT", "\"v=spf1 -all\"")
                        .record("_mta-sts.wrongname", 300, "TXT", "\"v=STSv1; id=1;\"")
                        .record("_mta-sts.twice", 300, "TXT", "\"v=STSv1; id=1;\"")
                        .record("_mta-sts.twice", 300, "TXT", "\"v=STSv1; id=2;\""))
                .build();
        try (TestDnssecServer dns = TestDnssecServer.start(namespace)) {
            MutableClock clock = new MutableClock(Instant.now());
            DnssecLookups lookups = new DnssecLookups(DnssecLookups.Settings.builder(dns.address())
                    .trustAnchors(namespace.trustAnchor()).clock(clock).build());
            assertThat(lookups.txt("_mta-sts.good.sts.test").records()).containsExactlyInAnyOrder(
                    List.of("v=STSv1; ", "id=20260301T1000;"), List.of("v=spf1 -all"));

            MtaSts sts = MtaSts.create(lookups, fetcher(trusted), new StsPolicyCache(dir.resolve("var/mta-sts"), clock),
                    clock);
            int before = trusted.requests("good.sts.test");
            StsDecision fresh = sts.resolve("good.sts.test");
            assertThat(fresh.toString()).isEqualTo("good.sts.test sts=policy source=fresh id=20260301T1000"
                    + " mode=enforce mx=[mx.good.sts.test, *.mx.good.sts.test] max_age=604800");
            assertThat(StsMxSelection.select(fresh.policy().orElseThrow(),
                    List.of("mx.good.sts.test.", "other.sts.test.", "a.mx.good.sts.test.")).usable())
                    .containsExactly("mx.good.sts.test.", "a.mx.good.sts.test.");
            assertThat(sts.resolve("good.sts.test").source()).contains(StsDecision.Source.CACHED);
            assertThat(trusted.requests("good.sts.test")).isEqualTo(before + 1);

            StsDecision webpki = sts.resolve("wrongname.sts.test");
            assertThat(webpki.kind()).isEqualTo(StsDecision.Kind.FAILURE);
            assertThat(webpki.failure()).contains(StsResultType.STS_WEBPKI_INVALID);
            assertThat(sts.resolve("twice.sts.test").kind()).isEqualTo(StsDecision.Kind.NONE);
            assertThat(sts.resolve("nothing.sts.test").kind()).isEqualTo(StsDecision.Kind.NONE);

            MtaSts restarted = MtaSts.create(lookups, fetcher(trusted),
                    new StsPolicyCache(dir.resolve("var/mta-sts"), clock), clock);
            assertThat(restarted.resolve("good.sts.test").source()).contains(StsDecision.Source.CACHED);
            assertThat(trusted.requests("good.sts.test")).isEqualTo(before + 1);
        }
    }

    private static void assertFailure(StsPolicyServer server, String domain, StsResultType type, String reason) {
        StsFetchResult result = fetcher(server).fetch(domain);
        assertThat(result.policy()).as(domain).isEmpty();
        assertThat(result.failure()).as(domain + ": " + result.reason()).contains(type);
        assertThat(result.reason()).as(domain).contains(reason);
    }

    /** A valid policy padded with an extension field to exactly {@code size} bytes. */
    private static byte[] padded(int size) {
        String head = "version: STSv1\nmode: testing\nmx: mx.limit.sts.test\nmax_age: 86400\npad: ";
        int fill = size - head.length() - 1;
        return (head + "x".repeat(fill) + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
