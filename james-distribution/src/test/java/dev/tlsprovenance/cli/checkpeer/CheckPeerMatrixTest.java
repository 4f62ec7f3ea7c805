package dev.tlsprovenance.cli.checkpeer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.cli.TlsProvenanceCli;
import dev.tlsprovenance.dane.TlsaRecord;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.testing.dns.TestDnsNamespace;
import dev.tlsprovenance.testing.dns.TestDnssecServer;
import dev.tlsprovenance.testing.dns.TestZone;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

import picocli.CommandLine;

/**
 * check-peer against real loopback SMTP peers (one per kind below) whose names live in a DNSSEC-signed test zone
 * ({@code peers.test}, served by the in-JVM {@link TestDnssecServer}), at every level: the exit code and the JSON
 * fields for each (peer kind x level) pair. Each peer has a policy row {@code <kind>.dest.test} routing to it and
 * pinning its own certificate (the wrong-pin peer's row pins another one); {@code --level} sets the level judged.
 */
class CheckPeerMatrixTest {
    private static final TestPki PKI = TestPki.shared();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a verdict looks like in the JSON: exit code, transport, verify and result-type (null: none). */
    record Expect(int exit, String transport, String verify, String resultType) {
        static Expect delivers(String transport, String verify) {
            return new Expect(0, transport, verify, null);
        }

        static Expect refused(String verify, String resultType) {
            return new Expect(1, "none", verify, resultType);
        }
    }

    enum Kind {
        /** Certificate for its name from the test CA; TLSA 3 1 1 of its key. */
        CA("ca"),
        /** Self-signed for its name; TLSA 3 1 1 of its key (DANE-EE needs no CA). */
        SELF_SIGNED("self"),
        /** Does not offer STARTTLS; no TLSA. */
        NO_STARTTLS("plain"),
        /** Good certificate, but its row pins another certificate and its TLSA names another key. */
        WRONG_PIN("pinned"),
        /** Test-CA certificate for other.peers.test; TLSA 2 1 1 of the test intermediate (DANE-TA checks names). */
        WRONG_NAME("named"),
        /** Offers STARTTLS and answers it with 454; no TLSA. */
        REFUSES_STARTTLS("refusing"),
        /** TLS from the first byte (SMTPS), certificate from the test CA; TLSA 3 1 1 of its key. */
        IMPLICIT_TLS("smtps"),
        /** Offers STARTTLS, answers 220, then drops the connection in the middle of the handshake; no TLSA. */
        HANDSHAKE_DROP("dropping");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        String host() {
            return label + ".peers.test";
        }

        String destination() {
            return label + ".dest.test";
        }
    }

    private static final Map<Kind, Map<OutboundLevel, Expect>> EXPECTED = new EnumMap<>(Kind.class);

    static {
        for (Kind kind : Kind.values()) {
            Map<OutboundLevel, Expect> byLevel = new EnumMap<>(OutboundLevel.class);
            byLevel.put(OutboundLevel.NONE, Expect.delivers("cleartext", "not-checked"));
            EXPECTED.put(kind, byLevel);
        }
        Map<OutboundLevel, Expect> ca = EXPECTED.get(Kind.CA);
        for (OutboundLevel level : List.of(OutboundLevel.MAY, OutboundLevel.ENCRYPT, OutboundLevel.VERIFY, OutboundLevel.SECURE,
                OutboundLevel.FINGERPRINT, OutboundLevel.DANE, OutboundLevel.DANE_ONLY)) {
            ca.put(level, Expect.delivers("starttls", "verified"));
        }
        Map<OutboundLevel, Expect> self = EXPECTED.get(Kind.SELF_SIGNED);
        self.put(OutboundLevel.MAY, Expect.delivers("starttls", "failed"));
        self.put(OutboundLevel.ENCRYPT, Expect.delivers("starttls", "failed"));
        self.put(OutboundLevel.VERIFY, Expect.refused("failed", "certificate-not-trusted"));
        self.put(OutboundLevel.SECURE, Expect.refused("failed", "certificate-not-trusted"));
        self.put(OutboundLevel.FINGERPRINT, Expect.delivers("starttls", "verified"));
        self.put(OutboundLevel.DANE, Expect.delivers("starttls", "verified"));
        self.put(OutboundLevel.DANE_ONLY, Expect.delivers("starttls", "verified"));
        Map<OutboundLevel, Expect> plain = EXPECTED.get(Kind.NO_STARTTLS);
        plain.put(OutboundLevel.MAY, Expect.delivers("cleartext", "not-checked"));
        for (OutboundLevel level : List.of(OutboundLevel.ENCRYPT, OutboundLevel.VERIFY, OutboundLevel.SECURE, OutboundLevel.FINGERPRINT)) {
            plain.put(level, Expect.refused("not-checked", "starttls-not-supported"));
        }
        plain.put(OutboundLevel.DANE, Expect.delivers("cleartext", "not-checked"));
        plain.put(OutboundLevel.DANE_ONLY, Expect.refused("not-checked", "dane-required"));
        Map<OutboundLevel, Expect> pinned = EXPECTED.get(Kind.WRONG_PIN);
        for (OutboundLevel level : List.of(OutboundLevel.MAY, OutboundLevel.ENCRYPT, OutboundLevel.VERIFY, OutboundLevel.SECURE)) {
            pinned.put(level, Expect.delivers("starttls", "verified"));
        }
        pinned.put(OutboundLevel.FINGERPRINT, Expect.refused("failed", "pin-mismatch"));
        pinned.put(OutboundLevel.DANE, Expect.refused("failed", "validation-failure"));
        pinned.put(OutboundLevel.DANE_ONLY, Expect.refused("failed", "validation-failure"));
        Map<OutboundLevel, Expect> named = EXPECTED.get(Kind.WRONG_NAME);
        for (OutboundLevel level : List.of(OutboundLevel.MAY, OutboundLevel.ENCRYPT, OutboundLevel.VERIFY, OutboundLevel.FINGERPRINT)) {
            named.put(level, Expect.delivers("starttls", "verified"));
        }
        named.put(OutboundLevel.SECURE, Expect.refused("failed", "certificate-host-mismatch"));
        named.put(OutboundLevel.DANE, Expect.refused("failed", "certificate-host-mismatch"));
        named.put(OutboundLevel.DANE_ONLY, Expect.refused("failed", "certificate-host-mismatch"));
        Map<OutboundLevel, Expect> refusing = EXPECTED.get(Kind.REFUSES_STARTTLS);
        plain.forEach((level, expect) -> refusing.put(level, "starttls-not-supported".equals(expect.resultType)
            ? Expect.refused(expect.verify, "starttls-refused") : expect));
        Map<OutboundLevel, Expect> dropping = EXPECTED.get(Kind.HANDSHAKE_DROP);
        plain.forEach((level, expect) -> dropping.put(level, "starttls-not-supported".equals(expect.resultType)
            ? Expect.refused(expect.verify, "handshake-failed") : expect));
        // May-style levels record the broken handshake as a failed check, then deliver in cleartext.
        dropping.put(OutboundLevel.MAY, Expect.delivers("cleartext", "failed"));
        dropping.put(OutboundLevel.DANE, Expect.delivers("cleartext", "failed"));
        Map<OutboundLevel, Expect> smtps = EXPECTED.get(Kind.IMPLICIT_TLS);
        ca.forEach((level, expect) -> smtps.put(level, Expect.delivers("implicit-tls", expect.verify)));
        // An SMTPS port is TLS even at none; its chain is checked for the record, as the delivery records it.
        smtps.put(OutboundLevel.NONE, Expect.delivers("implicit-tls", "verified"));
    }

    @TempDir
    static Path home;
    private static final Map<Kind, TestSmtpPeer> PEERS = new EnumMap<>(Kind.class);
    private static final Map<Kind, TestCertificate> CERTIFICATES = new EnumMap<>(Kind.class);
    private static TestDnssecServer dns;
    private static Path rootPem;
    private static Path anchors;

    @BeforeAll
    static void peersZoneAndPolicy() throws IOException {
        CERTIFICATES.put(Kind.CA, PKI.peer(Kind.CA.host()));
        CERTIFICATES.put(Kind.SELF_SIGNED, PKI.selfSigned(Kind.SELF_SIGNED.host()));
        CERTIFICATES.put(Kind.WRONG_PIN, PKI.peer(Kind.WRONG_PIN.host()));
        CERTIFICATES.put(Kind.WRONG_NAME, PKI.peer("other.peers.test"));
        CERTIFICATES.put(Kind.REFUSES_STARTTLS, PKI.peer(Kind.REFUSES_STARTTLS.host()));
        CERTIFICATES.put(Kind.IMPLICIT_TLS, PKI.peer(Kind.IMPLICIT_TLS.host()));
        CERTIFICATES.put(Kind.HANDSHAKE_DROP, PKI.peer(Kind.HANDSHAKE_DROP.host()));
        for (Kind kind : Kind.values()) {
            TestSmtpPeer.Builder peer = TestSmtpPeer.builder().serverName(kind.host());
            PEERS.put(kind, switch (kind) {
                case NO_STARTTLS -> TestSmtpPeer.cleartextOnly();
                case REFUSES_STARTTLS -> peer.identity(CERTIFICATES.get(kind)).refuseStartTls().start();
                case IMPLICIT_TLS -> peer.identity(CERTIFICATES.get(kind)).implicitTls().start();
                case HANDSHAKE_DROP -> peer.identity(CERTIFICATES.get(kind)).dropDuringHandshake().start();
                default -> peer.identity(CERTIFICATES.get(kind)).start();
            });
        }
        TestCertificate unrelated = PKI.peer("unrelated.peers.test");
        TestZone.Builder zone = TestZone.signed("peers.test").record("@", 300, "MX", "10 ca");
        List<String> rows = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            int port = PEERS.get(kind).port();
            zone.record(kind.label, 300, "A", "127.0.0.1");
            String tlsa = switch (kind) {
                case CA, SELF_SIGNED, IMPLICIT_TLS -> spki(CERTIFICATES.get(kind));
                case WRONG_PIN -> spki(unrelated);
                case WRONG_NAME -> TlsaRecord.forCertificate(2, 1, 1, PKI.intermediate().certificate()).presentation();
                case NO_STARTTLS, REFUSES_STARTTLS, HANDSHAKE_DROP -> null;
            };
            if (tlsa != null) {
                zone.record("_" + port + "._tcp." + kind.label, 300, "TLSA", tlsa);
            }
            TestCertificate pinnedCertificate = kind == Kind.WRONG_PIN ? unrelated
                : kind == Kind.NO_STARTTLS ? unrelated : CERTIFICATES.get(kind);
            rows.add(kind.destination() + " outbound=fingerprint pins=" + pinnedCertificate.sha256Fingerprint()
                + " route=" + (kind == Kind.IMPLICIT_TLS ? "smtps:" : "") + "[" + kind.host() + "]:" + port);
        }
        TestDnsNamespace namespace = TestDnsNamespace.builder().zone(TestZone.signed("test")).zone(zone)
            .zone(TestZone.signed("broken.test").brokenSignatures().record("@", 300, "MX", "10 mx").record("mx", 300, "A", "127.0.0.1"))
            .build();
        dns = TestDnssecServer.start(namespace);
        Files.createDirectories(home.resolve("conf"));
        Files.write(home.resolve("conf/tls-policy.conf"), rows);
        rootPem = Files.writeString(home.resolve("root.pem"), PKI.root().certificatePem());
        anchors = Files.writeString(home.resolve("anchors.txt"), namespace.trustAnchor());
    }

    @AfterAll
    static void stop() {
        PEERS.values().forEach(TestSmtpPeer::close);
        if (dns != null) {
            dns.close();
        }
    }

    static Stream<Arguments> everyKindAtEveryLevel() {
        return EXPECTED.entrySet().stream().flatMap(kind -> kind.getValue().entrySet().stream()
            .map(level -> Arguments.of(kind.getKey(), level.getKey(), level.getValue())));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("everyKindAtEveryLevel")
    void exitCodeAndJsonFollowTheLevel(Kind kind, OutboundLevel level, Expect expect) throws IOException {
        Run run = checkPeer(kind.destination(), "--level", level.token(), "--json");

        assertThat(run.exitCode).as(run.output + run.error).isEqualTo(expect.exit);
        JsonNode result = JSON.readTree(run.output);
        assertThat(result.get("level").asText()).isEqualTo(level.token());
        assertThat(result.get("level-source").asText()).isEqualTo("command-line");
        assertThat(result.get("domain").asText()).isEqualTo(kind.destination());
        assertThat(result.get("row").asText()).isEqualTo("tls-policy.conf:" + (kind.ordinal() + 1));
        assertThat(result.get("hops-from").asText()).isEqualTo("route");
        assertThat(result.get("result").asText()).isEqualTo(expect.exit == 0 ? "deliver" : "refuse");
        JsonNode hop = result.get("hops").get(0);
        assertThat(hop.get("next-hop").asText()).isEqualTo(kind.host() + ":" + PEERS.get(kind).port());
        assertThat(hop.get("addr").asText()).isEqualTo("127.0.0.1");
        assertThat(hop.get("transport").asText()).as(run.output).isEqualTo(expect.transport);
        assertThat(hop.get("verify").asText()).as(run.output).isEqualTo(expect.verify);
        if (expect.resultType == null) {
            assertThat(hop.has("result-type")).as(run.output).isFalse();
            assertThat(result.has("result-type")).isFalse();
        } else {
            assertThat(hop.get("result-type").asText()).as(run.output).isEqualTo(expect.resultType);
            assertThat(result.get("result-type").asText()).isEqualTo(expect.resultType);
        }
        boolean cleartextOnly = kind == Kind.NO_STARTTLS || kind == Kind.REFUSES_STARTTLS || kind == Kind.HANDSHAKE_DROP;
        boolean tlsTried = kind == Kind.IMPLICIT_TLS || (level != OutboundLevel.NONE && !cleartextOnly);
        assertThat(hop.get("starttls").asText()).isEqualTo(kind == Kind.IMPLICIT_TLS ? "implicit"
            : level == OutboundLevel.NONE ? "not-tried" : kind == Kind.NO_STARTTLS ? "not-offered"
            : kind == Kind.REFUSES_STARTTLS ? "refused" : kind == Kind.HANDSHAKE_DROP ? "handshake-failed" : "established");
        if (tlsTried) {
            assertThat(hop.get("protocol").asText()).startsWith("TLSv1.");
            assertThat(hop.get("cipher").asText()).startsWith("TLS_");
            JsonNode leaf = hop.get("chain").get(0);
            TestCertificate presented = CERTIFICATES.get(kind);
            assertThat(leaf.get("sha256").asText()).isEqualTo(presented.sha256Fingerprint());
            assertThat(leaf.get("spki-sha256").asText())
                .isEqualTo(CheckPeerReport.sha256(presented.certificate().getPublicKey().getEncoded()));
            assertThat(leaf.get("subject").asText()).isEqualTo(presented.certificate().getSubjectX500Principal().getName());
        } else {
            assertThat(hop.get("chain")).isEmpty();
        }
        JsonNode tlsa = hop.get("tlsa");
        assertThat(tlsa.get("query").asText()).isEqualTo("_" + PEERS.get(kind).port() + "._tcp." + kind.host());
        assertThat(tlsa.get("dnssec").asText()).isEqualTo("secure");
        assertThat(tlsa.get("records")).hasSize(cleartextOnly ? 0 : 1);
        if (tlsTried) {
            assertThat(tlsa.get("records").get(0).get("matched").asBoolean()).isEqualTo(kind != Kind.WRONG_PIN);
        }
        assertThat(PEERS.get(kind).transactions()).as("check-peer never sends mail").isEmpty();
    }

    @Test
    void textOutputShowsTheChainTheTlsaMatchAndTheVerdict() {
        Run run = checkPeer(Kind.WRONG_NAME.destination(), "--level", "secure");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.output)
            .contains("policy row: tls-policy.conf:5; level secure (command-line)")
            .contains("TLS: established, TLSv1.")
            .contains("certificate 0: CN=other.peers.test")
            .contains("certificate 1: CN=Test Intermediate CA")
            .contains("names: other.peers.test, localhost")
            .contains("spki sha256: " + CheckPeerReport.sha256(CERTIFICATES.get(Kind.WRONG_NAME).certificate().getPublicKey().getEncoded()))
            .contains("TLSA _" + PEERS.get(Kind.WRONG_NAME).port() + "._tcp.named.peers.test: secure records")
            .contains("2 1 1 ")
            .contains(": depth 1")
            .contains("=> refuse [certificate-host-mismatch]: name mismatch: got other.peers.test, localhost, expected named.peers.test")
            .contains("Result: delivery at level secure would be refused (certificate-host-mismatch)");
    }

    @Test
    void theRowsLevelAppliesWithoutLevelOption() throws IOException {
        Run run = checkPeer(Kind.WRONG_PIN.destination(), "--json");

        assertThat(run.exitCode).isEqualTo(1);
        JsonNode result = JSON.readTree(run.output);
        assertThat(result.get("level").asText()).isEqualTo("fingerprint");
        assertThat(result.get("level-source").asText()).isEqualTo("row");
        assertThat(result.get("result-type").asText()).isEqualTo("pin-mismatch");
    }

    @Test
    void bracketedHostIsCheckedWithoutMxLookupByTheRowThatRoutesToIt() throws IOException {
        Run run = checkPeer("[" + Kind.CA.host() + "]:" + PEERS.get(Kind.CA).port(), "--json");

        assertThat(run.exitCode).as(run.output + run.error).isZero();
        JsonNode result = JSON.readTree(run.output);
        assertThat(result.get("hops-from").asText()).isEqualTo("command-line");
        assertThat(result.get("row").asText()).isEqualTo("tls-policy.conf:1");
        assertThat(result.get("level").asText()).isEqualTo("fingerprint");
        assertThat(result.has("domain")).isFalse();
    }

    @Test
    void bracketedHostNoRowRoutesToIsJudgedAtDaneWhenDnssecIsAvailable() throws IOException {
        Run run = checkPeer("[localhost]:" + PEERS.get(Kind.CA).port(), "--json");

        assertThat(run.exitCode).as(run.output + run.error).isZero();
        JsonNode result = JSON.readTree(run.output);
        assertThat(result.get("level").asText()).isEqualTo("dane");
        assertThat(result.get("level-source").asText()).isEqualTo("check-peer-default");
        assertThat(result.get("hops").get(0).get("reason").asText()).contains(": level dane delivers as may");
    }

    @Test
    void aDomainWithoutRowGoesToItsDnssecSecureMxHostsOnPort25AtTheDefaultLevel() throws IOException {
        Run run = checkPeer("peers.test", "--json");

        assertThat(run.error).isEmpty();
        JsonNode result = JSON.readTree(run.output);
        assertThat(result.get("row").asText()).isEqualTo("built-in default");
        // as the delivery: with DANE configured the built-in default is dane (DaneRouting.outboundFor)
        assertThat(result.get("level").asText()).isEqualTo("dane");
        assertThat(result.get("policy-source").asText()).isEqualTo("default");
        assertThat(result.get("level-source").asText()).isEqualTo("default");
        assertThat(result.get("hops-from").asText()).isEqualTo("mx");
        assertThat(result.get("dns").asText()).isEqualTo("MX records DNSSEC-secure");
        JsonNode hop = result.get("hops").get(0);
        assertThat(hop.get("next-hop").asText()).isEqualTo("ca.peers.test:25");
        assertThat(hop.get("tlsa").get("query").asText()).isEqualTo("_25._tcp.ca.peers.test");
        assertThat(hop.get("tlsa").get("dnssec").asText()).isEqualTo("secure");
        // Nothing of ours listens on 127.0.0.1:25: the mail would wait.
        assertThat(run.exitCode).as(run.output).isEqualTo(1);
        assertThat(result.get("result").asText()).isEqualTo("defer");
        assertThat(hop.get("session").asText()).startsWith("cannot connect to ca.peers.test:25");
    }

    @Test
    void aBogusMxAnswerDefersWithDnssecInvalid() throws IOException {
        Run run = checkPeer("broken.test", "--json");

        assertThat(run.exitCode).as(run.output).isEqualTo(1);
        JsonNode result = JSON.readTree(run.output);
        assertThat(result.get("hops-from").asText()).isEqualTo("none");
        assertThat(result.get("hops")).isEmpty();
        assertThat(result.get("result").asText()).isEqualTo("defer");
        assertThat(result.get("result-type").asText()).isEqualTo("dnssec-invalid");
        assertThat(result.get("dns").asText()).startsWith("MX lookup of broken.test is BOGUS");
    }

    @Test
    void badLevelAndUnreadableResolverSettingsAreUsageErrors() throws IOException {
        Run badLevel = checkPeer(Kind.CA.destination(), "--level", "sometimes");
        assertThat(badLevel.exitCode).isEqualTo(2);
        assertThat(badLevel.error).contains("unknown level 'sometimes'").contains("dane-only");

        Path other = Files.createDirectories(home.resolve("other/conf"));
        Files.writeString(other.resolve("dane.properties"), "dnssec.resolver=127.0.0.1:99999\n");
        Run badFile = run("check-peer", "--home", other.getParent().toString(), Kind.CA.destination());
        assertThat(badFile.exitCode).isEqualTo(2);
        assertThat(badFile.error).contains("dane.properties:1: dnssec.resolver").contains("port 99999 is outside 1-65535");
    }

    private static String spki(TestCertificate certificate) {
        return TlsaRecord.forCertificate(3, 1, 1, certificate.certificate()).presentation();
    }

    private static Run checkPeer(String destination, String... options) {
        List<String> args = new ArrayList<>(List.of("check-peer", "--home", home.toString(), "--resolver",
            "127.0.0.1:" + dns.address().getPort(), "--trust-anchors", anchors.toString(), "--trust-store", rootPem.toString(),
            "--helo", "client.james.test", "--timeout", "10", destination));
        args.addAll(List.of(options));
        return run(args.toArray(new String[0]));
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TlsProvenanceCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    record Run(int exitCode, String output, String error) {
    }
}
