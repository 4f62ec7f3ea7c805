package dev.tlsprovenance.distribution;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.builder.fluent.Configurations;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.ExtraProperties;
import org.apache.james.GuiceJamesServer;
import org.apache.james.NaiveDelegationStoreModule;
import org.apache.james.modules.MailboxModule;
import org.apache.james.modules.MailetProcessingModule;
import org.apache.james.modules.eventstore.MemoryEventStoreModule;
import org.apache.james.modules.protocols.IMAPServerModule;
import org.apache.james.modules.protocols.ProtocolHandlerModule;
import org.apache.james.modules.protocols.SMTPServerModule;
import org.apache.james.modules.server.DataRoutesModules;
import org.apache.james.modules.server.DefaultProcessorsConfigurationProviderModule;
import org.apache.james.modules.server.MailQueueRoutesModule;
import org.apache.james.modules.server.MailRepositoriesRoutesModule;
import org.apache.james.modules.server.MailboxRoutesModule;
import org.apache.james.modules.server.NoJwtModule;
import org.apache.james.modules.server.RawPostDequeueDecoratorModule;
import org.apache.james.modules.server.TaskManagerModule;
import org.apache.james.modules.server.WebAdminServerModule;
import org.apache.james.server.core.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.Module;
import com.google.inject.util.Modules;

import dev.tlsprovenance.distribution.jpa.JamesDatabaseModule;
import dev.tlsprovenance.distribution.jpa.JpaDataModule;
import dev.tlsprovenance.distribution.jpa.JpaMailboxModule;
import dev.tlsprovenance.distribution.webadmin.WebAdminKeys;
import dev.tlsprovenance.distribution.webadmin.WebAdminRequestGuard;
import dev.tlsprovenance.distribution.webadmin.WebAdminSettings;

/**
 * The James 3.8.1 server of the TLS Provenance distribution: SMTP (25 STARTTLS, 465, 587), IMAP (143, 993) and
 * WebAdmin. Domains, users, recipient rewrites, mailboxes and quotas are in James's JPA stores (embedded Derby under
 * {@code var/store/derby}, or PostgreSQL, per {@code conf/james-database.properties}); spool and outgoing queues
 * (ActiveMQ/KahaDB) and mail repositories are on disk under {@code var/}: a message acknowledged with 250, and
 * everything an administrator set up, survives a restart and a crash. The TLS Provenance extension is not
 * on this classpath: James loads it from {@code extensions-jars/} like any third-party extension.
 *
 * <p>Before James starts it checks the configuration and the ports, and creates a self-signed certificate when none
 * is configured and WebAdmin's token key pair when it does not exist yet ({@link WebAdminKeys}); WebAdmin then
 * answers only requests with a valid token ({@code bin/tls-provenance admin-token}) that name this server in
 * {@code Host} ({@link WebAdminRequestGuard}). Exit codes: 2 bad configuration, 3 a port is busy, 1 any other start-up failure;
 * 0 after a complete stop on SIGTERM ({@link CleanStop}).
 */
public final class TlsProvenanceJamesServer {
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_BAD_CONFIGURATION = 2;
    static final int EXIT_PORT_BUSY = 3;

    private static final Logger LOGGER = LoggerFactory.getLogger(TlsProvenanceJamesServer.class);

    // Domains, users, recipient rewrites, mailboxes and quotas in James's JPA stores (conf/james-database.properties:
    // embedded Derby under var/store/derby by default); queues and mail repositories on disk under var/.
    static final Module MAIL_STORAGE = Modules.combine(
        new MailetProcessingModule(),
        new NaiveDelegationStoreModule(),
        new MailboxModule(),
        new JamesDatabaseModule(),
        new JpaDataModule(),
        new MemoryEventStoreModule(),
        new JpaMailboxModule(),
        new TaskManagerModule(),
        new DiskMailQueueModule(),
        new FileMailRepositoryModule(),
        new RawPostDequeueDecoratorModule(),
        new DefaultProcessorsConfigurationProviderModule());

    static final Module PROTOCOLS = Modules.combine(
        new ProtocolHandlerModule(),
        new SMTPServerModule(),
        new IMAPServerModule());

    // The request guard first: WebAdmin installs route sets in binding order, so its filter runs before James's
    // token check (see WebAdminRequestGuard).
    static final Module WEBADMIN = Modules.combine(
        WebAdminRequestGuard.MODULE,
        new WebAdminServerModule(),
        new NoJwtModule(),
        new DataRoutesModules(),
        new MailboxRoutesModule(),
        new MailQueueRoutesModule(),
        new MailRepositoriesRoutesModule());

    private TlsProvenanceJamesServer() {
    }

    public static void main(String[] args) {
        // Start-up errors must reach our handler below, not James's System.exit(1) without explanation.
        System.setProperty("james.exit.on.startup.error", "false");
        CleanStop.install();
        Path workingDirectory = Path.of(System.getProperty(Configuration.WORKING_DIRECTORY, ".")).toAbsolutePath().normalize();
        System.setProperty(Configuration.WORKING_DIRECTORY, workingDirectory.toString());
        // Embedded Derby resolves the relative database name of conf/james-database.properties against this directory.
        setIfAbsent("derby.system.home", workingDirectory.toString());
        setIfAbsent("derby.stream.error.file", workingDirectory.resolve("var/log/derby.log").toString());
        Path conf = workingDirectory.resolve("conf");

        List<ConfiguredListener> listeners;
        try {
            ExtraProperties.initialize();
            listeners = ListenerConfiguration.read(conf);
            checkPortsAreFree(listeners, webAdminPort(conf));
            new ServerCertificateBootstrap(workingDirectory).generateMissing(listeners);
            Optional<WebAdminSettings> webAdmin = WebAdminSettings.read(workingDirectory);
            if (webAdmin.isPresent()) {
                WebAdminKeys.generateMissing(webAdmin.get());
            }
        } catch (PortBusyException e) {
            fail(EXIT_PORT_BUSY, e.getMessage());
            return;
        } catch (Exception e) {
            fail(EXIT_BAD_CONFIGURATION, "bad configuration in " + conf + ": " + rootMessage(e));
            return;
        }

        GuiceJamesServer server = GuiceJamesServer.forConfiguration(
                Configuration.builder().workingDirectory(workingDirectory.toFile()).build())
            .combineWith(MAIL_STORAGE, PROTOCOLS, WEBADMIN);
        Optional<Module> wantClientAuth = ExtensionServerModules.wantClientAuth(workingDirectory);
        if (wantClientAuth.isPresent()) {
            server = server.overrideWith(wantClientAuth.get());
        }
        try {
            server.start();
        } catch (Throwable e) {
            LOGGER.error("James did not start", e);
            fail(EXIT_START_FAILED, "James did not start: " + rootMessage(e) + " (details in var/log/james.log)");
            return;
        }
        Runtime.getRuntime().addShutdownHook(CleanStop.hookFor(server));
        long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        LOGGER.info("James TLS Provenance accepting connections {} ({} ms after JVM start)",
            listeners.stream().map(l -> l.name() + "=" + l.port()).collect(Collectors.joining(", ")), sinceJvmStart);
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    private static void fail(int exitCode, String message) {
        LOGGER.error(message);
        System.err.println("james-server: " + message);
        System.exit(exitCode);
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage();
        return root == e ? root.getClass().getSimpleName() + ": " + message
            : e.getClass().getSimpleName() + " caused by " + root.getClass().getSimpleName() + ": " + message;
    }

    static int webAdminPort(Path conf) throws ConfigurationException {
        Path file = conf.resolve("webadmin.properties");
        if (!Files.exists(file)) {
            return -1;
        }
        PropertiesConfiguration properties = new Configurations().properties(file.toFile());
        if (!properties.getBoolean("enabled", false)) {
            return -1;
        }
        return properties.getInt("port", 8000);
    }

    private static void checkPortsAreFree(List<ConfiguredListener> listeners, int webAdminPort) throws PortBusyException {
        List<String> busy = new ArrayList<>();
        for (ConfiguredListener listener : listeners) {
            if (listener.port() != 0 && !canBind(listener.bindHost(), listener.port())) {
                busy.add("port " + listener.port() + " of " + listener.describe());
            }
        }
        if (webAdminPort > 0 && !canBind("127.0.0.1", webAdminPort)) {
            busy.add("port " + webAdminPort + " of WebAdmin (webadmin.properties)");
        }
        if (!busy.isEmpty()) {
            throw new PortBusyException("cannot listen, already in use or not permitted: " + String.join("; ", busy)
                + ". Stop the other server or change the port (e.g. JAVA_OPTS=-Djames.smtp.port=2525, see conf/smtpserver.xml)");
        }
    }

    private static boolean canBind(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static final class PortBusyException extends Exception {
        PortBusyException(String message) {
            super(message);
        }
    }
}
