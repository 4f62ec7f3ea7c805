package dev.tlsprovenance.cli.checkpeer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.cli.TlsProvenanceCli;
import dev.tlsprovenance.dane.DaneConfiguration;
import dev.tlsprovenance.dane.DanePlanner;
import dev.tlsprovenance.dane.DnssecLookups;
import dev.tlsprovenance.dane.TlsaRecord;
import dev.tlsprovenance.ledger.PolicyFacts;
import dev.tlsprovenance.metrics.TlsMetricNames;
import dev.tlsprovenance.outbound.ConnectionPool;
import dev.tlsprovenance.outbound.DaneRouting;
import dev.tlsprovenance.outbound.DomainDeliveryResult;
import dev.tlsprovenance.outbound.Envelope;
import dev.tlsprovenance.outbound.HopAttempt;
import dev.tlsprovenance.outbound.MessageContent;
import dev.tlsprovenance.outbound.MtaStsWiring;
import dev.tlsprovenance.outbound.OutboundDelivery;
import dev.tlsprovenance.outbound.OutboundTlsCache;
import dev.tlsprovenance.outbound.SmtpConnector;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.policy.TlsPolicyTable;
import dev.tlsprovenance.sts.StsConfiguration;
import dev.tlsprovenance.sts.StsDecision;
import dev.tlsprovenance.sts.StsPolicy;
import dev.tlsprovenance.sts.StsPolicyCache;
import dev.tlsprovenance.sts.StsPolicyServer;
import dev.tlsprovenance.testing.dns.TestDnsNamespace;
import dev.tlsprovenance.testing.dns.TestDnssecServer;
import dev.tlsprovenance.testing.dns.TestZone;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;

import picocli.CommandLine;

/**
 * check-peer resolves MTA-STS as the delivery does: for every case of (STS mode enforce/testing/none) x (an
 * {@code mx} pattern matches the MX host or not) x (the MX certificate names a pattern or not) x (DANE secure or
 * insecure for the same domain) x (policy in the server's cache or fetched), {@code tls-provenance check-peer --json}
 * run on a distribution directory ({@code conf/dane.properties}, {@code conf/mta-sts.properties}, the shipped-shape
 * {@code default ... outbound=dane} row) gives the verdict, {@code policy-source}, {@code sts-mode}, {@code sts-id},
 * policy origin and {@code result-type} that the delivery's own pieces give for the same conf and the same peers
 * ({@link DaneRouting#forDestination} + {@link OutboundDelivery}, recorded as the ledger records it), and the
 * expected ones; and check-peer leaves the server's {@code var/mta-sts} as it found it. A policy host that fails
 * ({@link FetchFailure}) is what the delivery makes of it: nothing cached, the default; a cached enforce policy
 * whose refresh fails, still in force; {@code sts-policy-fetch-error} recorded either way.
 *
 * <p>One real STARTTLS peer (test-CA certificate for {@code mx.certified.test} only), the test DNSSEC server
 * ({@code sec.test} signed with a TLSA record of the peer's key for every MX host, {@code plain.test} unsigned) and
 * one HTTPS policy host for every {@code mta-sts.<domain>}. Tag {@code sts-hosts}: the policy hosts reach loopback
 * through the surefire execution's {@code jdk.net.hosts.file} (james-distribution/pom.xml).
 */
@Tag("sts-hosts")
class CheckPeerResolvesMtaStsAsDeliveryTest {
    private static final TestPki PKI = TestPki.shared();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CERTIFIED = "mx.certified.test";
    private static final Clock CLOCK = Clock.systemUTC();

    enum Mode { ENFORCE, TESTING, NONE }

    record Case(Mode mode, boolean mxMatches, boolean certificateMatches, boolean daneSecure, boolean cached) {
        String label() {
            return mode.name().toLowerCase(java.util.Locale.ROOT) + "-" + (mxMatches ? "mx" : "nomx") + "-"
                + (certificateMatches ? "cert" : "nocert");
        }

        String domain() {
            return label() + (daneSecure ? ".sec.test" : ".plain.test");
        }

        String mxHost() {
            return "mx." + domain();
        }

        String id() {
            return label().replace("-", "") + (daneSecure ? "s" : "p");
        }

        /** The mx patterns: the MX host when it matches, the certificate's name when that matches, else elsewhere. */
        String policy() {
            StringBuilder text = new StringBuilder("version: STSv1\r\nmode: " + mode.name().toLowerCase(java.util.Locale.ROOT) + "\r\n");
            if (mxMatches) {
                text.append("mx: ").append(mxHost()).append("\r\n");
            }
            if (certificateMatches) {
                text.append("mx: ").append(CERTIFIED).append("\r\n");
            }
            if (!mxMatches && !certificateMatches) {
                text.append("mx: mx.nowhere.test\r\n");
            }
            return text.append("max_age: 86400\r\n").toString();
        }

        @Override
        public String toString() {
            return domain() + (cached ? " cached" : " fresh");
        }
    }

    /** The policy host answers 404: as the delivery treats a fetch that fails. */
    enum FetchFailure {
        /** Nothing cached: no policy (RFC 8461 section 5), the default, the failure's result type recorded. */
        NOTHING_CACHED("nofetch", "20261202a", Optional.empty()),
        /** A new id, the refresh fails: the cached unexpired enforce policy stays in force. */
        CACHED_ENFORCE_KEPT("refresh", "20261202b", Optional.of("20261201a"));

        final String name;
        final String publishedId;
        final Optional<String> cachedId;

        FetchFailure(String name, String publishedId, Optional<String> cachedId) {
            this.name = name;
            this.publishedId = publishedId;
            this.cachedId = cachedId;
        }

        String label() {
            return name;
        }

        String domain() {
            return name + ".plain.test";
        }

        String cachedPolicy() {
            return "version: STSv1\r\nmode: enforce\r\nmx: mx." + domain() + "\r\nmx: " + CERTIFIED + "\r\nmax_age: 86400\r\n";
        }
    }

    private static TestSmtpPeer peer;
    private static TestDnssecServer dns;
    private static StsPolicyServer policies;

    @TempDir
    static Path directory;

    @BeforeAll
    static void peerZonesAndPolicyHosts() throws IOException {
        assertThat(System.getProperty("jdk.net.hosts.file")).as("run by the sts-hosts surefire execution"
            + " (-Djdk.net.hosts.file)").isNotNull();
        TestCertificate leaf = PKI.peer(CERTIFIED);
        peer = TestSmtpPeer.builder().serverName(CERTIFIED).identity(leaf).start();
        String tlsa = TlsaRecord.forCertificate(3, 1, 1, leaf.certificate()).presentation();
        TestZone.Builder sec = TestZone.signed("sec.test");
        TestZone.Builder plain = TestZone.unsigned("plain.test");
        TestCertificate.Builder policyHost = TestCertificate.builder().commonName("mta-sts.policies.test");
        List<Case> every = cases().toList();
        for (Case c : every) {
            if (c.cached()) {
                continue;
            }
            String label = c.label();
            TestZone.Builder zone = c.daneSecure() ? sec : plain;
            zone.record(label, 300, "MX", "10 mx." + label).record("mx." + label, 300, "A", "127.0.0.1")
                .record("_mta-sts." + label, 300, "TXT", "\"v=STSv1; id=" + c.id() + ";\"");
            if (c.daneSecure()) {
                zone.record("_" + peer.port() + "._tcp.mx." + label, 300, "TLSA", tlsa);
            }
            policyHost.addSubjectAlternativeName("mta-sts." + c.domain());
        }
        for (FetchFailure failure : FetchFailure.values()) {
            String label = failure.label();
            plain.record(label, 300, "MX", "10 mx." + label).record("mx." + label, 300, "A", "127.0.0.1")
                .record("_mta-sts." + label, 300, "TXT", "\"v=STSv1; id=" + failure.publishedId + ";\"");
            policyHost.addSubjectAlternativeName("mta-sts." + failure.domain());
        }
        policies = StsPolicyServer.start(TestTls.builder().identity(policyHost.signedBy(PKI.intermediate()).build())
            .build().sslContext());
        every.forEach(c -> policies.answer(c.domain(), StsPolicyServer.Answer.policy(c.policy())));
        for (FetchFailure failure : FetchFailure.values()) {
            policies.answer(failure.domain(), StsPolicyServer.Answer.status(404));
        }
        dns = TestDnssecServer.start(TestDnsNamespace.builder().zone(TestZone.signed("test")).zone(sec).zone(plain).build());
    }

    @AfterAll
    static void stop() {
        if (peer != null) {
            peer.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (policies != null) {
            policies.close();
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            for (boolean mx : List.of(true, false)) {
                for (boolean cert : List.of(true, false)) {
                    for (boolean dane : List.of(true, false)) {
                        for (boolean cached : List.of(true, false)) {
                            cases.add(new Case(mode, mx, cert, dane, cached));
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    @Test
    void theMatrixIsWhole() {
        assertThat(cases().map(Case::toString).distinct()).hasSize(3 * 2 * 2 * 2 * 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void checkPeerDecidesWhatTheDeliveryDecides(Case c) throws Exception {
        Path home = distribution(c, "check-peer");
        Path server = distribution(c, "server");
        Map<String, String> cacheBefore = files(home.resolve("var/mta-sts"));
        int fetchesBefore = policies.requests(c.domain());

        int transactionsBefore = peer.transactions().size();
        Run run = checkPeer(home, "--json", c.domain());
        assertThat(run.error).as(c + ": " + run.output).isEmpty();
        assertThat(peer.transactions()).as(c + ": check-peer never sends mail").hasSize(transactionsBefore);
        JsonNode json = JSON.readTree(run.output);
        Delivery delivery = deliver(server, c.domain());

        // the same decision as the delivery
        assertThat(run.exitCode == 0).as(c + " delivered / " + delivery + "\n" + run.output).isEqualTo(delivery.delivered);
        assertThat(json.get(PolicyFacts.POLICY_SOURCE).asText()).as(c + "\n" + run.output).isEqualTo(delivery.policySource);
        JsonNode sts = json.get("sts");
        assertThat(text(sts, PolicyFacts.STS_MODE)).as(c.toString()).isEqualTo(delivery.stsMode);
        assertThat(text(sts, PolicyFacts.STS_ID)).as(c.toString()).isEqualTo(delivery.stsId);
        assertThat(text(sts, "from")).as(c.toString()).isEqualTo(delivery.stsSource);
        assertThat(resultType(json)).as(c + "\n" + run.output).isEqualTo(delivery.resultType);

        // and the one expected
        Optional<String> mode = Optional.of(c.mode().name().toLowerCase(java.util.Locale.ROOT));
        boolean delivers = c.daneSecure() || c.mode() != Mode.ENFORCE || c.mxMatches() && c.certificateMatches();
        assertThat(run.exitCode).as(c + "\n" + run.output).isEqualTo(delivers ? 0 : 1);
        assertThat(json.get(PolicyFacts.POLICY_SOURCE).asText()).as(c.toString())
            .isEqualTo(c.daneSecure() ? "dane" : c.mode() == Mode.NONE ? "default" : "sts");
        assertThat(resultType(json)).as(c + "\n" + run.output).isEqualTo(c.daneSecure() || c.mode() == Mode.NONE
            ? Optional.empty() : c.mode() == Mode.ENFORCE && !c.mxMatches() ? Optional.of("validation-failure")
            : c.certificateMatches() ? Optional.empty() : Optional.of("certificate-host-mismatch"));
        if (c.daneSecure()) {
            assertThat(sts).as(c + ": MTA-STS never overrides DANE, and is not even asked").isNull();
        } else {
            assertThat(text(sts, PolicyFacts.STS_MODE)).as(c.toString()).isEqualTo(mode);
            assertThat(text(sts, PolicyFacts.STS_ID)).as(c.toString()).contains(c.id());
            assertThat(sts.get("max_age").asLong()).isEqualTo(86400);
            assertThat(text(sts, "from")).as(c.toString()).contains(c.cached() ? "cached" : "fresh");
            List<String> allowed = strings(sts.get("mx-allowed"));
            List<String> excluded = strings(sts.get("mx-excluded"));
            if (c.mode() == Mode.NONE) {
                assertThat(allowed).isEmpty();
                assertThat(excluded).isEmpty();
            } else {
                assertThat(c.mxMatches() ? allowed : excluded).as(c.toString()).containsExactly(c.mxHost());
                JsonNode hop = json.get("hops").get(0).get("sts");
                assertThat(hop.get("mx-allowed").asBoolean()).as(c.toString()).isEqualTo(c.mxMatches());
                if (c.mode() == Mode.TESTING || c.mxMatches()) {
                    assertThat(hop.get("certificate-matches").asBoolean()).as(c.toString()).isEqualTo(c.certificateMatches());
                }
            }
        }
        assertThat(files(home.resolve("var/mta-sts"))).as(c + ": check-peer writes nothing into the server's cache")
            .isEqualTo(cacheBefore);
        int fetchedByBoth = policies.requests(c.domain()) - fetchesBefore;
        assertThat(fetchedByBoth).as(c + ": a cached policy is used without a fetch; an absent one is fetched by each")
            .isEqualTo(c.daneSecure() || c.cached() ? 0 : 2);
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(FetchFailure.class)
    void aFailedFetchIsWhatTheDeliveryMakesOfIt(FetchFailure failure) throws Exception {
        Path home = failureDistribution(failure, "check-peer");
        Path server = failureDistribution(failure, "server");
        Map<String, String> cacheBefore = files(home.resolve("var/mta-sts"));

        Run run = checkPeer(home, "--json", failure.domain());
        assertThat(run.error).as(run.output).isEmpty();
        JsonNode json = JSON.readTree(run.output);
        Delivery delivery = deliver(server, failure.domain());

        assertThat(run.exitCode == 0).as(delivery + "\n" + run.output).isEqualTo(delivery.delivered).isTrue();
        assertThat(json.get(PolicyFacts.POLICY_SOURCE).asText()).as(run.output).isEqualTo(delivery.policySource)
            .isEqualTo(failure.cachedId.isPresent() ? "sts" : "default");
        JsonNode sts = json.get("sts");
        assertThat(text(sts, PolicyFacts.STS_MODE)).isEqualTo(delivery.stsMode).isEqualTo(failure.cachedId.map(id -> "enforce"));
        assertThat(text(sts, PolicyFacts.STS_ID)).isEqualTo(delivery.stsId).isEqualTo(failure.cachedId);
        assertThat(text(sts, "from")).isEqualTo(delivery.stsSource).isEqualTo(failure.cachedId.map(id -> "cached"));
        assertThat(text(sts, "policy")).contains(failure.cachedId.isPresent() ? "policy" : "failure");
        assertThat(text(sts, PolicyFacts.RESULT_TYPE)).contains("sts-policy-fetch-error");
        assertThat(resultType(json)).as(run.output).isEqualTo(delivery.resultType).contains("sts-policy-fetch-error");
        assertThat(files(home.resolve("var/mta-sts"))).isEqualTo(cacheBefore);
    }

    private static Path failureDistribution(FetchFailure failure, String who) throws Exception {
        Case shape = new Case(Mode.ENFORCE, true, true, false, false);
        Path home = distribution(shape, failure.name() + "-" + who);
        if (failure.cachedId.isPresent()) {
            new StsPolicyCache(home.resolve("var/mta-sts"), CLOCK).put(failure.domain(), failure.cachedId.get(),
                StsPolicy.parse(failure.cachedPolicy()));
        }
        return home;
    }

    @Test
    void theTextSaysWhereThePolicyCameFromAndWhichHostsItAllows() throws Exception {
        Case c = new Case(Mode.ENFORCE, false, true, false, false);
        Run run = checkPeer(distribution(c, "text"), c.domain());
        assertThat(run.exitCode).as(run.output + run.error).isEqualTo(1);
        assertThat(run.output)
            .contains("policy source: sts")
            .contains("MTA-STS: policy " + c.id() + ", mode enforce, max_age 86400, mx mx.certified.test; fetched now "
                + "(check-peer does not write the server's cache)")
            .contains("MX allowed: none; excluded: " + c.mxHost())
            .contains("MTA-STS enforce: mx pattern excludes this host")
            .contains("=> refuse [validation-failure]")
            .contains("Result: delivery at level dane would be refused (validation-failure)");

        Case testing = new Case(Mode.TESTING, true, false, false, false);
        Run delivered = checkPeer(distribution(testing, "text"), testing.domain());
        assertThat(delivered.exitCode).as(delivered.output + delivered.error).isZero();
        assertThat(delivered.output)
            .contains("MTA-STS testing: mx pattern allows this host; certificate does not name a pattern")
            .contains("=> deliver [certificate-host-mismatch]")
            .contains("Result: delivery at level dane would succeed (MTA-STS testing: certificate-host-mismatch recorded, "
                + "delivered all the same)");
    }

    /** A distribution directory: the shipped-shape policy file, DANE on the test server, MTA-STS with the test CA. */
    private static Path distribution(Case c, String who) throws Exception {
        Path home = Files.createDirectories(directory.resolve(c.domain() + (c.cached() ? "-cached-" : "-fresh-") + who));
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("tls-policy.conf"), "default  inbound=none  outbound=dane\n");
        Files.writeString(conf.resolve("dane.properties"), "dnssec.resolver=127.0.0.1:" + dns.address().getPort() + "\n"
            + "dnssec.trustAnchors=test-root.ds\ndnssec.queryTimeout=2s\ndnssec.lookupDeadline=5s\n");
        Files.writeString(conf.resolve("test-root.ds"), dns.namespace().trustAnchor());
        Files.writeString(conf.resolve("mta-sts.properties"), "sts.enabled=true\nsts.cacheDirectory=var/mta-sts\n"
            + "sts.fetchTimeout=20s\nsts.trustAnchors=test-ca.pem\nsts.policyPort=" + policies.port() + "\n");
        Files.writeString(conf.resolve("test-ca.pem"), PKI.root().certificatePem());
        if (c.cached()) {
            // as the server left it after an earlier fetch of the policy under the same id
            new StsPolicyCache(home.resolve("var/mta-sts"), CLOCK).put(c.domain(), c.id(), StsPolicy.parse(c.policy()));
        }
        return home;
    }

    private static Run checkPeer(Path home, String... arguments) {
        List<String> args = new ArrayList<>(List.of("check-peer", "--home", home.toString(), "--helo", "client.james.test",
            "--timeout", "10", "--smtp-port", Integer.toString(peer.port())));
        args.addAll(List.of(arguments));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TlsProvenanceCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args.toArray(new String[0]));
        return new Run(code, out.toString(), err.toString());
    }

    record Run(int exitCode, String output, String error) {
    }

    private record Delivery(boolean delivered, String policySource, Optional<String> stsMode, Optional<String> stsId,
                            Optional<String> stsSource, Optional<String> resultType, String diagnostic) {
    }

    /**
     * What the server does with the same conf: TlsPolicyRemoteDelivery's pieces in its order (the row, the
     * precedence of {@link DaneRouting}, {@link OutboundDelivery} over the hops, or the deferral), one real attempt,
     * recorded as the ledger records it ({@code OutboundLedgerLine}: policy facts of the last hop tried).
     */
    private static Delivery deliver(Path server, String domain) throws Exception {
        Path conf = server.resolve("conf");
        DaneConfiguration dane = DaneConfiguration.read(conf.resolve("dane.properties"), CLOCK);
        StsConfiguration stsConfiguration = StsConfiguration.read(conf.resolve("mta-sts.properties"));
        MtaStsWiring sts = MtaStsWiring.of(stsConfiguration,
            new StsPolicyCache(MtaStsWiring.cacheDirectory(stsConfiguration, server), CLOCK), dane.settings(), CLOCK);
        TlsPolicyTable table;
        try (Reader reader = Files.newBufferedReader(conf.resolve("tls-policy.conf"), StandardCharsets.UTF_8)) {
            table = TlsPolicyTable.parse("tls-policy.conf", reader);
        }
        NamespacePolicy looked = table.lookup(domain);
        OutboundPolicy outbound = DaneRouting.outboundFor(looked, true);
        DanePlanner planner = new DanePlanner(DanePlanner.Dns.of(new DnssecLookups(dane.settings())), peer.port());
        DaneRouting routing = DaneRouting.forDestination(domain, outbound, !looked.isDefault(), Optional.of(planner),
            peer.port(), Optional.of(sts.resolver()), sts.trust());
        SmtpConnector connector = new SmtpConnector("james.sender.test", Duration.ofSeconds(10), Duration.ofSeconds(10), CLOCK);
        OutboundDelivery delivery = new OutboundDelivery(new ConnectionPool(connector, 0, Duration.ofSeconds(1)),
            new OutboundTlsCache(CLOCK), CLOCK);
        Envelope envelope = new Envelope("sender@james.test", List.of("bob@" + domain), false);
        DomainDeliveryResult result = routing.deferral().isPresent()
            ? delivery.notAttempted(domain, outbound, envelope, 1, routing.deferral().get())
            : delivery.deliver(domain, outbound, routing.hops(), envelope, MessageContent.of("From: sender@james.test\r\n"
                + "To: bob@" + domain + "\r\nSubject: " + domain + "\r\n\r\nhello\r\n"), 1);
        HopAttempt last = result.hopAttempts().get(result.hopAttempts().size() - 1);
        PolicyFacts facts = routing.factsFor(last.record().nextHop());
        Optional<StsDecision> decision = routing.sts();
        return new Delivery(result.outcomes().get(0).isDelivered(), facts.source().token(), facts.stsMode(), facts.stsId(),
            decision.filter(d -> d.kind() == StsDecision.Kind.POLICY).flatMap(StsDecision::source).map(StsDecision.Source::word),
            TlsMetricNames.resultType(last.record(), last.nothingSentBecause(), facts.stsResultType()),
            result.outcomes().get(0).failure().map(Object::toString).orElse("delivered"));
    }

    /** The result type the ledger would hold for the attempt that decides: the refusal's, or a delivered hop's. */
    private static Optional<String> resultType(JsonNode json) {
        if (!json.get("result").asText().equals("deliver")) {
            return Optional.ofNullable(json.get("result-type")).map(JsonNode::asText);
        }
        for (JsonNode hop : json.get("hops")) {
            if (hop.get("result").asText().equals("deliver")) {
                return Optional.ofNullable(hop.get("result-type")).map(JsonNode::asText)
                    .or(() -> Optional.ofNullable(json.get("sts")).map(s -> s.get(PolicyFacts.RESULT_TYPE)).map(JsonNode::asText));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node == null || node.get(field) == null ? Optional.empty() : Optional.of(node.get(field).asText());
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static Map<String, String> files(Path directory) {
        Map<String, String> contents = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return contents;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                contents.put(file.getFileName().toString(), Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return contents;
    }
}
