package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.testing.peer.ReceivedTransaction;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;

/**
 * The opposite direction, in the packaged server: mail leaves under the TLS policy table. A namespace at
 * {@code secure} (private CA, name checked) is delivered over verified TLS; a namespace at {@code encrypt} whose
 * next hop withholds STARTTLS never gets a message byte in cleartext. Both attempts are in the JSON-lines ledger.
 */
class OutboundIT {
    private static final TestPki PKI = TestPki.shared();

    @TempDir
    static Path directory;
    static DistributionProcess server;
    static TestSmtpPeer partner;
    static TestSmtpPeer stripping;

    @BeforeAll
    static void start() throws Exception {
        partner = TestSmtpPeer.builder().serverName("mx.partner.test").identity(PKI.peer("mx.partner.test")).start();
        stripping = TestSmtpPeer.builder().serverName("mx.stripped.test").withholdStartTls().start();
        server = DistributionProcess.installInto(directory);
        Path conf = server.home().resolve("conf");
        Files.writeString(conf.resolve("partner-ca.pem"), PKI.root().certificatePem());
        Files.writeString(conf.resolve("tls-policy.conf"), Files.readString(conf.resolve("tls-policy.conf"))
            + "\npartner.test   outbound=secure   match=mx.partner.test  ca=partner-ca.pem  route=[127.0.0.1]:" + partner.port()
            + "\nstripped.test  outbound=encrypt  route=[127.0.0.1]:" + stripping.port() + "\n");
        server.start().awaitStarted();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (partner != null) {
            partner.close();
        }
        if (stripping != null) {
            stripping.close();
        }
    }

    @Test
    void secureNamespaceIsDeliveredOverVerifiedTls() throws Exception {
        new MailClients(server).send(false, "alice@example.test", "bob@partner.test", "to-partner", "over verified TLS");

        List<ReceivedTransaction> received = partner.awaitTransactions(1);

        assertThat(received.get(0).overTls()).isTrue();
        assertThat(received.get(0).protocol()).hasValueSatisfying(protocol -> assertThat(protocol).startsWith("TLSv1."));
        assertThat(received.get(0).recipients()).containsExactly("bob@partner.test");
        assertThat(received.get(0).data()).contains("Subject: to-partner");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ledger()).containsPattern(
            "\"transport\":\"starttls\",\"protocol\":\"TLSv1\\.[23]\".*\"verify\":\"verified\".*\"peer-subject\":\"CN=mx.partner.test\""
                + ".*\"domain\":\"partner.test\".*\"level\":\"secure\",\"outcome\":\"250 "));
    }

    @Test
    void encryptNamespaceWhoseNextHopWithholdsStartTlsGetsNoCleartextByte() throws Exception {
        new MailClients(server).send(false, "alice@example.test", "carol@stripped.test", "to-stripped", "must not leak");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(stripping.connectionCount()).isPositive());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ledger()).containsPattern(
            "\"domain\":\"stripped.test\".*\"level\":\"encrypt\",\"outcome\":\"4.7.10 server did not offer STARTTLS\""));
        assertThat(stripping.acceptedTransactions()).isEmpty();
        assertThat(stripping.cleartextMessageBytes()).isZero();
    }

    private static String ledger() throws Exception {
        Path ledger = server.home().resolve("var/tls-ledger/outbound.jsonl");
        return Files.exists(ledger) ? Files.readString(ledger) : "";
    }
}
