package dev.tlsprovenance.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The shipped {@code conf/mailetcontainer.xml} applies the namespace rules to the final recipients: in the transport
 * processor, an {@code EnforceInboundTlsPolicy} line comes after James's {@code RecipientRewriteTable} and before any
 * mailet that delivers or relays. (RecipientRewritingEnforcementTest runs this order in a real James.)
 */
class ShippedMailetContainerTest {
    private static final String ENFORCE = "dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy";

    @Test
    void transportEnforcesAfterRecipientRewriteTableBeforeDeliveryAndRelay() throws Exception {
        Document container = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(Path.of("..", "conf", "mailetcontainer.xml").toFile());
        List<String> transport = mailetClasses(container, "transport");

        int rewriting = transport.indexOf("RecipientRewriteTable");
        int enforcement = transport.lastIndexOf(ENFORCE);
        assertThat(rewriting).as("%s", transport).isNotNegative();
        assertThat(enforcement).as("%s", transport).isGreaterThan(rewriting);
        assertThat(transport.subList(0, enforcement)).as("nothing leaves transport before the check")
            .containsOnly("RemoveMimeHeader", "RecipientRewriteTable");
        assertThat(mailetClasses(container, "root")).contains(ENFORCE);
    }

    private static List<String> mailetClasses(Document container, String state) {
        NodeList processors = container.getElementsByTagName("processor");
        for (int i = 0; i < processors.getLength(); i++) {
            Element processor = (Element) processors.item(i);
            if (state.equals(processor.getAttribute("state"))) {
                List<String> classes = new ArrayList<>();
                NodeList mailets = processor.getElementsByTagName("mailet");
                for (int j = 0; j < mailets.getLength(); j++) {
                    classes.add(((Element) mailets.item(j)).getAttribute("class"));
                }
                return classes;
            }
        }
        throw new AssertionError("no processor " + state);
    }
}
