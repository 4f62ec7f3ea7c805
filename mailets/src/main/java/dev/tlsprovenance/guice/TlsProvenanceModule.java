package dev.tlsprovenance.guice;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.MailetContext;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;

import dev.tlsprovenance.mail.InboundRecords;
import dev.tlsprovenance.policy.PolicyFileException;
import dev.tlsprovenance.posture.LedgerLocations;
import dev.tlsprovenance.posture.Posture;
import dev.tlsprovenance.policy.PolicyPathResolver;
import dev.tlsprovenance.policy.ReloadingTlsPolicySource;
import dev.tlsprovenance.policy.TlsPolicySource;
import dev.tlsprovenance.tlsrpt.JamesTlsRpt;
import dev.tlsprovenance.tlsrpt.TlsRptSender;

/**
 * The Guice module of James TLS Provenance. Register it in {@code conf/extensions.properties}:
 * <pre>
 * guice.extension.module=dev.tlsprovenance.guice.TlsProvenanceModule
 * </pre>
 * James installs it in the child injector that builds SMTP hooks, mailets and matchers, so the one
 * {@link TlsPolicySource} bound here is shared by all of them.
 * <p>
 * The policy table is read from {@code file://conf/tls-policy.conf}; set the system property
 * {@value #POLICY_FILE_PROPERTY} (e.g. in {@code conf/jvm.properties}) to use another James file URL or
 * path, and {@value #CHECK_INTERVAL_PROPERTY} (milliseconds, default 5000) for how often the file is
 * checked for changes, {@value #SETTLE_PERIOD_PROPERTY} (milliseconds, default 1000) for how long a file edited
 * in place must stay untouched before it is read (a file renamed into place is read at once). A missing file
 * means no namespace rules (inbound none, outbound may) until the file is created, and a warning in the log;
 * an invalid file, or one without any row (empty, comments only), stops James at start-up with the file, line
 * and problem in the message. Paths inside the file are resolved against the file's directory, or
 * through James when written as {@code file://...} or {@code classpath:...}.
 * <p>
 * The key that seals inbound records ({@link InboundRecords}, one instance for the SMTP hook, the mailets and the
 * matchers) is read from {@code file://var/tls-provenance/record-key}, generated there (mode 0600) at the first
 * start. Several nodes of one deployment must share one key: set the system property
 * {@value #RECORD_KEY_FILE_PROPERTY} (a James file URL or a path) to a key file they all have; that file must exist.
 * A key file that is unreadable, too short or readable by group or others stops James at start-up, naming the file.
 * See {@code docs/inbound-tls-policy.md}, "The record key".
 */
public class TlsProvenanceModule extends AbstractModule {
    public static final String POLICY_FILE_PROPERTY = "tls.provenance.policy.file";
    public static final String CHECK_INTERVAL_PROPERTY = "tls.provenance.policy.checkIntervalMillis";
    public static final String SETTLE_PERIOD_PROPERTY = "tls.provenance.policy.settleMillis";
    public static final String DEFAULT_POLICY_FILE = "file://conf/tls-policy.conf";
    public static final String RECORD_KEY_FILE_PROPERTY = InboundRecords.KEY_FILE_PROPERTY;
    public static final String DEFAULT_RECORD_KEY_FILE = InboundRecords.DEFAULT_KEY_FILE;
    public static final String POSTURE_DAYS_PROPERTY = "tls.provenance.posture.daysKept";
    public static final String POSTURE_DOMAINS_PROPERTY = "tls.provenance.posture.domainsPerDay";
    public static final String POSTURE_CHECKPOINT_DIRECTORY = "file://var/tls-posture/";

    @Override
    protected void configure() {
        // One instance for the SMTP hook, the mailets and the matchers: the key is read (or generated) once.
        bind(InboundRecords.class).in(Scopes.SINGLETON);
        // One registry: the mailets register the ledgers they write, the posture route reads those.
        bind(LedgerLocations.class).in(Scopes.SINGLETON);
    }

    /**
     * The TLS posture of the ledgers, its checkpoint under {@code file://var/tls-posture/}; bounds from the system
     * properties {@value #POSTURE_DAYS_PROPERTY} (default 400) and {@value #POSTURE_DOMAINS_PROPERTY} (default 5000).
     */
    @Provides
    @Singleton
    Posture posture(LedgerLocations locations, FileSystem fileSystem) {
        Path checkpoints = resolve(fileSystem, POSTURE_CHECKPOINT_DIRECTORY);
        return new Posture(locations, new Posture.Settings(
            positive(POSTURE_DAYS_PROPERTY, Posture.Settings.DEFAULT_DAYS_KEPT),
            positive(POSTURE_DOMAINS_PROPERTY, Posture.Settings.DEFAULT_DOMAINS_PER_DAY),
            Optional.of(checkpoints), Duration.ofSeconds(30), Clock.systemUTC()));
    }

    /** The TLS-RPT sender (conf/tls-rpt.properties; docs/tls-rpt.md): one per James, started by TlsRptStartable. */
    @Provides
    @Singleton
    TlsRptSender tlsRptSender(FileSystem fileSystem, MailetContext mailetContext, DNSService dns, LedgerLocations locations) {
        return JamesTlsRpt.sender(fileSystem, mailetContext, dns, locations);
    }

    private static int positive(String property, int defaultValue) {
        String value = System.getProperty(property);
        if (value == null) {
            return defaultValue;
        }
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below with the property name
        }
        throw new IllegalArgumentException("System property " + property + " must be a whole number >= 1, not '" + value + "'");
    }

    @Provides
    @Singleton
    TlsPolicySource tlsPolicySource(FileSystem fileSystem) throws PolicyFileException {
        Path file = resolve(fileSystem, System.getProperty(POLICY_FILE_PROPERTY, DEFAULT_POLICY_FILE));
        Duration checkInterval = millis(CHECK_INTERVAL_PROPERTY, ReloadingTlsPolicySource.DEFAULT_CHECK_INTERVAL);
        Duration settle = millis(SETTLE_PERIOD_PROPERTY, ReloadingTlsPolicySource.DEFAULT_SETTLE_PERIOD);
        PolicyPathResolver besideTheFile = PolicyPathResolver.relativeTo(file.toAbsolutePath().getParent());
        PolicyPathResolver paths = written -> isJamesUrl(written) ? resolve(fileSystem, written) : besideTheFile.resolve(written);
        return ReloadingTlsPolicySource.loadIfPresent(file, checkInterval, paths, settle);
    }

    private static Duration millis(String property, Duration defaultValue) {
        String millis = System.getProperty(property);
        if (millis == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(millis.trim());
            if (value >= 0) {
                return Duration.ofMillis(value);
            }
        } catch (NumberFormatException e) {
            // reported below with the property name
        }
        throw new IllegalArgumentException("System property " + property
                + " must be a number of milliseconds >= 0, not '" + millis + "'");
    }

    private static boolean isJamesUrl(String written) {
        return written.startsWith(FileSystem.FILE_PROTOCOL) || written.startsWith(FileSystem.CLASSPATH_PROTOCOL);
    }

    private static Path resolve(FileSystem fileSystem, String location) {
        if (!isJamesUrl(location)) {
            return Path.of(location);
        }
        try {
            return fileSystem.getFile(location).toPath();
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException("Cannot resolve " + location + " through the James file system", e);
        }
    }
}
