package dev.tlsprovenance.cli.checkpeer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.cli.TlsProvenanceCli;
import dev.tlsprovenance.testing.pki.TestCertificate;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.postfix.PostfixPeer;

import picocli.CommandLine;

/**
 * check-peer against a real Postfix (Debian's, on loopback) as the receiving peer: a STARTTLS Postfix with a
 * test-CA certificate passes {@code secure} and fails a row that pins another certificate; a Postfix without TLS fails
 * {@code encrypt}. Skipped without Postfix and root.
 */
@Tag("interop")
class CheckPeerPostfixTest {
    private static final TestPki PKI = TestPki.shared();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @Test
    void startTlsPostfixPassesSecureAndFailsAWrongPinAndPostfixWithoutTlsFailsEncrypt() throws Exception {
        assumeTrue(PostfixPeer.isAvailable(), PostfixPeer::unavailableReason);
        TestCertificate certificate = PKI.peer("mx.postfix.test");
        Path root = Files.writeString(home.resolve("root.pem"), PKI.root().certificatePem());
        try (PostfixPeer tls = PostfixPeer.builder().hostname("mx.postfix.test").identity(certificate).start();
             PostfixPeer plain = PostfixPeer.builder().hostname("plain.postfix.test").tlsOff().start()) {
            Files.createDirectories(home.resolve("conf"));
            Files.writeString(home.resolve("conf/tls-policy.conf"),
                "pinned.test outbound=fingerprint pins=" + PKI.peer("unrelated.postfix.test").sha256Fingerprint()
                    + " route=[" + tls.host() + "]:" + tls.port() + "\n"
                    + "plain.test outbound=encrypt route=[" + plain.host() + "]:" + plain.port() + "\n");

            JsonNode secure = json(0, "[" + tls.host() + "]:" + tls.port(), "--level", "secure", "--trust-store", root.toString());
            JsonNode pinned = json(1, "pinned.test");
            JsonNode cleartext = json(1, "plain.test");

            JsonNode hop = secure.get("hops").get(0);
            assertThat(hop.get("transport").asText()).isEqualTo("starttls");
            assertThat(hop.get("verify").asText()).isEqualTo("verified");
            assertThat(hop.get("protocol").asText()).isIn("TLSv1.2", "TLSv1.3");
            assertThat(hop.get("ehlo").toString()).contains("\"STARTTLS\"");
            assertThat(hop.get("chain").get(0).get("sha256").asText()).isEqualTo(certificate.sha256Fingerprint());
            assertThat(pinned.get("result-type").asText()).isEqualTo("pin-mismatch");
            assertThat(pinned.get("hops").get(0).get("reason").asText()).contains("got certificate sha256 " + certificate.sha256Fingerprint());
            assertThat(cleartext.get("result-type").asText()).isEqualTo("starttls-not-supported");
            assertThat(cleartext.get("hops").get(0).get("ehlo").toString()).doesNotContain("STARTTLS");
            assertThat(tls.messages()).isEmpty();
        }
    }

    private JsonNode json(int expectedExit, String destination, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("check-peer", "--home", home.toString(), "--helo", "client.james.test",
            "--json", destination));
        args.addAll(List.of(options));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TlsProvenanceCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args.toArray(new String[0]));
        assertThat(code).as(out + "\n" + err).isEqualTo(expectedExit);
        return JSON.readTree(out.toString());
    }
}
