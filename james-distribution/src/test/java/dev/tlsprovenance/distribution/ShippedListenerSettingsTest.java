package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The shipped listener settings as files: requireSSL on every SMTP listener, the TLS protocol and cipher lists on
 * every TLS listener (each suite forward-secret AEAD and known to this JVM: an unknown name fails every handshake),
 * the size and recipient limits, and the systemd unit (checked by {@code systemd-analyze verify} when available).
 */
class ShippedListenerSettingsTest {
    private static final Path CONF = Path.of("../conf");
    private static final Path UNIT = Path.of("src/main/etc/james-tls-provenance.service");
    private static final Pattern FORWARD_SECRET_AEAD = Pattern.compile(
        "TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256"
            + "|(ECDHE_ECDSA|ECDHE_RSA|DHE_RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256))");
    private static final List<String> TLS13_SUITES = List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256");

    @TempDir
    Path installation;

    @Test
    void everySmtpListenerRequiresTlsForAuthAndHasTheLimits() throws Exception {
        List<Element> listeners = elements(xml("smtpserver.xml").getDocumentElement(), "smtpserver");

        assertThat(listeners).hasSize(3);
        for (Element listener : listeners) {
            String name = text(listener, "jmxName");
            assertThat(text(first(listener, "auth"), "requireSSL")).as(name).isEqualTo("true");
            assertThat(text(listener, "maxmessagesize")).as(name).isEqualTo("${sys:james.smtp.maxmessagesize:-35M}");
            List<String> maxRcpt = new ArrayList<>();
            for (Element handler : elements(first(listener, "handlerchain"), "handler")) {
                if (handler.getAttribute("class").equals("org.apache.james.smtpserver.fastfail.MaxRcptHandler")) {
                    maxRcpt.add(text(handler, "maxRcpt"));
                }
            }
            assertThat(maxRcpt).as(name).containsExactly("${sys:james.smtp.maxrcpt:-1000}");
            assertThat(first(listener, "handlerchain").getAttribute("coreHandlersPackage"))
                .isEqualTo("dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers");
        }
    }

    @Test
    void everyTlsListenerOffersTls12And13WithForwardSecretAeadSuitesThisJvmKnows() throws Exception {
        Set<String> supported = Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        List<Element> tlsElements = new ArrayList<>();
        tlsElements.addAll(elementsByTag(xml("smtpserver.xml"), "tls"));
        tlsElements.addAll(elementsByTag(xml("imapserver.xml"), "tls"));

        assertThat(tlsElements).hasSize(5);
        for (Element tls : tlsElements) {
            List<String> protocols = texts(first(tls, "supportedProtocols"), "protocol");
            List<String> suites = texts(first(tls, "supportedCipherSuites"), "cipherSuite");
            assertThat(protocols).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
            assertThat(suites).containsAll(TLS13_SUITES).doesNotHaveDuplicates()
                .allMatch(suite -> FORWARD_SECRET_AEAD.matcher(suite).matches(), "forward-secret AEAD")
                .allMatch(supported::contains, "known to this JVM")
                .contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        }
    }

    @Test
    void systemdUnitRunsTheLauncherAsADedicatedUserRestartingOnFailure() throws Exception {
        String unit = Files.readString(UNIT);

        assertThat(unit.lines()).contains("User=james", "Group=james", "Restart=on-failure",
            "AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
            "WorkingDirectory=/opt/james-tls-provenance", "ExecStart=/opt/james-tls-provenance/bin/james-server",
            "RestartPreventExitStatus=2", "WantedBy=multi-user.target");
        assertThat(Files.readString(Path.of("src/main/bin/james-server")))
            .contains("-XX:+ExitOnOutOfMemoryError").contains("-Djdk.tls.rejectClientInitiatedRenegotiation=true");
    }

    @Test
    void systemdAcceptsTheUnit() throws Exception {
        // Skipped on a developer machine without systemd; in CI (.ci/run installs it) a missing tool fails the test.
        Assumptions.assumeTrue(onPath("systemd-analyze") || "true".equals(System.getenv("CI")), "systemd-analyze not installed");
        Path bin = Files.createDirectories(installation.resolve("bin"));
        Files.copy(Path.of("src/main/bin/james-server"), bin.resolve("james-server"));
        bin.resolve("james-server").toFile().setExecutable(true);
        Path unit = installation.resolve("james-tls-provenance.service");
        Files.writeString(unit, Files.readString(UNIT).replace("/opt/james-tls-provenance", installation.toString()));

        Process verify = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(verify.getInputStream().readAllBytes());

        assertThat(verify.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("james-tls-provenance.service:");
    }

    private static boolean onPath(String command) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(directory, command))) {
                return true;
            }
        }
        return false;
    }

    private static Document xml(String file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(CONF.resolve(file).toFile());
    }

    private static List<Element> elementsByTag(Document document, String tag) {
        NodeList nodes = document.getElementsByTagName(tag);
        List<Element> result = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            result.add((Element) nodes.item(i));
        }
        return result;
    }

    private static List<Element> elements(Element parent, String tag) {
        List<Element> result = new ArrayList<>();
        for (org.w3c.dom.Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element && ((Element) child).getTagName().equals(tag)) {
                result.add((Element) child);
            }
        }
        return result;
    }

    private static Element first(Element parent, String tag) {
        List<Element> found = elements(parent, tag);
        assertThat(found).as("<%s> in <%s>", tag, parent.getTagName()).isNotEmpty();
        return found.get(0);
    }

    private static String text(Element parent, String tag) {
        return first(parent, tag).getTextContent().trim();
    }

    private static List<String> texts(Element parent, String tag) {
        List<String> result = new ArrayList<>();
        elements(parent, tag).forEach(element -> result.add(element.getTextContent().trim()));
        return result;
    }
}
