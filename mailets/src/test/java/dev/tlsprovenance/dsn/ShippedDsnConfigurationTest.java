package dev.tlsprovenance.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The shipped conf/mailetcontainer.xml: no Null, every DSN from Rfc3464Bounce with our host name, loops kept. */
class ShippedDsnConfigurationTest {
    private static final String BOUNCE = "dev.tlsprovenance.dsn.Rfc3464Bounce";

    private static Document container() throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("..", "conf", "mailetcontainer.xml").toFile());
    }

    private static List<Element> mailets(Document container) {
        List<Element> mailets = new ArrayList<>();
        NodeList all = container.getElementsByTagName("mailet");
        for (int i = 0; i < all.getLength(); i++) {
            mailets.add((Element) all.item(i));
        }
        return mailets;
    }

    private static String parameter(Element mailet, String name) {
        NodeList children = mailet.getElementsByTagName(name);
        return children.getLength() == 0 ? null : children.item(0).getTextContent().trim();
    }

    private static String processorOf(Element mailet) {
        Node parent = mailet.getParentNode();
        return ((Element) parent).getAttribute("state");
    }

    @Test
    void nothingIsDiscardedAndNoJamesBounceMailetIsLeft() throws Exception {
        assertThat(mailets(container())).extracting(m -> m.getAttribute("class"))
            .doesNotContain("Null", "DSNBounce", "Bounce", "org.apache.james.transport.mailets.Null");
    }

    @Test
    void everyDsnProcessorBouncesWithOurMailetAndOurHostNameThenKeepsTheMail() throws Exception {
        Document container = container();
        List<String> bouncing = new ArrayList<>();
        for (Element mailet : mailets(container)) {
            if (BOUNCE.equals(mailet.getAttribute("class"))) {
                bouncing.add(processorOf(mailet));
                assertThat(parameter(mailet, "reportingMta")).as(processorOf(mailet)).isEqualTo("${sys:james.hostname:-localhost}");
            }
        }
        assertThat(bouncing).containsExactlyInAnyOrder("error", "loop", "local-address-error", "relay-denied", "bounces", "rrt-error");
        assertThat(mailets(container)).filteredOn(m -> processorOf(m).equals("loop")).extracting(m -> m.getAttribute("class"))
            .containsExactly(BOUNCE, "ToRepository");
        assertThat(mailets(container)).filteredOn(m -> processorOf(m).equals("loop") && m.getAttribute("class").equals("ToRepository"))
            .extracting(m -> parameter(m, "repositoryPath")).containsExactly("file://var/mail/loop/");
    }

    @Test
    void relayLimitAndOwnNextHopsGoToTheLoopProcessor() throws Exception {
        Document container = container();
        assertThat(mailets(container)).filteredOn(m -> m.getAttribute("match").startsWith("RelayLimit="))
            .singleElement().satisfies(m -> {
                assertThat(m.getAttribute("class")).isEqualTo("ToProcessor");
                assertThat(parameter(m, "processor")).isEqualTo("loop");
            });
        assertThat(mailets(container)).filteredOn(m -> m.getAttribute("class").equals("dev.tlsprovenance.outbound.TlsPolicyRemoteDelivery"))
            .singleElement().satisfies(m -> {
                assertThat(parameter(m, "loopProcessor")).isEqualTo("loop");
                assertThat(parameter(m, "bounceProcessor")).isEqualTo("bounces");
            });
    }
}
