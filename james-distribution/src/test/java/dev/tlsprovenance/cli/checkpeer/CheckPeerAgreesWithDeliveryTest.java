package dev.tlsprovenance.cli.checkpeer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tlsprovenance.metrics.TlsMetricNames;
import dev.tlsprovenance.outbound.AttemptFailedException;
import dev.tlsprovenance.outbound.NextHop;
import dev.tlsprovenance.outbound.OutboundTls;
import dev.tlsprovenance.outbound.SmtpConnection;
import dev.tlsprovenance.outbound.SmtpConnector;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.policy.Smarthost;
import dev.tlsprovenance.policy.TlsPolicyTable;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

/**
 * One decision: for every peer kind at every row level, check-peer's verdict is what the delivery's own
 * {@link SmtpConnector} does with the same row (opens a session or fails the attempt), with the same transport and
 * the same {@code tls-failures} word. Both connect to {@code [localhost]:port}; no DNS.
 */
class CheckPeerAgreesWithDeliveryTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String HELO = "client.james.test";

    enum Kind { CA, SELF_SIGNED, EXPIRED, UNKNOWN_CA, NO_STARTTLS, REFUSES_STARTTLS, HANDSHAKE_DROP, IMPLICIT_TLS }

    @TempDir
    static Path directory;
    private static Path rootPem;
    private static final Map<Kind, TestSmtpPeer> PEERS = new EnumMap<>(Kind.class);
    private static final TestCertificate PINNED = PKI.peer("pinned.example.test");

    @BeforeAll
    static void peers() throws IOException {
        rootPem = Files.writeString(directory.resolve("root.pem"), PKI.root().certificatePem());
        for (Kind kind : Kind.values()) {
            TestSmtpPeer.Builder peer = TestSmtpPeer.builder();
            PEERS.put(kind, switch (kind) {
                case CA -> peer.identity(PINNED).start();
                case SELF_SIGNED -> peer.identity(PKI.selfSigned("localhost")).start();
                case EXPIRED -> peer.identity(PKI.expired("localhost")).start();
                case UNKNOWN_CA -> peer.identity(PKI.signedByUnknownCa("localhost")).start();
                case NO_STARTTLS -> TestSmtpPeer.cleartextOnly();
                case REFUSES_STARTTLS -> peer.identity(PINNED).refuseStartTls().start();
                case HANDSHAKE_DROP -> peer.identity(PINNED).dropDuringHandshake().start();
                case IMPLICIT_TLS -> peer.identity(PKI.peer("other.example.test")).implicitTls().start();
            });
        }
    }

    @AfterAll
    static void stop() {
        PEERS.values().forEach(TestSmtpPeer::close);
    }

    static Stream<Arguments> everyKindAtEveryRowLevel() {
        // the DANE levels are decided from DNSSEC answers before a connection is opened (DanePlanner): not a row level
        return Stream.of(Kind.values()).flatMap(kind -> Stream.of(OutboundLevel.values()).filter(level -> !level.isDane())
            .map(level -> Arguments.of(kind, level)));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("everyKindAtEveryRowLevel")
    void checkPeerSaysWhatTheDeliveryDoes(Kind kind, OutboundLevel level) throws IOException {
        TestSmtpPeer peer = PEERS.get(kind);
        boolean implicit = kind == Kind.IMPLICIT_TLS;
        OutboundPolicy.Builder policy = OutboundPolicy.builder().level(level).trustAnchors(rootPem);
        if (level == OutboundLevel.FINGERPRINT) {
            policy.pinsSha256(Set.of(PINNED.sha256Fingerprint()));
        }
        NamespacePolicy row = NamespacePolicy.builder("partner.test", "tls-policy.conf:1").outbound(policy.build()).build();
        Smarthost route = Smarthost.of("localhost", peer.port(), implicit);

        HopCheck checked = new CheckPeer(TlsPolicyTable.of(List.of(row)), Optional.empty(), HELO, Duration.ofSeconds(10),
            Clock.systemUTC()).checkRoute(row, route).hops().get(0);
        Delivery delivery = deliver(row.outbound(), NextHop.of(route), level);

        assertThat(checked.outcome() == Outcome.DELIVER).as(checked.reason() + " / delivery: " + delivery).isEqualTo(delivery.opened);
        assertThat(checked.transport()).as(checked.reason()).isEqualTo(delivery.transport);
        assertThat(checked.resultType()).as(checked.reason() + " / delivery: " + delivery).isEqualTo(delivery.failureWord);
        assertThat(checked.verification().status()).as(checked.reason()).isEqualTo(delivery.verification);
    }

    private record Delivery(boolean opened, String transport, Optional<String> failureWord,
                            dev.tlsprovenance.provenance.VerificationStatus verification, String diagnostic) {
    }

    /** What the delivery's connector does with the same row and hop, recorded as the delivery records it. */
    private static Delivery deliver(OutboundPolicy policy, NextHop hop, OutboundLevel level) throws IOException {
        SmtpConnector connector = new SmtpConnector(HELO, Duration.ofSeconds(10), Duration.ofSeconds(10), Clock.systemUTC());
        try {
            SmtpConnection connection = connector.open(hop, OutboundTls.forPolicy(policy, Clock.systemUTC()), level, false);
            TlsProvenance negotiated = connection.negotiated();
            connection.close();
            return new Delivery(true, negotiated.transport().token(), Optional.empty(), negotiated.peerVerification().status(), "");
        } catch (AttemptFailedException e) {
            TlsProvenance record = e.facts().transport(Transport.NONE).build();
            return new Delivery(false, Transport.NONE.token(),
                TlsMetricNames.tlsFailureReason(record, Optional.of(e.failure().diagnostic())),
                record.peerVerification().status(), e.failure().diagnostic());
        }
    }
}
