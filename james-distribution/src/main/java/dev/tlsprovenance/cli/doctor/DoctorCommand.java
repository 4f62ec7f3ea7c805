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
import java.util.Set;
import java.util.concurrent.Callable;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import dev.tlsprovenance.distribution.ConfiguredListener;
import dev.tlsprovenance.distribution.ListenerConfiguration;

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
        + "settings, the TLS policy table and WebAdmin's access control, and says what would break TLS delivery.",
        "Exit code: 0 fine (warnings allowed), 1 something would break TLS delivery, 2 usage error."})
public final class DoctorCommand implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_PROBLEMS = 1;

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
        findings.addAll(PolicyCheck.check(home, conf, !offline));
        findings.addAll(WebAdminCheck.check(home));
        return new DoctorReport(findings);
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
