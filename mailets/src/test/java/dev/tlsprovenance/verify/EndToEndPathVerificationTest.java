package dev.tlsprovenance.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.postfix.PostfixPeer;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/**
 * The whole path, with real servers: a client submits to our James 3.8.1 (TLS-aware Received line and
 * X-TLS-Provenance stamp), James relays out with TlsPolicyRemoteDelivery over STARTTLS to a real Postfix
 * (Debian package), Postfix delivers to a Maildir, and the verifier reads the delivered message hop by hop.
 * Run with {@code mvn -Pinterop}; skipped where Postfix cannot run.
 */
@Tag("interop")
class EndToEndPathVerificationTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String POSTFIX_HOST = "mx.postfix.test";
    private static final String RELAY_HOST = "mx.relay.test";
    private static final String SENDER = "alice@sender.test";
    private static final String RECIPIENT = "bob@partner.test";
    private static final PostfixPeer POSTFIX = startPostfix();

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withCoreHandlersPackage(TlsProvenanceCoreHandlers.class.getName())
        .withConfFile("tls-policy.conf", policyFile())
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.headers.AddTlsProvenanceHeaders\"/>\n"
            + "<mailet match=\"All\" class=\"dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery\">\n"
            + "  <delays>200ms</delays>\n"
            + "  <maxRetries>2</maxRetries>\n"
            + "  <heloName>" + TestPki.SERVER_HOST + "</heloName>\n"
            + "  <connectionTimeout>5s</connectionTimeout>\n"
            + "  <readTimeout>10s</readTimeout>\n"
            + "</mailet>\n")
        .build();

    private static PostfixPeer startPostfix() {
        if (!PostfixPeer.isAvailable()) {
            return null;
        }
        try {
            return PostfixPeer.builder().hostname(POSTFIX_HOST).domain("partner.test").identity(PKI.peer(POSTFIX_HOST)).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String policyFile() {
        if (POSTFIX == null) {
            return "default outbound=may\n";
        }
        try {
            Path ca = Files.createTempFile("e2e-ca", ".pem");
            ca.toFile().deleteOnExit();
            Files.writeString(ca, PKI.root().certificatePem(), StandardCharsets.US_ASCII);
            return "partner.test  outbound=verify  ca=" + ca + "  route=[localhost]:" + POSTFIX.port() + "\n"
                + "default       outbound=may\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A second Postfix in front of James, relaying everything to it over STARTTLS (started once James listens). */
    private static PostfixPeer relay;

    @BeforeAll
    static void startRelayInFrontOfJames() throws IOException {
        if (POSTFIX != null) {
            relay = PostfixPeer.builder().hostname(RELAY_HOST).domain("relay.invalid").identity(PKI.peer(RELAY_HOST))
                .relayTo("127.0.0.1", james.smtpPort()).start();
        }
    }

    @AfterAll
    static void stopPostfix() {
        if (relay != null) {
            relay.close();
        }
        if (POSTFIX != null) {
            POSTFIX.close();
        }
    }

    @BeforeEach
    void needsPostfix() {
        assumeTrue(POSTFIX != null, PostfixPeer.unavailableReason());
    }

    private static MessageReport deliverAndVerify(boolean starttls, String subject, int expectedMessages) throws IOException {
        return deliverAndVerify(james.smtpPort(), starttls, subject, expectedMessages);
    }

    private static MessageReport deliverAndVerify(int firstPort, boolean starttls, String subject, int expectedMessages) throws IOException {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", firstPort)) {
            client.ehlo("client.test");
            if (starttls) {
                assertThat(client.startTls(PKI.trustingRoot()).code()).isEqualTo(220);
                client.ehlo("client.test");
            }
            assertThat(client.send(SENDER, List.of(RECIPIENT), TestMessages.simple(SENDER, RECIPIENT, subject)).code()).isEqualTo(250);
            client.quit();
        }
        List<String> messages = POSTFIX.awaitMessages(expectedMessages);
        String delivered = messages.stream().filter(m -> m.contains("Subject: " + subject)).findFirst()
            .orElseThrow(() -> new AssertionError("not delivered: " + subject + "\n" + POSTFIX.log()));
        // Kept for inspection (and the corpus): what the verifier read.
        Path keep = Files.createDirectories(Path.of("target", "e2e-messages"));
        Files.writeString(keep.resolve(subject.replace(' ', '-') + ".eml"), delivered, StandardCharsets.UTF_8);
        TrustBoundary ours = TrustBoundary.builder().trustHost(POSTFIX_HOST).trustHost(TestPki.SERVER_HOST).trustHost(RELAY_HOST).build();
        return new TraceAnalyzer(ours).analyze(HeaderBlock.parse(delivered));
    }

    @Test
    void tlsIntoJamesAndOutToPostfixIsTlsAllTheWay() throws Exception {
        MessageReport report = deliverAndVerify(true, "end to end over TLS", 1);

        assertThat(report.hops()).as(report.hops().toString()).hasSize(2);
        Hop intoJames = report.hops().get(0);
        Hop intoPostfix = report.hops().get(1);
        assertThat(intoJames.byHost()).contains(TestPki.SERVER_HOST);
        assertThat(intoJames.family()).isEqualTo(MtaFamily.TLS_PROVENANCE);
        assertThat(intoJames.source()).isEqualTo(HopSource.PROVENANCE);
        assertThat(intoJames.tls()).isEqualTo(TlsStatus.YES);
        assertThat(intoJames.protocol()).contains("TLSv1.3");
        assertThat(intoJames.clientCertificate()).isEqualTo(CertificateClaim.NOT_PRESENTED);
        assertThat(intoPostfix.byHost()).contains(POSTFIX_HOST);
        assertThat(intoPostfix.family()).isEqualTo(MtaFamily.POSTFIX);
        assertThat(intoPostfix.tls()).isEqualTo(TlsStatus.YES);
        assertThat(intoPostfix.protocol()).isPresent();
        assertThat(intoPostfix.cipherIana()).isPresent();
        assertThat(intoPostfix.bits()).isGreaterThanOrEqualTo(128);
        assertThat(intoPostfix.fromHost()).contains(TestPki.SERVER_HOST);
        assertThat(report.hops()).allMatch(Hop::trusted);
        assertThat(report.verdict()).isEqualTo(Verdict.TLS_ALL_THE_WAY);
    }

    @Test
    void throughARealPostfixIntoJamesOverStarttlsAndOutAgainIsVerifiedHopByHop() throws Exception {
        MessageReport report = deliverAndVerify(relay.port(), true, "through postfix into james and out", POSTFIX.messages().size() + 1);

        assertThat(report.hops()).as(report.hops().toString()).hasSize(3);
        assertThat(report.hops()).extracting(h -> h.byHost().orElse("?"))
            .containsExactly(RELAY_HOST, TestPki.SERVER_HOST, POSTFIX_HOST);
        assertThat(report.hops()).extracting(Hop::family)
            .containsExactly(MtaFamily.POSTFIX, MtaFamily.TLS_PROVENANCE, MtaFamily.POSTFIX);
        assertThat(report.hops()).extracting(Hop::tls).containsOnly(TlsStatus.YES);
        assertThat(report.hops()).extracting(Hop::source)
            .containsExactly(HopSource.RECEIVED, HopSource.PROVENANCE, HopSource.RECEIVED);
        assertThat(report.hops().get(1).fromHost()).as("James names the relay by its address's host name").isPresent();
        assertThat(report.hops()).allSatisfy(h -> assertThat(h.protocol()).isPresent());
        assertThat(report.verdict()).isEqualTo(Verdict.TLS_ALL_THE_WAY);

        MessageReport segment = new TraceAnalyzer(TrustBoundary.everything(), HopSegment.between(RELAY_HOST, POSTFIX_HOST))
            .analyze(HeaderBlock.parse(Files.readString(Path.of("target", "e2e-messages", "through-postfix-into-james-and-out.eml"))));
        assertThat(segment.verdict()).isEqualTo(Verdict.TLS_ALL_THE_WAY);
    }

    @Test
    void aCleartextSubmissionIsNamedByOurStampAlthoughJamesReceivedLineCannotSay() throws Exception {
        MessageReport report = deliverAndVerify(false, "end to end with a cleartext first hop", POSTFIX.messages().size() + 1);

        Hop intoJames = report.hops().get(0);
        assertThat(intoJames.source()).isEqualTo(HopSource.PROVENANCE);
        assertThat(intoJames.tls()).isEqualTo(TlsStatus.NO);
        assertThat(report.hops().get(1).tls()).isEqualTo(TlsStatus.YES);
        assertThat(report.verdict()).isEqualTo(Verdict.CLEARTEXT_HOP);
        assertThat(report.note()).isEqualTo("hop 0 (localhost -> " + TestPki.SERVER_HOST + ") was cleartext");
    }
}
