package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.dane.TlsaRecord;
import dev.tlsprovenance.testing.dns.TestDnsNamespace;
import dev.tlsprovenance.testing.dns.TestDnssecServer;
import dev.tlsprovenance.testing.dns.TestZone;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;

/**
 * {@code bin/tls-provenance check-peer} and {@code doctor} of the packaged distribution, as processes: against the
 * packaged server itself (its first-start self-signed certificate), and against a loopback peer whose name and TLSA
 * record come from the in-JVM DNSSEC test server (so the shipped dnsjava validates).
 */
class CheckPeerIT {
    private static final String HOSTNAME = "mx.checkpeer.test";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path directory;
    static DistributionProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = DistributionProcess.installInto(directory).withJavaOption("-Djames.hostname=" + HOSTNAME);
        // DANE off in this copy, for the server and therefore for check-peer (which reads the same conf/dane.properties):
        // the shipped file asks the machine's resolver, and no test may (no network beyond loopback). The DANE case
        // below names the test DNSSEC server with --resolver.
        Path mailets = server.home().resolve("conf/mailetcontainer.xml");
        String shipped = Files.readString(mailets);
        // MTA-STS takes its TXT lookups through DANE's resolver, so it goes off with DANE (the server refuses one without the other)
        String daneOff = shipped.replace("<dane>file://conf/dane.properties</dane>", "<dane>none</dane>")
            .replace("<mtaSts>file://conf/mta-sts.properties</mtaSts>", "<mtaSts>none</mtaSts>");
        assertThat(daneOff).as("the shipped mailetcontainer.xml names conf/dane.properties")
            .doesNotContain("file://conf/dane.properties").doesNotContain("file://conf/mta-sts.properties");
        Files.writeString(mailets, daneOff);
        Files.delete(server.home().resolve("conf/dane.properties"));
        Files.writeString(server.home().resolve("conf/tls-policy.conf"), "* inbound=none outbound=may\n"
            + "self.checkpeer.test outbound=verify route=[localhost]:" + server.port("smtp") + "\n");
        server.start().awaitAcceptingSmtp();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theServersOwnSelfSignedSmtpTakesMailAtEncryptButNotAtItsRowsVerifyNorAtSecure() throws Exception {
        DistributionProcess.CommandResult encrypt = server.tlsProvenance("check-peer", "[localhost]:" + server.port("smtp"),
            "--level", "encrypt", "--json");
        DistributionProcess.CommandResult byRow = server.tlsProvenance("check-peer", "[localhost]:" + server.port("smtp"),
            "--json");
        DistributionProcess.CommandResult secure = server.tlsProvenance("check-peer", "[127.0.0.1]:" + server.port("smtp"),
            "--json");

        assertThat(encrypt.exitCode()).as(encrypt.output()).isZero();
        JsonNode hop = JSON.readTree(encrypt.output()).get("hops").get(0);
        assertThat(hop.get("transport").asText()).isEqualTo("starttls");
        assertThat(hop.get("chain").get(0).get("subject").asText()).contains("self-signed");
        assertThat(hop.get("chain").get(0).get("spki-sha256").asText()).isEqualTo(spkiSha256(serverCertificate()));
        assertThat(byRow.exitCode()).as(byRow.output()).isEqualTo(1);
        JsonNode routed = JSON.readTree(byRow.output());
        assertThat(routed.get("row").asText()).isEqualTo("tls-policy.conf:2");
        assertThat(routed.get("level").asText()).isEqualTo("verify");
        assertThat(routed.get("level-source").asText()).isEqualTo("row");
        assertThat(routed.get("result-type").asText()).isEqualTo("certificate-not-trusted");
        assertThat(secure.exitCode()).as(secure.output()).isEqualTo(1);
        JsonNode refused = JSON.readTree(secure.output());
        assertThat(refused.get("level").asText()).isEqualTo("secure");
        assertThat(refused.get("level-source").asText()).isEqualTo("check-peer-default");
        assertThat(refused.get("result-type").asText()).isEqualTo("certificate-not-trusted");
    }

    @Test
    void doctorFailsTheRouteToASelfSignedServerAndPrintsTheTlsaRecordOfItsCertificate() throws Exception {
        DistributionProcess.CommandResult doctor = server.tlsProvenance("doctor", "--domain", "checkpeer.test");

        assertThat(doctor.exitCode()).as(doctor.output()).isEqualTo(1);
        assertThat(doctor.output()).contains("[FAIL] self.checkpeer.test (tls-policy.conf:2): route localhost:" + server.port("smtp")
            + " fails level verify [certificate-not-trusted]: self-signed certificate not trusted");
        Matcher tlsa = Pattern.compile("_25\\._tcp\\.(\\S+)\\. IN TLSA (3 1 1 [0-9a-f]{64})\n").matcher(doctor.output());
        assertThat(tlsa.find()).as(doctor.output()).isTrue();
        assertThat(tlsa.group(1)).isEqualTo(HOSTNAME);
        assertThat(tlsa.group(2)).isEqualTo("3 1 1 " + spkiSha256(serverCertificate()));
        assertThat(doctor.output()).contains("_smtp._tls.checkpeer.test. IN TXT \"v=TLSRPTv1; rua=mailto:tls-reports@checkpeer.test\"")
            .contains("    mx: " + HOSTNAME + "\n");
    }

    @Test
    void daneOnlyAgainstAPeerWhoseTlsaComesFromTheDnssecTestServer() throws Exception {
        TestCertificate certificate = TestPki.shared().selfSigned("dane.peers.test");
        try (TestSmtpPeer peer = TestSmtpPeer.builder().identity(certificate).start()) {
            TestDnsNamespace namespace = TestDnsNamespace.builder().zone(TestZone.signed("test"))
                .zone(TestZone.signed("peers.test").record("dane", 300, "A", "127.0.0.1")
                    .record("_" + peer.port() + "._tcp.dane", 300, "TLSA",
                        TlsaRecord.forCertificate(3, 1, 1, certificate.certificate()).presentation()))
                .build();
            try (TestDnssecServer dns = TestDnssecServer.start(namespace)) {
                Path anchors = Files.writeString(server.home().resolve("var/anchors.txt"), namespace.trustAnchor());

                DistributionProcess.CommandResult result = server.tlsProvenance("check-peer", "[dane.peers.test]:" + peer.port(),
                    "--level", "dane-only", "--resolver", "127.0.0.1:" + dns.address().getPort(), "--trust-anchors", anchors.toString());

                assertThat(result.exitCode()).as(result.output()).isZero();
                assertThat(result.output())
                    .contains("TLSA _" + peer.port() + "._tcp.dane.peers.test: secure records")
                    .contains("DANE: authenticated: leaf matches DANE-EE 3 1 1")
                    .contains("Result: delivery at level dane-only would succeed");
                assertThat(peer.transactions()).isEmpty();
            }
        }
    }

    private static X509Certificate serverCertificate() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(server.home().resolve("conf/keystore.p12"))) {
            store.load(in, "changeit".toCharArray());
        }
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                return (X509Certificate) store.getCertificate(alias);
            }
        }
        throw new AssertionError("no key in conf/keystore.p12");
    }

    private static String spkiSha256(X509Certificate certificate) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded()));
    }
}
