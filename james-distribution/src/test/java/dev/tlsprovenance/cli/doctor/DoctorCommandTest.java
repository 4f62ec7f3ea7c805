package dev.tlsprovenance.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.cli.TlsProvenanceCli;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;

import picocli.CommandLine;

/** {@code tls-provenance doctor} against a distribution directory whose keystore holds test certificates. */
class DoctorCommandTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String HELLO_NAME = TestPki.SERVER_HOST;

    @TempDir
    Path home;
    Path rootPem;

    @BeforeEach
    void confWithOneStartTlsListener() throws IOException {
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
                        <supportedProtocols><protocol>TLSv1.2</protocol><protocol>TLSv1.3</protocol></supportedProtocols>
                    </tls>
                    <auth><requireSSL>true</requireSSL></auth>
                </smtpserver>
            </smtpservers>
            """.formatted(HELLO_NAME));
        Files.writeString(home.resolve("conf/tls-policy.conf"), "* inbound=none outbound=may\n");
        rootPem = Files.writeString(home.resolve("private-root.pem"), PKI.root().certificatePem());
    }

    @Test
    void certificateFromATrustedCaForTheHelloNamePasses() throws IOException {
        installServerCertificate(TestCertificate.builder().commonName(HELLO_NAME).addSubjectAlternativeName(HELLO_NAME)
            .validity(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(365)))
            .signedBy(PKI.intermediate()).build());

        Result result = doctor("--trust", rootPem.toString());

        assertThat(result.exitCode).as(result.output).isZero();
        assertThat(result.output)
            .contains("[OK  ] file://conf/keystore.p12 (CN=mx.james.test): chains to a trusted root (issuer CN=Test Intermediate CA")
            .containsPattern("valid until \\d{4}-\\d{2}-\\d{2} \\(\\d+ days left\\)")
            .contains("covers mx.james.test (SMTP hello name of smtpserver-mx)")
            .contains("0 problem(s)");
    }

    @Test
    void certificateEndingWithinThirtyDaysIsAWarningNotAFailure() throws IOException {
        installServerCertificate(TestCertificate.builder().commonName(HELLO_NAME).addSubjectAlternativeName(HELLO_NAME)
            .validity(Instant.now().minus(Duration.ofDays(300)), Instant.now().plus(Duration.ofDays(10)).plusSeconds(60))
            .signedBy(PKI.intermediate()).build());

        Result result = doctor("--trust", rootPem.toString());

        assertThat(result.exitCode).as(result.output).isZero();
        assertThat(result.output).containsPattern("\\[WARN\\] file://conf/keystore.p12 \\(CN=mx.james.test\\): expires on \\d{4}-\\d{2}-\\d{2}: 10 days left, renew it");
    }

    @Test
    void sameCertificateWithoutTrustingItsRootFailsTheChain() throws IOException {
        installServerCertificate(PKI.server());

        Result result = doctor();

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output).contains("[FAIL] file://conf/keystore.p12 (CN=mx.james.test): does not chain to a trusted root");
    }

    @Test
    void expiredCertificateFailsWithItsEndDate() throws IOException {
        TestCertificate expired = PKI.expired(HELLO_NAME);
        installServerCertificate(expired);

        Result result = doctor("--trust", rootPem.toString());

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output).contains("[FAIL]").containsPattern("expired on \\d{4}-\\d{2}-\\d{2} \\(\\d+ days ago\\)");
        assertThat(result.output).contains("issued by a trusted CA (issuer CN=Test Intermediate CA");
    }

    @Test
    void selfSignedCertificateFailsEvenForTheRightName() throws IOException {
        installServerCertificate(PKI.selfSigned(HELLO_NAME));

        Result result = doctor("--trust", rootPem.toString());

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output)
            .contains("[FAIL] file://conf/keystore.p12 (CN=mx.james.test): self-signed: peers that verify certificates will not deliver")
            .contains("[OK  ] file://conf/keystore.p12 (CN=mx.james.test): covers mx.james.test");
    }

    @Test
    void certificateForAnotherNameFailsTheHelloAndMxNames() throws IOException {
        installServerCertificate(PKI.peer("other.james.test"));

        Result result = doctor("--trust", rootPem.toString(), "--mx-name", "mx1.example.test");

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output)
            .contains("chains to a trusted root")
            .contains("names [other.james.test, localhost] do not cover mx.james.test (SMTP hello name of smtpserver-mx)")
            .contains("do not cover mx1.example.test (MX name)");
    }

    @Test
    void revokedCertificateFailsWhenItsCrlLocationListsIt() throws IOException {
        Path crl = home.resolve("intermediate.crl");
        TestCertificate revoked = TestCertificate.builder().commonName(HELLO_NAME).addSubjectAlternativeName(HELLO_NAME)
            .crlDistributionPoint(crl.toUri().toString()).signedBy(PKI.intermediate()).build();
        Files.writeString(crl, PKI.intermediate().revocationListPem(revoked));
        installServerCertificate(revoked);

        Result result = doctor("--trust", rootPem.toString());

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output).contains("REVOKED: listed in the CRL at " + crl.toUri());
    }

    @Test
    void missingKeystoreIsReportedWithItsPath() {
        Result result = doctor();

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output).contains("keystore " + home.resolve("conf/keystore.p12") + " does not exist");
    }

    @Test
    void policyFileThatDoesNotParseFailsWithItsLine() throws IOException {
        installServerCertificate(PKI.server());
        Files.writeString(home.resolve("conf/tls-policy.conf"), "# partners\nexample.test outbound=sometimes\n");

        Result result = doctor("--trust", rootPem.toString());

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output).contains("[FAIL] tls-policy.conf: does not parse, the server will not start:").contains("2");
    }

    @Test
    void policyFileWithoutRowsFailsAsTheServerWouldNotStart() throws IOException {
        installServerCertificate(PKI.server());
        Files.writeString(home.resolve("conf/tls-policy.conf"), "# every row commented out\n#example.test inbound=require\n");

        Result result = doctor("--trust", rootPem.toString());

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output).contains("[FAIL] tls-policy.conf: has no rows (empty, or comments only), the server will"
            + " not start; to have no rules write the row 'default inbound=none outbound=may'");
    }

    @Test
    void unreachableSmarthostFailsAndOneThatTakesMailAtItsLevelPasses() throws IOException {
        installServerCertificate(PKI.server());
        try (TestSmtpPeer reachable = TestSmtpPeer.builder().identity(PKI.peer("up.example.test")).start()) {
            int closedPort;
            try (ServerSocket closed = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                closedPort = closed.getLocalPort();
            }
            Files.writeString(home.resolve("conf/tls-policy.conf"),
                "up.example.test outbound=encrypt route=[127.0.0.1]:" + reachable.port() + "\n"
                    + "down.example.test outbound=encrypt route=[127.0.0.1]:" + closedPort + "\n");

            Result result = doctor("--trust", rootPem.toString());

            assertThat(result.exitCode).isEqualTo(1);
            assertThat(result.output)
                .containsPattern("\\[OK  \\] up.example.test \\(tls-policy.conf:1\\): route 127.0.0.1:" + reachable.port()
                    + " takes mail at level encrypt \\(TLS established TLSv1.[23], verify ")
                .contains("[FAIL] down.example.test (tls-policy.conf:2): route 127.0.0.1:" + closedPort + " unreachable");
            assertThat(reachable.transactions()).isEmpty();
        }
    }

    @Test
    void jsonReportCarriesEveryFindingAndTheOverallVerdict() throws IOException {
        installServerCertificate(PKI.expired(HELLO_NAME));

        Result result = doctor("--trust", rootPem.toString(), "--json");

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output)
            .startsWith("{\n  \"ok\": false,")
            .containsPattern("\"counts\": \\{\"ok\": \\d+, \"warn\": \\d+, \"fail\": 1\\}")
            .containsPattern("\\{\"area\":\"certificate\",\"subject\":\"file://conf/keystore.p12 \\(CN=mx.james.test\\)\",\"verdict\":\"fail\",\"message\":\"expired on ");
    }

    @Test
    void cleartextOnlySmtpListenerFails() throws IOException {
        Files.writeString(home.resolve("conf/smtpserver.xml"), """
            <smtpservers><smtpserver><jmxName>plain</jmxName><bind>127.0.0.1:2525</bind></smtpserver></smtpservers>
            """);

        Result result = doctor();

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.output).contains("[FAIL] plain (smtpserver.xml, 127.0.0.1:2525): no TLS: STARTTLS is not offered");
    }

    private void installServerCertificate(TestCertificate leaf) {
        TestTls.builder().identity(leaf).build().writeKeyStorePkcs12(home.resolve("conf/keystore.p12"), "changeit");
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
