package dev.tlsprovenance.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.cli.TlsProvenanceCli;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;

import picocli.CommandLine;

/**
 * doctor runs check-peer's session against every {@code route=} at its row's level (real loopback peers: no STARTTLS,
 * self-signed, wrong pin, wrong name, and a good one), and prints the DNS records to publish for the server's own
 * certificate and domains.
 */
class DoctorRoutesAndDnsRecordsTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String HELLO_NAME = TestPki.SERVER_HOST;

    @TempDir
    Path home;
    private final List<TestSmtpPeer> peers = new ArrayList<>();

    /** One route row: the peer it routes to, how its row is written, and what doctor must say about it. */
    private record RouteCase(String namespace, TestSmtpPeer peer, String rowOptions, boolean ok, String words) {
    }

    @BeforeEach
    void conf() throws IOException {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/smtpserver.xml"), """
            <smtpservers>
                <smtpserver enabled="true">
                    <jmxName>smtpserver-mx</jmxName>
                    <bind>127.0.0.1:2525</bind>
                    <helloName autodetect="false">%s</helloName>
                    <tls socketTLS="false" startTLS="true">
                        <keystore>file://conf/keystore.p12</keystore>
                        <keystoreType>PKCS12</keystoreType>
                        <secret>changeit</secret>
                    </tls>
                </smtpserver>
            </smtpservers>
            """.formatted(HELLO_NAME));
        Files.writeString(home.resolve("conf/root.pem"), PKI.root().certificatePem());
        TestTls.builder().identity(PKI.server()).build().writeKeyStorePkcs12(home.resolve("conf/keystore.p12"), "changeit");
    }

    @AfterEach
    void stopPeers() {
        peers.forEach(TestSmtpPeer::close);
    }

    @Test
    void everyRouteIsCheckedAtItsRowsLevelAndABadOneNamesWhy() throws IOException {
        TestCertificate good = PKI.peer("good.example.test");
        TestCertificate otherName = TestCertificate.builder().commonName("other.example.test")
            .addSubjectAlternativeName("other.example.test").signedBy(PKI.intermediate()).build();
        List<RouteCase> cases = List.of(
            new RouteCase("good.example.test", peer(good), "outbound=secure ca=root.pem", true, "verify verified"),
            new RouteCase("plain.example.test", start(TestSmtpPeer.cleartextOnly()), "outbound=encrypt", false,
                "fails level encrypt [starttls-not-supported]: server did not offer STARTTLS"),
            new RouteCase("refusing.example.test", start(TestSmtpPeer.builder().identity(good).refuseStartTls().start()),
                "outbound=encrypt", false, "fails level encrypt [starttls-refused]: STARTTLS refused: 454"),
            new RouteCase("selfsigned.example.test", peer(PKI.selfSigned("localhost")), "outbound=verify ca=root.pem", false,
                "fails level verify [certificate-not-trusted]: self-signed certificate not trusted"),
            new RouteCase("pinned.example.test", peer(good), "outbound=fingerprint pins=" + PKI.peer("unrelated.example.test")
                .sha256Fingerprint(), false, "fails level fingerprint [pin-mismatch]: fingerprint mismatch: got certificate sha256 "
                + good.sha256Fingerprint()),
            new RouteCase("named.example.test", peer(otherName), "outbound=secure ca=root.pem", false,
                "fails level secure [certificate-host-mismatch]: name mismatch: got other.example.test, expected localhost"));
        List<String> rows = new ArrayList<>();
        for (RouteCase route : cases) {
            rows.add(route.namespace + " " + route.rowOptions + " route=[localhost]:" + route.peer.port());
        }
        Files.write(home.resolve("conf/tls-policy.conf"), rows);

        Result result = doctor("--trust", home.resolve("conf/root.pem").toString());

        assertThat(result.exitCode).isEqualTo(1);
        for (int i = 0; i < cases.size(); i++) {
            RouteCase route = cases.get(i);
            String line = (route.ok ? "[OK  ] " : "[FAIL] ") + route.namespace + " (tls-policy.conf:" + (i + 1) + "): route localhost:"
                + route.peer.port() + " ";
            assertThat(result.output).as(result.output).contains(line);
            String full = result.output.substring(result.output.indexOf(line));
            assertThat(full.substring(0, full.indexOf('\n'))).contains(route.words);
            assertThat(route.peer.transactions()).as("doctor never sends mail").isEmpty();
        }
    }

    @Test
    void printsTheTlsaMtaStsAndTlsRptRecordsForTheServersCertificateAndDomains() throws IOException, NoSuchAlgorithmException {
        Files.writeString(home.resolve("conf/tls-policy.conf"), "* inbound=none outbound=may\n");
        Files.writeString(home.resolve("conf/domainlist.xml"), """
            <domainlist><autodetect>false</autodetect><defaultDomain>james.test</defaultDomain>
            <domainnames><domainname>localhost</domainname><domainname>second.test</domainname></domainnames></domainlist>
            """);
        String spkiSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(PKI.server().certificate().getPublicKey().getEncoded()));

        Result text = doctor("--trust", home.resolve("conf/root.pem").toString());
        Result json = doctor("--trust", home.resolve("conf/root.pem").toString(), "--json");

        assertThat(text.output).as(text.output)
            .contains("dns records to publish (zone-file lines)")
            .contains("  _25._tcp.mx.james.test. IN TLSA 3 1 1 " + spkiSha256 + "\n")
            .containsPattern("  _mta-sts.james.test. IN TXT \"v=STSv1; id=[0-9a-f]{20}\"\n")
            .contains("  _smtp._tls.james.test. IN TXT \"v=TLSRPTv1; rua=mailto:tls-reports@james.test\"\n")
            .contains("  _smtp._tls.second.test. IN TXT \"v=TLSRPTv1; rua=mailto:tls-reports@second.test\"\n")
            .contains("https://mta-sts.second.test/.well-known/mta-sts.txt")
            .contains("    version: STSv1\n    mode: testing\n    mx: mx.james.test\n    max_age: 604800\n")
            .doesNotContain("_smtp._tls.localhost");
        JsonNode records = new ObjectMapper().readTree(json.output).get("dns-records");
        assertThat(records.get(0).get("name").asText()).isEqualTo("_25._tcp.mx.james.test");
        assertThat(records.get(0).get("type").asText()).isEqualTo("TLSA");
        assertThat(records.get(0).get("data").asText()).isEqualTo("3 1 1 " + spkiSha256);
        assertThat(records).hasSize(5);
        JsonNode policy = new ObjectMapper().readTree(json.output).get("mta-sts-policies").get(0);
        assertThat(policy.get("domain").asText()).isEqualTo("james.test");
        assertThat(policy.get("text").asText()).isEqualTo("version: STSv1\r\nmode: testing\r\nmx: mx.james.test\r\nmax_age: 604800\r\n");
        assertThat(records.get(1).get("data").asText())
            .isEqualTo("\"v=STSv1; id=" + PublishedRecords.policyId(policy.get("text").asText()) + "\"");
    }

    @Test
    void mxNamesAndDomainOptionsDecideTheRecords() throws IOException {
        Files.writeString(home.resolve("conf/tls-policy.conf"), "* inbound=none outbound=may\n");

        Result result = doctor("--offline", "--mx-name", "mx1.example.test", "--domain", "example.test");

        assertThat(result.output)
            .contains("_25._tcp.mx.james.test. IN TLSA 3 1 1 ")
            .contains("_25._tcp.mx1.example.test. IN TLSA 3 1 1 ")
            .contains("    mx: mx1.example.test\n")
            .doesNotContain("    mx: mx.james.test\n")
            .contains("_mta-sts.example.test. IN TXT");
    }

    private TestSmtpPeer peer(TestCertificate certificate) throws IOException {
        return start(TestSmtpPeer.builder().identity(certificate).start());
    }

    private TestSmtpPeer start(TestSmtpPeer peer) {
        peers.add(peer);
        return peer;
    }

    private Result doctor(String... options) {
        List<String> arguments = new ArrayList<>(List.of("doctor", "--home", home.toString()));
        arguments.addAll(List.of(options));
        StringWriter out = new StringWriter();
        CommandLine cli = TlsProvenanceCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int exitCode = cli.execute(arguments.toArray(String[]::new));
        return new Result(exitCode, out.toString());
    }

    private record Result(int exitCode, String output) {
    }
}
