package dev.tlsprovenance.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.server.core.configuration.FileConfigurationProvider;

/**
 * Reads the listeners of a James configuration directory with James's own XML loader, so the
 * {@code ${sys:name:-default}} templating resolves exactly as it will in the server.
 */
public final class ListenerConfiguration {
    private static final List<String[]> LISTENER_FILES = List.of(
        new String[] {"smtpserver.xml", "smtpserver"},
        new String[] {"imapserver.xml", "imapserver"});

    private ListenerConfiguration() {
    }

    public static List<ConfiguredListener> read(Path confDirectory) throws ConfigurationException, IOException {
        List<ConfiguredListener> listeners = new ArrayList<>();
        for (String[] fileAndElement : LISTENER_FILES) {
            Path file = confDirectory.resolve(fileAndElement[0]);
            if (Files.exists(file)) {
                listeners.addAll(read(file, fileAndElement[1]));
            }
        }
        return listeners;
    }

    private static List<ConfiguredListener> read(Path file, String element) throws ConfigurationException, IOException {
        HierarchicalConfiguration<ImmutableNode> root;
        try (InputStream in = Files.newInputStream(file)) {
            root = FileConfigurationProvider.getConfig(in);
        }
        List<ConfiguredListener> listeners = new ArrayList<>();
        for (HierarchicalConfiguration<ImmutableNode> server : root.configurationsAt(element)) {
            if (!server.getBoolean("[@enabled]", true)) {
                continue;
            }
            String name = server.getString("jmxName", element);
            String bind = server.getString("bind", "0.0.0.0:0").split(",")[0].trim();
            int colon = bind.lastIndexOf(':');
            if (colon < 0) {
                throw new ConfigurationException(file.getFileName() + ": <bind> of " + name + " must be host:port, got '" + bind + "'");
            }
            int port;
            try {
                port = Integer.parseInt(bind.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new ConfigurationException(file.getFileName() + ": <bind> of " + name + " has a bad port: '" + bind + "'");
            }
            boolean autodetect = server.getBoolean("helloName[@autodetect]", true);
            listeners.add(new ConfiguredListener(
                file.getFileName().toString(),
                name,
                bind.substring(0, colon),
                port,
                server.getBoolean("tls[@startTLS]", false),
                server.getBoolean("tls[@socketTLS]", false),
                autodetect ? Optional.empty() : Optional.ofNullable(server.getString("helloName", null)),
                Optional.ofNullable(server.getString("tls.keystore", null)),
                server.getString("tls.keystoreType", "JKS"),
                Optional.ofNullable(server.getString("tls.secret", null)),
                Optional.ofNullable(server.getString("tls.privateKey", null)),
                Optional.ofNullable(server.getString("tls.certificates", null)),
                Arrays.asList(server.getStringArray("tls.supportedProtocols.protocol")),
                server.getBoolean("auth.requireSSL", false)));
        }
        return listeners;
    }
}
