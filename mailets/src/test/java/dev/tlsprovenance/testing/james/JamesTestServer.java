package dev.tlsprovenance.testing.james;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.modules.data.MemoryUsersRepositoryModule;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.GuiceProbe;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;

import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.pki.TestTls;

/**
 * A real, in-process James 3.8.1 (SMTP only, memory storage) started from a generated {@code conf/} in a
 * temporary working directory. As a JUnit 5 extension it starts once per class when registered on a
 * static field and once per test on an instance field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static JamesTestServer james = JamesTestServer.builder()
 *     .withHook("dev.tlsprovenance.inbound.RecordTlsProvenanceHook")
 *     .withMailets("<mailet match=\"All\" class=\"dev.tlsprovenance.headers.AddTlsProvenanceHeaders\"/>")
 *     .build();
 * }</pre>
 *
 * Listeners, all on 127.0.0.1 with an ephemeral port and {@link TestPki#serverTls()} as identity:
 * {@code smtp} (STARTTLS offered), {@code smtps} (implicit TLS) and optionally {@code partner} (STARTTLS,
 * client certificate required and checked against the given trust). Every listener relays for 127.0.0.0/8
 * and accepts any recipient (no ValidRcptHandler, so no user has to exist), so mail to {@value #LOCAL_DOMAIN}
 * and to remote domains is accepted alike. Note James 3.8.1's order: handlers listed with {@link Builder#withHook}
 * run <em>before</em> the core package's, so a {@code JamesMessageHook} added here runs before
 * {@code SendMailHandler} queues the mail. Two servers may run in one JVM: JMX names are unique per instance
 * and the generated mailet container has JMX off (a {@link Builder#withMailetContainer} replacement should
 * say {@code <processors enableJmx="false">} too).
 * The root processor runs the test's root mailets ({@link Builder#withRootMailets}), the transport processor removes
 * {@code bcc}, runs the test's mailets, then stores every mail in
 * {@value #DELIVERED}; mailet errors land in {@value #ERROR}.
 *
 * <p>Without the extension (benchmarks, start-up failure tests): {@link #start()}, {@link #close()},
 * {@link #startExpectingFailure()}.
 */
public final class JamesTestServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback, AutoCloseable {
    public static final String LOCAL_DOMAIN = "james.test";
    public static final String DELIVERED = "memory://var/mail/delivered/";
    public static final String ERROR = "memory://var/mail/error/";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Builder settings;
    private GuiceJamesServer server;
    private Path workingDirectory;
    private List<Integer> ports = List.of();
    private boolean startedPerTest;

    private JamesTestServer(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    // --- JUnit 5 lifecycle: static field = per class, instance field = per test -------------------------

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (server == null) {
            startedPerTest = true;
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (startedPerTest) {
            startedPerTest = false;
            close();
        }
    }

    // --- Lifecycle -------------------------------------------------------------------------------------

    /** Writes {@code conf/} into a fresh working directory and starts James; throws what James threw. */
    public synchronized JamesTestServer start() throws Exception {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        workingDirectory = Files.createTempDirectory("james-test-");
        writeConfiguration(workingDirectory.resolve("conf"));
        GuiceJamesServer candidate = GuiceJamesServer.forConfiguration(Configuration.builder()
                .workingDirectory(workingDirectory.toFile())
                .build())
            .combineWith(MemoryJamesServerMain.SMTP_ONLY_MODULE, new MemoryUsersRepositoryModule())
            .combineWith(binder -> {
                Multibinder<GuiceProbe> probes = Multibinder.newSetBinder(binder, GuiceProbe.class);
                probes.addBinding().to(SmtpListenerProbe.class);
                probes.addBinding().to(RecipientRewriteTableProbe.class);
            })
            .overrideWith(settings.overrides);
        try {
            candidate.start();
        } catch (Throwable failure) {
            candidate.stop();
            deleteWorkingDirectory();
            throw failure;
        }
        server = candidate;
        ports = server.getProbe(SmtpListenerProbe.class).boundPorts();
        return this;
    }

    /**
     * Starts James expecting the configuration to be refused, and returns what start-up threw. Fails the
     * test (AssertionError) if James started.
     */
    public Throwable startExpectingFailure() {
        try {
            start();
        } catch (Throwable failure) {
            return failure;
        }
        close();
        throw new AssertionError("James started although a start-up failure was expected");
    }

    /** Stops James (if running) and deletes its working directory. */
    @Override
    public synchronized void close() {
        if (server != null) {
            disposeAllStoredMails();
            server.stop();
            server = null;
            ports = List.of();
        }
        deleteWorkingDirectory();
    }

    /** A fresh James with the same configuration (memory state is lost, ports change). */
    public JamesTestServer restart() throws Exception {
        close();
        return start();
    }

    public boolean isStarted() {
        return server != null && server.isStarted();
    }

    // --- Accessors -------------------------------------------------------------------------------------

    public GuiceJamesServer guiceServer() {
        return running();
    }

    public <T extends GuiceProbe> T probe(Class<T> probe) {
        return running().getProbe(probe);
    }

    /** The STARTTLS listener. */
    public int smtpPort() {
        return port(0, "smtp");
    }

    /** The implicit-TLS listener. */
    public int smtpsPort() {
        return port(1, "smtps");
    }

    /** The client-certificate listener; requires {@link Builder#withPartnerListener(TestTls)}. */
    public int partnerPort() {
        return port(2, "partner");
    }

    /** Bound ports of every {@code <smtpserver>} in file order (also for a test-supplied smtpserver.xml). */
    public List<Integer> listenerPorts() {
        running();
        return ports;
    }

    public Path workingDirectory() {
        running();
        return workingDirectory;
    }

    public Path confDirectory() {
        return workingDirectory().resolve("conf");
    }

    public void addUser(String address, String password) throws Exception {
        probe(DataProbeImpl.class).addUser(address, password);
    }

    /** James's recipient rewrite table (aliases, forwards, groups, domain aliases, regex and address mappings). */
    public RecipientRewriteTableProbe rewriteTable() {
        return probe(RecipientRewriteTableProbe.class);
    }

    public List<DeliveredMail> deliveredMails() {
        return mailsIn(DELIVERED);
    }

    public List<DeliveredMail> awaitDeliveredMails(int count) {
        return awaitMailsIn(DELIVERED, count);
    }

    public List<DeliveredMail> awaitDeliveredMails(int count, Duration timeout) {
        return awaitMailsIn(DELIVERED, count, timeout);
    }

    /** Waits up to {@link #DEFAULT_TIMEOUT} until {@code repositoryUrl} holds at least {@code count} mails. */
    public List<DeliveredMail> awaitMailsIn(String repositoryUrl, int count) {
        return awaitMailsIn(repositoryUrl, count, DEFAULT_TIMEOUT);
    }

    public List<DeliveredMail> awaitMailsIn(String repositoryUrl, int count, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(20))
            .until(() -> mailCount(repositoryUrl) >= count);
        return mailsIn(repositoryUrl);
    }

    public long mailCount(String repositoryUrl) throws Exception {
        return probe(MailRepositoryProbeImpl.class).getRepositoryMailCount(MailRepositoryUrl.from(repositoryUrl));
    }

    /** Copies of the mails in {@code repositoryUrl}, oldest first; James's Mail objects are disposed. */
    public List<DeliveredMail> mailsIn(String repositoryUrl) {
        MailRepositoryProbeImpl repositories = probe(MailRepositoryProbeImpl.class);
        MailRepositoryUrl url = MailRepositoryUrl.from(repositoryUrl);
        List<DeliveredMail> mails = new ArrayList<>();
        try {
            for (MailKey key : repositories.listMailKeys(url)) {
                Mail mail = repositories.getMail(url, key);
                if (mail != null) {
                    try {
                        mails.add(DeliveredMail.copyOf(mail));
                    } finally {
                        LifecycleUtil.dispose(mail);
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + repositoryUrl, e);
        }
        mails.sort(Comparator.comparing(DeliveredMail::lastUpdated).thenComparing(DeliveredMail::name));
        return List.copyOf(mails);
    }

    public void clearDelivered() {
        clear(DELIVERED);
    }

    public void clear(String repositoryUrl) {
        try {
            MailRepository repository = probe(MailRepositoryProbeImpl.class).getMailRepositoryStore()
                .select(MailRepositoryUrl.from(repositoryUrl));
            disposeStoredMails(repository);
            repository.removeAll();
        } catch (Exception e) {
            throw new IllegalStateException("cannot clear " + repositoryUrl, e);
        }
    }

    /** Every message of a failure and its causes, joined: start-up errors hide the useful one deep down. */
    public static String causeMessages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable cause = failure; cause != null && messages.size() < 20; cause = cause.getCause()) {
            messages.add(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
        return String.join(" <- ", messages);
    }

    // --- Internals -------------------------------------------------------------------------------------

    private GuiceJamesServer running() {
        if (server == null) {
            throw new IllegalStateException("James is not started");
        }
        return server;
    }

    private int port(int index, String listener) {
        List<Integer> bound = listenerPorts();
        if (index >= bound.size()) {
            throw new IllegalStateException("no '" + listener + "' listener configured");
        }
        return bound.get(index);
    }

    private void writeConfiguration(Path conf) throws IOException {
        Files.createDirectories(conf);
        String instance = String.valueOf(INSTANCES.incrementAndGet());
        TestTls serverTls = TestPki.shared().serverTls();
        serverTls.writeKeyStorePkcs12(conf.resolve(JamesConfFiles.KEYSTORE), JamesConfFiles.SECRET);
        if (settings.partnerTrust != null) {
            settings.partnerTrust.writeTrustStorePkcs12(conf.resolve(JamesConfFiles.PARTNER_TRUSTSTORE), JamesConfFiles.SECRET);
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put("smtpserver.xml", JamesConfFiles.smtpServer(instance, settings.helloName, settings.coreHandlersPackage, settings.handlers,
            settings.partnerTrust != null));
        files.put("mailetcontainer.xml", settings.mailetContainer != null ? settings.mailetContainer
            : JamesConfFiles.mailetContainer("postmaster@" + settings.domains.get(0), settings.rootMailets.toString(),
                settings.transportMailets.toString()));
        files.put("domainlist.xml", JamesConfFiles.domainList(settings.domains));
        files.put("mailrepositorystore.xml", JamesConfFiles.mailRepositoryStore());
        files.put("usersrepository.xml", JamesConfFiles.usersRepository());
        files.put("dnsservice.xml", JamesConfFiles.dnsService());
        if (!settings.extensionModules.isEmpty()) {
            files.put("extensions.properties", "guice.extension.module=" + String.join(",", settings.extensionModules) + "\n");
        }
        files.putAll(settings.confFiles);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = conf.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
        }
        for (Map.Entry<String, Path> file : settings.confFileCopies.entrySet()) {
            Path target = conf.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.copy(file.getValue(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void disposeAllStoredMails() {
        try {
            MailRepositoryProbeImpl repositories = server.getProbe(MailRepositoryProbeImpl.class);
            for (MailRepositoryUrl url : repositories.listRepositoryUrls()) {
                disposeStoredMails(repositories.getMailRepositoryStore().select(url));
            }
        } catch (Exception e) {
            // only hygiene: stopping matters more
        }
    }

    /**
     * James 3.8.1's MemoryMailRepository.removeAll() drops its stored copies without disposing them, which
     * later logs "Leak detected!" for each; dispose them first when the repository is that class.
     */
    private static void disposeStoredMails(MailRepository repository) {
        try {
            java.lang.reflect.Field field = repository.getClass().getDeclaredField("mails");
            field.setAccessible(true);
            Object stored = field.get(repository);
            if (stored instanceof Map) {
                ((Map<?, ?>) stored).values().forEach(LifecycleUtil::dispose);
            }
        } catch (ReflectiveOperationException | RuntimeException notMemoryRepository) {
            // another implementation: removeAll() is all we can do
        }
    }

    private void deleteWorkingDirectory() {
        if (workingDirectory == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(workingDirectory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + workingDirectory, e);
        }
        workingDirectory = null;
    }

    public static final class Builder {
        private final List<String> handlers = new ArrayList<>();
        private final StringBuilder rootMailets = new StringBuilder();
        private final StringBuilder transportMailets = new StringBuilder();
        private String mailetContainer;
        private final Map<String, String> confFiles = new LinkedHashMap<>();
        private final Map<String, Path> confFileCopies = new LinkedHashMap<>();
        private final List<String> extensionModules = new ArrayList<>();
        private final List<Module> overrides = new ArrayList<>();
        private final List<String> domains = new ArrayList<>(List.of(LOCAL_DOMAIN));
        private TestTls partnerTrust;
        private String helloName = TestPki.SERVER_HOST;
        private String coreHandlersPackage;

        private Builder() {
        }

        /** A hook or handler class added, after James's core handlers, to every listener's handler chain. */
        public Builder withHook(String className) {
            return withHandler("<handler class=\"" + Objects.requireNonNull(className) + "\"/>");
        }

        /** A complete {@code <handler>} element, for hooks that take configuration. */
        public Builder withHandler(String handlerXml) {
            handlers.add(Objects.requireNonNull(handlerXml));
            return this;
        }

        /**
         * Replaces James's core handler package ({@code <handlerchain coreHandlersPackage="...">}), e.g.
         * {@code dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers}; CoreCmdHandlerLoader is then not listed.
         */
        public Builder withCoreHandlersPackage(String className) {
            this.coreHandlersPackage = Objects.requireNonNull(className);
            return this;
        }

        /** {@code <mailet>} elements inserted in the transport processor before the final ToRepository. */
        public Builder withMailets(String xmlFragment) {
            transportMailets.append(Objects.requireNonNull(xmlFragment)).append('\n');
            return this;
        }

        /**
         * {@code <mailet>} elements first in the root processor, before the transport's {@code RemoveMimeHeader}: the
         * place the shipped mailetcontainer.xml gives AddTlsProvenanceHeaders (the first mailet to see the mail).
         */
        public Builder withRootMailets(String xmlFragment) {
            rootMailets.append(Objects.requireNonNull(xmlFragment)).append('\n');
            return this;
        }

        /** Replaces the generated mailetcontainer.xml entirely. */
        public Builder withMailetContainer(String fullXml) {
            this.mailetContainer = Objects.requireNonNull(fullXml);
            return this;
        }

        /** An extra or overriding file under {@code conf/} (name may contain sub-directories). */
        public Builder withConfFile(String name, String content) {
            confFiles.put(Objects.requireNonNull(name), Objects.requireNonNull(content));
            return this;
        }

        public Builder withConfFile(String name, Path file) {
            confFileCopies.put(Objects.requireNonNull(name), Objects.requireNonNull(file));
            return this;
        }

        /** A Guice module for {@code extensions.properties}: James installs it in the mailet/hook injector. */
        public Builder withGuiceExtensionModule(String className) {
            extensionModules.add(Objects.requireNonNull(className));
            return this;
        }

        /** Guice modules that override James's bindings (e.g. a fake DNSService). */
        public Builder withOverrides(Module... modules) {
            overrides.addAll(List.of(modules));
            return this;
        }

        /** Adds the {@code partner} listener: STARTTLS, client certificate required, checked against {@code trust}. */
        public Builder withPartnerListener(TestTls trust) {
            this.partnerTrust = Objects.requireNonNull(trust);
            return this;
        }

        /** Another local domain besides {@value #LOCAL_DOMAIN}. */
        public Builder withLocalDomain(String domain) {
            domains.add(Objects.requireNonNull(domain));
            return this;
        }

        /** The name James greets with and writes in Received: (default {@value TestPki#SERVER_HOST}). */
        public Builder withHelloName(String helloName) {
            this.helloName = Objects.requireNonNull(helloName);
            return this;
        }

        /** A server with a snapshot of this builder's settings: later builder calls do not change it. */
        public JamesTestServer build() {
            return new JamesTestServer(copy());
        }

        private Builder copy() {
            Builder copy = new Builder();
            copy.handlers.addAll(handlers);
            copy.rootMailets.append(rootMailets);
            copy.transportMailets.append(transportMailets);
            copy.mailetContainer = mailetContainer;
            copy.confFiles.putAll(confFiles);
            copy.confFileCopies.putAll(confFileCopies);
            copy.extensionModules.addAll(extensionModules);
            copy.overrides.addAll(overrides);
            copy.domains.clear();
            copy.domains.addAll(domains);
            copy.partnerTrust = partnerTrust;
            copy.helloName = helloName;
            copy.coreHandlersPackage = coreHandlersPackage;
            return copy;
        }
    }
}
