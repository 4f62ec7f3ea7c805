package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

import dev.tlsprovenance.provenance.ProvenanceHeaderCodec;
import dev.tlsprovenance.provenance.RecordKeyFile;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.provenance.VerificationStatus;
import dev.tlsprovenance.testing.pki.TestPki;

import javax.mail.MessagingException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged distribution, started as a separate process the way the README says: a domain and a user are created
 * through WebAdmin, one message is sent over STARTTLS and one in cleartext, and both are read back over IMAPS.
 */
class DistributionIT {
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "correct-horse";

    @TempDir
    static Path directory;
    static DistributionProcess server;
    static MailClients clients;
    static List<String> inbox;

    @BeforeAll
    static void startAndExchangeMail() throws Exception {
        server = DistributionProcess.installInto(directory).start().awaitStarted();
        clients = new MailClients(server);
        clients.createDomainAndUser("example.test", USER, PASSWORD);
        clients.send(true, "sender@partner.test", USER, "over-starttls", "sent with STARTTLS");
        clients.send(false, "sender@partner.test", USER, "in-cleartext", "sent without TLS");
        clients.send(true, TestPki.shared().clientTls("relay.partner.test").keyManager().orElseThrow(),
            "sender@partner.test", USER, "with-client-certificate", "sent with STARTTLS and a client certificate");
        await().atMost(Duration.ofSeconds(30))
            // a delivery landing between SELECT and FETCH fails that read ("Invalid messageset"): poll again
            .ignoreExceptionsInstanceOf(MessagingException.class).untilAsserted(() ->
            assertThat(inbox = clients.readInboxHeaders(USER, PASSWORD)).hasSize(3));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void bothMessagesAreDeliveredToTheMailboxAndReadOverImaps() {
        assertThat(message("over-starttls")).contains("Subject: over-starttls");
        assertThat(message("in-cleartext")).contains("Subject: in-cleartext");
        // by = the configured hello name (james.hostname)
        assertThat(message("over-starttls"))
            .contains("Received: from localhost (EHLO client.example.test) ([127.0.0.1])")
            .containsPattern("by localhost \\(JAMES SMTP Server ?\\) with ESMTPS? ID");
    }

    @Test
    void generatesASelfSignedCertificateOnFirstStartAndSaysSo() {
        assertThat(server.home().resolve("conf/keystore.p12")).exists();
        assertThat(server.console()).contains("generated a SELF-SIGNED certificate for 'localhost'");
    }

    /** The key that seals inbound records: generated at the first start, owner-only, never in conf/. */
    @Test
    void generatesTheRecordKeyUnderVarWithMode0600OnFirstStart() throws Exception {
        Path key = server.home().resolve("var/tls-provenance/record-key");
        assertThat(key).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent()))).isEqualTo("rwx------");
        String keyId = RecordKeyFile.load(key).currentKeyId();
        assertThat(Files.readString(server.home().resolve("var/log/james.log")))
            .contains("Inbound TLS records are sealed with key " + keyId + " from " + key);
    }

    @Test
    void logsToTheConsoleAndToVarLog() throws Exception {
        assertThat(server.console()).contains("JAMES server started");
        assertThat(java.nio.file.Files.readString(server.home().resolve("var/log/james.log")))
            .contains("JAMES server started")
            .contains("Loading custom classpath resource " + server.home().resolve("extensions-jars"));
    }

    @Test
    void theExtensionShipsInExtensionsJarsOnly() throws Exception {
        assertThat(server.home().resolve("extensions-jars")).isDirectoryContaining("glob:**/tls-provenance-mailets-*.jar");
        assertThat(server.home().resolve("lib")).isDirectoryNotContaining("glob:**/tls-provenance-mailets-*.jar");
    }

    /** The jar must drop into any James 3.8 without bringing a second James, javax.mail, Guice or BouncyCastle. */
    @Test
    void theExtensionJarHoldsOnlyOurClasses() throws Exception {
        java.util.List<String> foreign = new java.util.ArrayList<>();
        int ours = 0;
        try (var jars = java.nio.file.Files.list(server.home().resolve("extensions-jars"))) {
            for (Path jar : jars.toList()) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    for (var entries = zip.entries(); entries.hasMoreElements(); ) {
                        String name = entries.nextElement().getName();
                        if (name.startsWith("dev/tlsprovenance/")) {
                            ours++;
                        } else if (!name.startsWith("META-INF/") && !name.equals("dev/")) {
                            foreign.add(name);
                        }
                    }
                }
            }
        }
        assertThat(foreign).as("entries outside dev/tlsprovenance/ and META-INF/").isEmpty();
        assertThat(ours).isGreaterThan(50);
    }

    /** The extension, loaded by James from extensions-jars/, stamps each hop with what TLS it used. */
    @Test
    void receivedLineAndProvenanceHeaderTellTlsFromCleartext() throws Exception {
        assertThat(extensionProvides("dev/tlsprovenance/headers/AddTlsProvenanceHeaders.class")).isTrue();
        assertThat(message("over-starttls"))
            .containsPattern("Received: from localhost \\(EHLO client\\.example\\.test\\) \\(\\[127\\.0\\.0\\.1\\]\\)\\s+"
                + "\\(using TLSv1\\.[23] with cipher TLS_\\w+ \\(\\d+/\\d+ bits\\)\\)\\s+"
                + "by localhost \\(JAMES SMTP Server ?\\) with ESMTPS ID \\w+\\s+"
                + "for <alice@example\\.test>\\s+"
                + "tls TLS_\\w+;")
            .containsPattern("X-TLS-Provenance: v=1; dir=inbound; transport=starttls; protocol=TLSv1\\.[23];\\s+cipher=TLS_\\w+;");
        assertThat(provenance("over-starttls").transport()).isEqualTo(Transport.STARTTLS);
        assertThat(provenance("over-starttls").heloName()).contains("client.example.test");
        assertThat(provenance("in-cleartext").transport()).isEqualTo(Transport.CLEARTEXT);
        assertThat(message("in-cleartext"))
            .containsPattern("Received: from localhost \\(EHLO client\\.example\\.test\\) \\(\\[127\\.0\\.0\\.1\\]\\)\\s+"
                + "by localhost \\(JAMES SMTP Server ?\\) with ESMTP ID \\w+")
            .doesNotContain("using TLS")
            .containsPattern("X-TLS-Provenance: v=1; dir=inbound; transport=cleartext;");
    }

    /** Port 25 asks for a client certificate without demanding one (wantClientAuth, this distribution's SMTP server). */
    @Test
    void clientCertificatePresentedOnPort25IsRecordedAsNotCheckedByTheListener() throws Exception {
        assertThat(message("with-client-certificate"))
            .containsPattern("\\(client certificate subject \"CN=relay\\.partner\\.test[^\"]*\" issuer \"CN=Test Intermediate CA[^\"]*\" presented, not checked by the listener\\)")
            .doesNotContain("verified no");
        TlsProvenance hop = provenance("with-client-certificate");
        assertThat(hop.peerCertificate()).hasValueSatisfying(certificate -> assertThat(certificate.subject()).startsWith("CN=relay.partner.test"));
        assertThat(hop.peerVerification().status()).isEqualTo(VerificationStatus.NOT_CHECKED);
        assertThat(provenance("over-starttls").peerVerification().status()).isEqualTo(VerificationStatus.NOT_PRESENTED);
    }

    @Test
    void probeSendsOverSubmissionWithStartTlsAndAuthAndVerifiesTheMessageItFetchesOverImaps() throws Exception {
        DistributionProcess.CommandResult probe = server.tlsProvenance("probe",
            "--smtp-host", "localhost", "--smtp-port", String.valueOf(server.port("submission")), "--smtp-security", "starttls",
            "--smtp-user", USER, "--smtp-password", PASSWORD, "--from", USER, "--to", USER,
            "--imap-host", "localhost", "--imap-port", String.valueOf(server.port("imaps")), "--imap-security", "imaps",
            "--imap-user", USER, "--imap-password", PASSWORD,
            "--trust-store", server.home().resolve("conf/keystore.p12").toString(), "--trust-store-password", "changeit",
            "--own-host", "localhost", "--timeout", "60");

        assertThat(probe.exitCode()).as(probe.output()).isZero();
        assertThat(probe.output()).contains("tls-all-the-way");
    }

    @Test
    void doctorSeesTheSelfSignedCertificateAndTheRunningStartTls() throws Exception {
        DistributionProcess.CommandResult doctor = server.tlsProvenance("doctor", "--probe", "--offline");

        assertThat(doctor.exitCode()).as(doctor.output()).isEqualTo(1);
        assertThat(doctor.output())
            .contains("[FAIL] file://conf/keystore.p12 (CN=localhost,O=James TLS Provenance (self-signed)): self-signed")
            .contains("[OK  ] smtpserver-mx (smtpserver.xml, 127.0.0.1:" + server.port("smtp") + "): running: EHLO lists STARTTLS");
    }

    private static boolean extensionProvides(String classFile) throws Exception {
        try (var jars = java.nio.file.Files.list(server.home().resolve("extensions-jars"))) {
            for (Path jar : jars.toList()) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    if (zip.getEntry(classFile) != null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Our header, unfolded (RFC 5322: CRLF + whitespace is a fold) and decoded. */
    private static TlsProvenance provenance(String subject) throws Exception {
        Matcher header = Pattern.compile("^X-TLS-Provenance: (.*(?:\\r\\n[ \\t].*)*)", Pattern.MULTILINE).matcher(message(subject));
        assertThat(header.find()).as("X-TLS-Provenance header of " + subject).isTrue();
        return ProvenanceHeaderCodec.parse(header.group(1).replaceAll("\\r\\n(?=[ \\t])", ""));
    }

    private static String message(String subject) {
        return inbox.stream().filter(headers -> headers.contains("Subject: " + subject)).findFirst()
            .orElseThrow(() -> new AssertionError("no message with subject " + subject + " in " + inbox));
    }
}
