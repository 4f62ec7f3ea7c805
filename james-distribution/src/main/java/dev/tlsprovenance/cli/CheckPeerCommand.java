package dev.tlsprovenance.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.tlsprovenance.cli.checkpeer.CheckPeer;
import dev.tlsprovenance.cli.checkpeer.CheckPeerReport;
import dev.tlsprovenance.cli.checkpeer.CheckPeerResult;
import dev.tlsprovenance.cli.checkpeer.DnssecResolver;
import dev.tlsprovenance.cli.checkpeer.Outcome;
import dev.tlsprovenance.policy.OutboundLevel;
import dev.tlsprovenance.cli.checkpeer.PeerTarget;
import dev.tlsprovenance.dane.DaneConfiguration;
import dev.tlsprovenance.dane.DnssecLookups;
import dev.tlsprovenance.distribution.ConfiguredListener;
import dev.tlsprovenance.distribution.ListenerConfiguration;
import dev.tlsprovenance.outbound.MtaStsWiring;
import dev.tlsprovenance.policy.PolicyFileException;
import dev.tlsprovenance.policy.TlsPolicyTable;
import dev.tlsprovenance.sts.StsConfiguration;
import dev.tlsprovenance.sts.StsPolicyCache;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code tls-provenance check-peer}: our posttls-finger. Finds the policy for a destination as the server would
 * (its row, then DANE with {@code conf/dane.properties}, then MTA-STS with {@code conf/mta-sts.properties}, then the
 * default), connects to its next hops, does EHLO, STARTTLS and the handshake, shows the certificate chain (and the TLSA records
 * when a DNSSEC resolver is configured), says what the delivery would do at the level that applies, and QUITs. No
 * mail is ever sent.
 */
@Command(name = "check-peer", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = CheckPeerCommand.EXIT_USAGE,
    exitCodeOnExecutionException = CheckPeerCommand.EXIT_USAGE,
    description = {"Connect to a destination's next hops as the server would (its row, DANE, MTA-STS), STARTTLS, show "
        + "the certificate chain, the TLSA records and the MTA-STS policy, and say whether delivery at the applicable "
        + "level would succeed. Sends no mail and writes nothing (the MTA-STS cache is read, never written)."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:delivery at that level would succeed (to at least one next hop)",
        "1:it would be refused or deferred",
        "2:usage or configuration error"})
public final class CheckPeerCommand implements Callable<Integer> {
    static final int EXIT_DELIVERS = 0;
    static final int EXIT_REFUSED = 1;
    static final int EXIT_USAGE = 2;
    static final String STS_FILE_NAME = "mta-sts.properties";

    static final class LevelConverter implements ITypeConverter<OutboundLevel> {
        @Override
        public OutboundLevel convert(String value) {
            try {
                return OutboundLevel.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown level '" + value + "' (expected one of "
                    + java.util.Arrays.stream(OutboundLevel.values()).map(OutboundLevel::token)
                        .collect(java.util.stream.Collectors.joining(", ")) + ")");
            }
        }
    }

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DESTINATION",
        description = "A domain (its row, then its route or MX hosts), or [host]:port (exactly that host; smtps:[host]:465 for implicit TLS).")
    String destination;

    @Option(names = "--level", paramLabel = "LEVEL", converter = LevelConverter.class,
        description = "Judge at this level instead of the row's: none, may, encrypt, verify, secure, fingerprint, dane, dane-only. "
            + "Default: the row's level; for a [host]:port no row routes to, dane with a DNSSEC resolver, else secure (as posttls-finger).")
    OutboundLevel level;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--home", paramLabel = "DIR",
        description = "Distribution directory holding conf/ (default: the one this command belongs to).")
    Path home = Path.of(System.getProperty("working.directory", "."));

    @Option(names = "--policy", paramLabel = "FILE", description = "TLS policy file (default: conf/tls-policy.conf).")
    Path policy;

    @Option(names = "--resolver", paramLabel = "HOST:PORT",
        description = "DNSSEC resolver for MX, address and TLSA lookups (default: dnssec.resolver of conf/dane.properties; "
            + "without either, MX from the system resolver and no TLSA, unless --level is dane or dane-only).")
    String resolver;

    @Option(names = "--trust-anchors", paramLabel = "FILE",
        description = "DNSSEC trust anchors, DS or DNSKEY lines in zone-file form (default: dnssec.trustAnchors, else the IANA root).")
    Path trustAnchors;

    @Option(names = "--helo", paramLabel = "NAME",
        description = "Name to say in EHLO (default: the hello name of the first SMTP listener in conf/, else localhost).")
    String helo;

    @Option(names = "--trust-store", paramLabel = "PEM",
        description = "CA certificates (PEM) to verify the peer against, instead of the row's ca= and the JVM's anchors.")
    Path trustStore;

    @Option(names = "--smtp-port", paramLabel = "PORT", defaultValue = "25",
        description = "Port of MX hosts, as the delivery's <smtpPort> (Postfix's smtp_tcp_port). Default: ${DEFAULT-VALUE}.")
    int smtpPort;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
        description = "Connect and read timeout per next hop. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        PeerTarget target = parseTarget();
        if (smtpPort < 1 || smtpPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--smtp-port must be 1-65535, was " + smtpPort);
        }
        if (timeoutSeconds <= 0) {
            throw new ParameterException(spec.commandLine(), "--timeout must be positive, was " + timeoutSeconds);
        }
        if (trustStore != null && !Files.isReadable(trustStore)) {
            throw new ParameterException(spec.commandLine(), "--trust-store: cannot read " + trustStore);
        }
        PrintWriter err = spec.commandLine().getErr();
        Path conf = home.resolve("conf");
        TlsPolicyTable table;
        Optional<DnssecLookups.Settings> configured;
        Optional<DnssecLookups> lookups;
        Optional<MtaStsWiring> sts;
        try {
            table = readTable(conf);
            configured = dnssecSettings(conf);
            lookups = lookups(configured);
            sts = mtaSts(conf, configured);
        } catch (ConfigurationProblem e) {
            err.println("check-peer: " + e.getMessage());
            err.flush();
            return EXIT_USAGE;
        }
        CheckPeer checkPeer = new CheckPeer(table, lookups, sts, smtpPort, heloName(conf),
            Duration.ofSeconds(timeoutSeconds), Clock.systemUTC());
        CheckPeerResult result;
        try {
            result = checkPeer.run(target, Optional.ofNullable(level), Optional.ofNullable(trustStore));
        } catch (IOException | IllegalArgumentException e) {
            err.println("check-peer: cannot set up TLS for the row: " + e.getMessage());
            err.flush();
            return EXIT_USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print(CheckPeerReport.toJson(result));
            out.flush();
        } else {
            CheckPeerReport.printText(out, result);
        }
        return result.outcome() == Outcome.DELIVER ? EXIT_DELIVERS : EXIT_REFUSED;
    }

    private PeerTarget parseTarget() {
        try {
            return PeerTarget.parse(destination);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private TlsPolicyTable readTable(Path conf) throws ConfigurationProblem {
        Path file = policy != null ? policy : conf.resolve("tls-policy.conf");
        if (!Files.exists(file)) {
            if (policy != null) {
                throw new ConfigurationProblem("--policy: no such file: " + file);
            }
            return TlsPolicyTable.empty();
        }
        Path base = file.toAbsolutePath().getParent();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return TlsPolicyTable.parse(file.getFileName().toString(), reader, written -> written.startsWith("file://")
                ? ConfiguredListener.resolve(home, written) : base.resolve(written).normalize());
        } catch (PolicyFileException | IllegalArgumentException e) {
            throw new ConfigurationProblem(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ConfigurationProblem(file + ": cannot be read: " + e.getMessage());
        }
    }

    /** DANE as the server has it ({@code conf/dane.properties}) or as {@code --resolver} gives it; empty: no DANE. */
    private Optional<DnssecLookups.Settings> dnssecSettings(Path conf) throws ConfigurationProblem {
        try {
            return DnssecResolver.settings(conf, Optional.ofNullable(resolver), Optional.ofNullable(trustAnchors), Clock.systemUTC());
        } catch (DaneConfiguration.Invalid | IllegalArgumentException | IllegalStateException e) {
            throw new ConfigurationProblem(e.getMessage());
        }
    }

    private Optional<DnssecLookups> lookups(Optional<DnssecLookups.Settings> configured) throws ConfigurationProblem {
        try {
            Optional<DnssecLookups.Settings> settings = configured;
            if (settings.isEmpty() && level != null && level.isDane()) {
                settings = Optional.of(DnssecLookups.Settings.builder(systemResolver()).build());
            }
            return settings.map(DnssecLookups::new);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConfigurationProblem(e.getMessage());
        }
    }

    /**
     * MTA-STS as the server has it: {@code conf/mta-sts.properties} read by the server's reader, on when
     * {@code sts.enabled=true} and DANE is configured (the server looks up {@code _mta-sts} TXT records through the
     * DANE resolver and refuses one without the other); the cache is the server's, read only.
     */
    private Optional<MtaStsWiring> mtaSts(Path conf, Optional<DnssecLookups.Settings> dnssec) throws ConfigurationProblem {
        Path file = conf.resolve(STS_FILE_NAME);
        if (dnssec.isEmpty() || !Files.exists(file)) {
            return Optional.empty();
        }
        try {
            StsConfiguration configuration = StsConfiguration.read(file);
            if (!configuration.enabled()) {
                return Optional.empty();
            }
            StsPolicyCache cache = StsPolicyCache.readOnly(MtaStsWiring.cacheDirectory(configuration, home), Clock.systemUTC());
            return Optional.of(MtaStsWiring.of(configuration, cache, dnssec.get(), Clock.systemUTC()));
        } catch (StsConfiguration.Invalid e) {
            throw new ConfigurationProblem(e.getMessage());
        } catch (IOException | java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigurationProblem(file + ": " + StsConfiguration.TRUST_ANCHORS + " or " + StsConfiguration.CACHE_DIRECTORY
                + ": " + e.getMessage());
        }
    }

    private static java.net.InetSocketAddress systemResolver() {
        List<java.net.InetSocketAddress> servers = org.xbill.DNS.ResolverConfig.getCurrentConfig().servers();
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no system resolver found: give --resolver host:port");
        }
        return servers.get(0);
    }

    private String heloName(Path conf) {
        if (helo != null) {
            return helo;
        }
        try {
            for (ConfiguredListener listener : ListenerConfiguration.read(conf)) {
                if (listener.file().startsWith("smtp") && listener.helloName().isPresent()) {
                    return listener.helloName().get();
                }
            }
        } catch (Exception e) {
            // no readable listener configuration: a neutral name
        }
        return "localhost";
    }

    private static final class ConfigurationProblem extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigurationProblem(String message) {
            super(message);
        }
    }
}
