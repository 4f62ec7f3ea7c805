package dev.tlsprovenance.cli.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import dev.tlsprovenance.policy.DomainNames;

/**
 * The mail domains this server serves, as far as its configuration names them: {@code <defaultDomain>} and the
 * {@code <domainnames><domainname>} entries of {@code conf/domainlist.xml}. Domains added later through WebAdmin live
 * in the database; doctor's {@code --domain} names them. {@code localhost} and names without a dot are left out:
 * nobody publishes DNS records for them.
 */
final class MailDomains {
    static final String FILE_NAME = "domainlist.xml";

    private MailDomains() {
    }

    /** @throws IOException naming the file when it exists but is not well-formed XML */
    static List<String> read(Path conf) throws IOException {
        Path file = conf.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return List.of();
        }
        Set<String> domains = new LinkedHashSet<>();
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(file.toFile());
            for (String tag : List.of("defaultDomain", "domainname")) {
                NodeList nodes = document.getElementsByTagName(tag);
                for (int i = 0; i < nodes.getLength(); i++) {
                    DomainNames.strictCanonical(nodes.item(i).getTextContent().trim())
                        .filter(name -> name.contains("."))
                        .ifPresent(domains::add);
                }
            }
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException(file + ": not well-formed XML: " + e.getMessage(), e);
        }
        return new ArrayList<>(domains);
    }
}
