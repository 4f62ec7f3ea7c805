package dev.tlsprovenance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;

import org.apache.james.modules.protocols.IMAPServerModule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.ports.ListenerPorts;
import picocli.CommandLine;

/**
 * {@code tls-provenance probe} against a real James 3.8.1 with SMTP (STARTTLS) and IMAP (STARTTLS and IMAPS):
 * the probe is sent, delivered to a mailbox, found again by its tag over IMAP, verified and deleted.
 */
class ProbeEndToEndTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String USER = "bob@" + JamesTestServer.LOCAL_DOMAIN;
    private static final int IMAP_PORT = ListenerPorts.unused();
    private static final int IMAPS_PORT = ListenerPorts.unused();

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withCoreHandlersPackage(TlsProvenanceCoreHandlers.class.getName())
        .withOverrides(new IMAPServerModule())
        .withConfFile("imapserver.xml", imapServers())
        .withMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.headers.AddTlsProvenanceHeaders\"/>\n"
            + "<mailet match=\"RecipientIsLocal\" class=\"LocalDelivery\"/>\n")
        .build();

    @TempDir
    static Path dir;
    private static Path trustStore;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void userAndTrustStore() throws Exception {
        james.addUser(USER, "secret");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("test-root", PKI.root().certificate());
        trustStore = dir.resolve("trust.p12");
        try (OutputStream file = Files.newOutputStream(trustStore)) {
            store.store(file, "trust".toCharArray());
        }
    }

    private static String imapServers() {
        return "<?xml version=\"1.0\"?>\n<imapservers>\n"
            + imapServer("imapserver-e2e", IMAP_PORT, "socketTLS=\"false\" startTLS=\"true\"")
            + imapServer("imapserver-e2e-ssl", IMAPS_PORT, "socketTLS=\"true\" startTLS=\"false\"")
            + "</imapservers>\n";
    }

    private static String imapServer(String jmxName, int port, String tlsMode) {
        return "  <imapserver enabled=\"true\">\n"
            + "    <jmxName>" + jmxName + "</jmxName>\n"
            + "    <bind>127.0.0.1:" + port + "</bind>\n"
            + "    <connectionBacklog>200</connectionBacklog>\n"
            + "    <tls " + tlsMode + ">\n"
            + "      <keystore>file://conf/keystore.p12</keystore>\n"
            + "      <keystoreType>PKCS12</keystoreType>\n"
            + "      <secret>changeit</secret>\n"
            + "    </tls>\n"
            + "    <connectionLimit>0</connectionLimit>\n"
            + "    <connectionLimitPerIP>0</connectionLimitPerIP>\n"
            + "    <plainAuthDisallowed>true</plainAuthDisallowed>\n"
            + "    <gracefulShutdown>false</gracefulShutdown>\n"
            + "  </imapserver>\n";
    }

    private int probe(String imapSecurity, int imapPort, String... extra) {
        return probe(USER, 60, imapSecurity, imapPort, extra);
    }

    private int probe(String to, int timeoutSeconds, String imapSecurity, int imapPort, String... extra) {
        CommandLine cli = new CommandLine(new ProbeCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] base = {"--smtp-host", "localhost", "--smtp-port", Integer.toString(james.smtpPort()),
            "--from", "probe@sender.test", "--to", to,
            "--imap-host", "localhost", "--imap-port", Integer.toString(imapPort), "--imap-security", imapSecurity,
            "--imap-user", USER, "--imap-password", "secret",
            "--trust-store", trustStore.toString(), "--trust-store-password", "trust",
            "--own-host", TestPki.SERVER_HOST, "--timeout", Integer.toString(timeoutSeconds)};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return cli.execute(args);
    }

    @Test
    void aProbeSentOverStarttlsAndFetchedOverImapStarttlsIsTlsAllTheWay() {
        int exit = probe("starttls", IMAP_PORT);

        assertThat(exit).as(out + "\n" + err).isZero();
        assertThat(out.toString())
            .containsPattern("Sent probe tls-probe-[0-9a-f-]{36} through localhost:" + james.smtpPort() + " \\(starttls\\)")
            .containsPattern("(?m)^  0\\s+localhost\\s+" + TestPki.SERVER_HOST + "\\s+\\S+\\s+yes\\s+TLSv1.3\\s+TLS_\\S+\\s+(128|256)\\s+not-presented\\s+yes\\s+provenance$")
            .contains("verdict: tls-all-the-way");
    }

    @Test
    void overImapsAsJsonWithAndWithoutKeep() {
        int first = probe("imaps", IMAPS_PORT, "--json", "--keep");
        String json = out.toString();
        out.getBuffer().setLength(0);
        int second = probe("imaps", IMAPS_PORT);

        assertThat(first).as(json + "\n" + err).isZero();
        assertThat(json.trim()).startsWith("{\"messages\":[{\"messageId\":").contains("\"source\":\"provenance\"")
            .endsWith("\"verdict\":\"tls-all-the-way\",\"note\":\"\"}]}");
        assertThat(second).as(out + "\n" + err).isZero();
    }

    @Test
    void aProbeThatNeverArrivesExitsFour() {
        int exit = probe("nobody@" + JamesTestServer.LOCAL_DOMAIN, 2, "starttls", IMAP_PORT);

        assertThat(exit).isEqualTo(4);
        assertThat(err.toString()).contains("did not arrive in " + USER + "@localhost/INBOX within 2 s");
    }
}
