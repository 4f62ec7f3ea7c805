package dev.tlsprovenance.cli.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import dev.tlsprovenance.cli.checkpeer.DnssecResolver;
import dev.tlsprovenance.dane.DnssecLookups;
import dev.tlsprovenance.distribution.ConfiguredListener;
import dev.tlsprovenance.distribution.ListenerConfiguration;
import dev.tlsprovenance.policy.DomainNames;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tls-provenance doctor}: checks what would stop TLS mail from reaching this server or leaving it: the
 * server's own certificate, the listeners' TLS settings and the TLS policy table. Exit code 0 when nothing would
 * break TLS delivery, 1 when something would, 2 on a usage error.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {"Checks this server's certificate (trusted chain, expiry, revocation, names), its listeners' TLS "
        + "settings, the TLS policy table (every route= is checked at its row's level, as check-peer does) and WebAdmin's "
        + "access control, says what would break TLS delivery, and prints the DNS records to publish (TLSA, MTA-STS, TLS-RPT).",
        "Exit code: 0 fine (warnings allowed), 1 something would break TLS delivery, 2 usage error."})
public final class DoctorCommand implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_PROBLEMS = 1;
    static final String DNS_AREA = "dns";

    @Spec
    CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR",
        description = "Distribution directory holding conf/ (default: the one this command belongs to, else the current directory).")
    Path home = Path.of(System.getProperty("working.directory", "."));

    @Option(names = "--mx-name", paramLabel = "HOST",
        description = "Name the MX record points at (repeatable); the certificate must cover it. The SMTP hello names are always checked.")
    List<String> mxNames = new ArrayList<>();

    @Option(names = "--trust", paramLabel = "PEM",
        description = "Also trust the CA certificates in this PEM file (repeatable), e.g. a private CA your peers trust.")
    List<Path> extraTrust = new ArrayList<>();

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--probe", description = "Also connect to the running SMTP listeners and check that EHLO lists STARTTLS.")
    boolean probe;

    @Option(names = "--offline", description = "Do not fetch CRLs nor connect to smarthosts.")
    boolean offline;

    @Option(names = "--domain", paramLabel = "DOMAIN",
        description = "A mail domain this server serves (repeatable), for the MTA-STS and TLS-RPT records to publish; "
            + "default: the domains named in conf/domainlist.xml.")
    List<String> domains = new ArrayList<>();

    private final Clock clock;

    public DoctorCommand() {
        this(Clock.systemUTC());
    }

    DoctorCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        DoctorReport report = examine();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.toJson() : report.toText());
        out.flush();
        return report.breaksTlsDelivery() ? EXIT_PROBLEMS : EXIT_OK;
    }

    DoctorReport examine() throws IOException, GeneralSecurityException {
        Path conf = home.resolve("conf");
        List<Finding> findings = new ArrayList<>();
        List<ConfiguredListener> listeners;
        try {
            listeners = ListenerConfiguration.read(conf);
        } catch (Exception e) {
            findings.add(Finding.fail(ListenerCheck.AREA, conf.toString(), "cannot read the listener configuration: " + e.getMessage()));
            return new DoctorReport(findings);
        }
        findings.addAll(certificates(listeners));
        for (ConfiguredListener listener : listeners) {
            findings.addAll(ListenerCheck.check(listener, probe));
        }
        Optional<DnssecLookups> lookups = Optional.empty();
        try {
            lookups = DnssecResolver.settings(conf, Optional.empty(), Optional.empty(), java.time.Clock.systemUTC())
                .map(DnssecLookups::new);
        } catch (dev.tlsprovenance.dane.DaneConfiguration.Invalid | IllegalArgumentException | IllegalStateException e) {
            findings.add(Finding.fail(PolicyCheck.AREA, DnssecResolver.FILE_NAME, e.getMessage()));
        }
        findings.addAll(PolicyCheck.check(home, conf, !offline, heloName(listeners), lookups));
        findings.addAll(WebAdminCheck.check(home));
        return new DoctorReport(findings, published(listeners, conf, findings));
    }

    private static String heloName(List<ConfiguredListener> listeners) {
        return listeners.stream().filter(listener -> listener.file().startsWith("smtp"))
            .map(ConfiguredListener::helloName).flatMap(Optional::stream).findFirst().orElse("localhost");
    }

    /** The records for the SMTP host names (hello names, --mx-name) and the mail domains, from the certificates found. */
    private PublishedRecords published(List<ConfiguredListener> listeners, Path conf, List<Finding> findings) {
        Map<String, X509Certificate> certificates = new LinkedHashMap<>();
        X509Certificate first = null;
        for (ConfiguredListener listener : listeners) {
            if (!listener.file().startsWith("smtp") || !listener.usesTls()) {
                continue;
            }
            try {
                X509Certificate leaf = ServerIdentity.load(home, listener).leaf();
                first = first == null ? leaf : first;
                X509Certificate certificate = leaf;
                listener.helloName().ifPresent(name -> certificates.putIfAbsent(name, certificate));
            } catch (IOException e) {
                // reported by the certificate check
            }
        }
        if (first == null) {
            return PublishedRecords.none();
        }
        for (String mx : mxNames) {
            certificates.putIfAbsent(mx, first);
        }
        List<String> mailDomains = new ArrayList<>();
        for (String domain : domains) {
            mailDomains.add(DomainNames.strictCanonical(domain).orElseThrow(() ->
                new picocli.CommandLine.ParameterException(spec.commandLine(), "--domain: not a domain name: " + domain)));
        }
        if (mailDomains.isEmpty()) {
            try {
                mailDomains.addAll(MailDomains.read(conf));
            } catch (IOException e) {
                findings.add(Finding.warn(DNS_AREA, MailDomains.FILE_NAME, e.getMessage()));
            }
        }
        if (mailDomains.isEmpty()) {
            findings.add(Finding.warn(DNS_AREA, MailDomains.FILE_NAME, "no mail domain found (none but localhost in the file; "
                + "domains added through WebAdmin are not visible here): give --domain to see the MTA-STS and TLS-RPT records to publish"));
        }
        List<String> mxHosts = new ArrayList<>(mxNames.isEmpty() ? certificates.keySet() : new LinkedHashSet<>(mxNames));
        return PublishedRecords.of(certificates, mxHosts, mailDomains);
    }

    private List<Finding> certificates(List<ConfiguredListener> listeners) throws IOException, GeneralSecurityException {
        Map<String, String> expectedNames = new LinkedHashMap<>();
        for (ConfiguredListener listener : listeners) {
            if (listener.file().startsWith("smtp")) {
                listener.helloName().ifPresent(name -> expectedNames.putIfAbsent(name, "SMTP hello name of " + listener.name()));
            }
        }
        mxNames.forEach(name -> expectedNames.put(name, "MX name"));
        CertificateCheck check = new CertificateCheck(trustAnchors(), clock.instant(), !offline);

        List<Finding> findings = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ConfiguredListener listener : listeners) {
            if (!listener.usesTls() || !seen.add(ServerIdentity.sourceOf(listener))) {
                continue;
            }
            try {
                findings.addAll(check.check(ServerIdentity.load(home, listener), expectedNames));
            } catch (IOException e) {
                findings.add(Finding.fail(CertificateCheck.AREA, ServerIdentity.sourceOf(listener), e.getMessage()));
            }
        }
        return findings;
    }

    private Set<TrustAnchor> trustAnchors() throws IOException, GeneralSecurityException {
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (javax.net.ssl.TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                for (X509Certificate certificate : x509.getAcceptedIssuers()) {
                    anchors.add(new TrustAnchor(certificate, null));
                }
            }
        }
        for (Path pem : extraTrust) {
            if (!Files.exists(pem)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--trust: no such file: " + pem);
            }
            try (InputStream in = Files.newInputStream(pem)) {
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    anchors.add(new TrustAnchor((X509Certificate) certificate, null));
                }
            }
        }
        return anchors;
    }
}
