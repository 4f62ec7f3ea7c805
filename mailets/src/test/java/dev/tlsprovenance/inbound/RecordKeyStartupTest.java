package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.guice.TlsProvenanceModule;
import dev.tlsprovenance.mail.ProvenanceAttributes;
import dev.tlsprovenance.provenance.RecordKeyFile;
import dev.tlsprovenance.provenance.RecordSeal;
import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/**
 * The record key through a real James: generated at the first start under {@code var/} with mode 0600 and used by the
 * hook; a configured key file shared by several nodes is used as it is; a bad key stops James at start-up naming the file.
 */
class RecordKeyStartupTest {
    private static final String MODULE = "dev.tlsprovenance.guice.TlsProvenanceModule";

    @TempDir
    Path shared;

    private static JamesTestServer.Builder server() {
        return JamesTestServer.builder()
            .withGuiceExtensionModule(MODULE)
            .withCoreHandlersPackage(TlsProvenanceCoreHandlers.class.getName());
    }

    @Test
    void theFirstStartGeneratesTheKeyUnderVarWithMode0600() throws Exception {
        try (JamesTestServer james = server().build().start()) {
            Path key = james.workingDirectory().resolve("var/tls-provenance/record-key");
            assertThat(key).isRegularFile();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
            assertThat(sealOfOneMail(james)).startsWith("v1:" + RecordKeyFile.load(key).currentKeyId() + ":");
        }
    }

    /** A drop-in James without the module still gets one sealing key (Guice builds the same singleton on demand). */
    @Test
    void withoutTheGuiceModuleTheHookStillSealsWithTheGeneratedKey() throws Exception {
        try (JamesTestServer james = JamesTestServer.builder().withCoreHandlersPackage(TlsProvenanceCoreHandlers.class.getName())
                .build().start()) {
            Path key = james.workingDirectory().resolve("var/tls-provenance/record-key");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
            assertThat(sealOfOneMail(james)).startsWith("v1:" + RecordKeyFile.load(key).currentKeyId() + ":");
        }
    }

    @Test
    void aConfiguredKeyFileIsUsedAndNothingIsGenerated() throws Exception {
        Path key = ownerOnlyKey("nodes.key", 32);
        String expectedId = RecordKeyFile.load(key).currentKeyId();
        System.setProperty(TlsProvenanceModule.RECORD_KEY_FILE_PROPERTY, key.toString());
        try (JamesTestServer james = server().build().start()) {
            assertThat(james.workingDirectory().resolve("var/tls-provenance/record-key")).doesNotExist();
            assertThat(sealOfOneMail(james)).startsWith("v1:" + expectedId + ":");
        } finally {
            System.clearProperty(TlsProvenanceModule.RECORD_KEY_FILE_PROPERTY);
        }
    }

    @Test
    void aGeneratedKeyWhoseModeWasOpenedStopsJamesNamingTheFile() {
        Throwable failure = server()
            .withConfFile("../var/tls-provenance/record-key", Base64.getEncoder().encodeToString(new byte[32]) + "\n")
            .build()
            .startExpectingFailure();

        assertThat(JamesTestServer.causeMessages(failure))
            .containsPattern("Record key file \\S+/var/tls-provenance/record-key: its mode is rw-r--r--, but a secret must be "
                + "readable by its owner only: chmod 600 \\S+/var/tls-provenance/record-key");
    }

    @Test
    void aConfiguredKeyThatIsTooShortOrMissingStopsJamesNamingTheFile() throws Exception {
        Path tooShort = ownerOnlyKey("short.key", 16);
        Path missing = shared.resolve("missing.key");
        try {
            System.setProperty(TlsProvenanceModule.RECORD_KEY_FILE_PROPERTY, tooShort.toString());
            assertThat(JamesTestServer.causeMessages(server().build().startExpectingFailure())).contains("Record key file " + tooShort
                + ": line 1 holds a secret of 16 bytes; at least 32 are needed (e.g. openssl rand -base64 32)");

            System.setProperty(TlsProvenanceModule.RECORD_KEY_FILE_PROPERTY, missing.toString());
            assertThat(JamesTestServer.causeMessages(server().build().startExpectingFailure()))
                .contains("Record key file " + missing + ": the file does not exist");
            assertThat(missing).as("a configured key is never generated: every node must get the same one").doesNotExist();
        } finally {
            System.clearProperty(TlsProvenanceModule.RECORD_KEY_FILE_PROPERTY);
        }
    }

    private static String sealOfOneMail(JamesTestServer james) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.test");
            client.send("a@client.test", List.of("b@james.test"), TestMessages.simple("a@client.test", "b@james.test", "key"));
        }
        DeliveredMail mail = james.awaitDeliveredMails(1).get(0);
        return ProvenanceAttributes.fieldsOf(mail.attributes().get(ProvenanceAttributes.INBOUND.asString())).get(RecordSeal.FIELD);
    }

    private Path ownerOnlyKey(String name, int bytes) throws Exception {
        Path key = shared.resolve(name);
        Files.writeString(key, Base64.getEncoder().encodeToString(new byte[bytes]) + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return key;
    }
}
