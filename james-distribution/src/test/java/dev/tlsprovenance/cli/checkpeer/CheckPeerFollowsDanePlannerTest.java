package dev.tlsprovenance.cli.checkpeer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tlsprovenance.dane.DaneHostPlan;
import dev.tlsprovenance.dane.DanePlan;
import dev.tlsprovenance.dane.DanePlanner;
import dev.tlsprovenance.dane.DnssecLookups;
import dev.tlsprovenance.dane.TlsaRecord;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.policy.Smarthost;
import dev.tlsprovenance.policy.TlsPolicyTable;
import dev.tlsprovenance.testing.dns.TestDnsNamespace;
import dev.tlsprovenance.testing.dns.TestDnssecServer;
import dev.tlsprovenance.testing.dns.TestZone;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

/**
 * At {@code dane}/{@code dane-only}, check-peer's verdict for a route host is the server's {@link DanePlanner}'s
 * decision for that host, as the delivery maps it to what it enforces: for every kind of DNS a route host can have
 * (secure matching / mismatching / unusable TLSA, secure denial, insecure zone, bogus zone, no address), both levels,
 * against one real TLS peer and the test DNSSEC server. The planner is asked independently with the same answers.
 */
class CheckPeerFollowsDanePlannerTest {
    private static final TestPki PKI = TestPki.shared();

    enum Host {
        MATCHING("matching.plan.test"), MISMATCHING("mismatching.plan.test"), UNUSABLE("unusable.plan.test"),
        NO_TLSA("plain.plan.test"), INSECURE("host.insecure.test"), BOGUS("host.bogus.test"), NO_ADDRESS("gone.plan.test");

        final String name;

        Host(String name) {
            this.name = name;
        }
    }

    private static TestSmtpPeer peer;
    private static TestDnssecServer dns;
    private static DnssecLookups.Settings settings;

    @BeforeAll
    static void peerAndZones() throws IOException {
        TestCertificate leaf = PKI.peer("matching.plan.test");
        peer = TestSmtpPeer.builder().serverName("matching.plan.test").identity(leaf).start();
        String tlsa = "_" + peer.port() + "._tcp.";
        String matching = TlsaRecord.forCertificate(3, 1, 1, leaf.certificate()).presentation();
        String other = TlsaRecord.forCertificate(3, 1, 1, PKI.peer("other.plan.test").certificate()).presentation();
        // PKIX-EE(1): not usable for SMTP (RFC 7672 section 3.1.3), so a secure RRset of only this is "no usable record"
        String unusable = TlsaRecord.forCertificate(1, 1, 1, leaf.certificate()).presentation();
        TestDnsNamespace namespace = TestDnsNamespace.builder().zone(TestZone.signed("test"))
            .zone(TestZone.signed("plan.test")
                .record("matching", 300, "A", "127.0.0.1").record(tlsa + "matching", 300, "TLSA", matching)
                .record("mismatching", 300, "A", "127.0.0.1").record(tlsa + "mismatching", 300, "TLSA", other)
                .record("unusable", 300, "A", "127.0.0.1").record(tlsa + "unusable", 300, "TLSA", unusable)
                .record("plain", 300, "A", "127.0.0.1"))
            .zone(TestZone.unsigned("insecure.test").record("host", 300, "A", "127.0.0.1").record(tlsa + "host", 300, "TLSA", matching))
            .zone(TestZone.signed("bogus.test").brokenSignatures().record("host", 300, "A", "127.0.0.1")
                .record(tlsa + "host", 300, "TLSA", matching))
            .build();
        dns = TestDnssecServer.start(namespace);
        settings = DnssecLookups.Settings.builder(dns.address()).trustAnchors(namespace.trustAnchor()).build();
    }

    @AfterAll
    static void stop() {
        if (peer != null) {
            peer.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    static Stream<Arguments> everyHostAtBothDaneLevels() {
        return Stream.of(Host.values()).flatMap(host -> Stream.of(OutboundLevel.DANE, OutboundLevel.DANE_ONLY)
            .map(level -> Arguments.of(host, level)));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("everyHostAtBothDaneLevels")
    void checkPeerJudgesTheHostAsThePlannerDecidesIt(Host host, OutboundLevel level) throws IOException {
        NamespacePolicy row = NamespacePolicy.builder("partner.test", "tls-policy.conf:1")
            .outbound(OutboundPolicy.builder().level(level).build()).build();
        Smarthost route = Smarthost.of(host.name, peer.port(), false);
        DanePlan plan = new DanePlanner(DanePlanner.Dns.of(new DnssecLookups(settings)))
            .planRoutes("partner.test", List.of(new DanePlanner.Route(host.name, peer.port())), level == OutboundLevel.DANE_ONLY);
        DaneHostPlan decided = plan.hosts().get(0);

        CheckPeerResult result = new CheckPeer(TlsPolicyTable.of(List.of(row)), Optional.of(new DnssecLookups(settings)),
            "client.james.test", Duration.ofSeconds(10), Clock.systemUTC()).checkRoute(row, route);
        HopCheck hop = result.hops().get(0);

        assertThat(decided.mode()).as(decided.toString()).isEqualTo(expectedMode(host, level));
        assertThat(hop.outcome()).as(hop.reason()).isEqualTo(switch (decided.mode()) {
            case AUTHENTICATED -> host == Host.MATCHING ? Outcome.DELIVER : Outcome.REFUSE;
            case ENCRYPT, MAY -> Outcome.DELIVER;
            case REFUSED -> Outcome.REFUSE;
            case DNSSEC_FAILED, NO_ADDRESS -> Outcome.DEFER;
        });
        assertThat(hop.resultType()).as(hop.reason()).isEqualTo(decided.mode() == DaneHostPlan.Mode.AUTHENTICATED
            && host != Host.MATCHING ? Optional.of("validation-failure") : decided.resultType());
        assertThat(hop.reason()).contains(host == Host.MATCHING || host == Host.MISMATCHING ? "" : decided.reason());
        assertThat(hop.transport()).isEqualTo(hop.outcome() == Outcome.DELIVER ? "starttls" : "none");
        assertThat(hop.verification().trust()).isEqualTo(decided.mode() == DaneHostPlan.Mode.AUTHENTICATED ? "dane"
            : hop.verification().trust());
        if (decided.mode().isTried()) {
            assertThat(hop.observation().address()).contains(decided.addresses().get(0).getHostAddress());
        }
        assertThat(result.outcome()).isEqualTo(hop.outcome());
        assertThat(peer.transactions()).as("check-peer never sends mail").isEmpty();
    }

    private static DaneHostPlan.Mode expectedMode(Host host, OutboundLevel level) {
        boolean daneOnly = level == OutboundLevel.DANE_ONLY;
        return switch (host) {
            case MATCHING, MISMATCHING -> DaneHostPlan.Mode.AUTHENTICATED;
            case UNUSABLE -> DaneHostPlan.Mode.ENCRYPT;
            case NO_TLSA, INSECURE -> daneOnly ? DaneHostPlan.Mode.REFUSED : DaneHostPlan.Mode.MAY;
            case BOGUS -> DaneHostPlan.Mode.DNSSEC_FAILED;
            case NO_ADDRESS -> DaneHostPlan.Mode.NO_ADDRESS;
        };
    }
}
