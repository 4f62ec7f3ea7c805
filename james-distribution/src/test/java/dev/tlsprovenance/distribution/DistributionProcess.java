package dev.tlsprovenance.distribution;

import static org.awaitility.Awaitility.await;

import dev.tlsprovenance.testing.ports.ListenerPorts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The packaged distribution run as a separate process, exactly as the README says: a copy of
 * {@code target/james-tls-provenance/} started with {@code bin/james-server}, ports overridden through
 * {@code JAVA_OPTS=-Djames.<listener>.port=N}, all bound to loopback.
 */
final class DistributionProcess implements AutoCloseable {
    static final List<String> LISTENERS = List.of("smtp", "smtps", "submission", "imap", "imaps", "webadmin");

    private final Path home;
    private final Map<String, Integer> ports;
    private final Path consoleLog;
    private final List<String> extraJavaOptions = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Process process;
    /** Where this start's output begins in the console log, which every start appends to. */
    private long consoleOffset;
    private TestDatabase database;

    private DistributionProcess(Path home, Map<String, Integer> ports) {
        this.home = home;
        this.ports = ports;
        this.consoleLog = home.resolve("var/console.log");
    }

    /** Copies the built distribution into {@code directory} (fresh conf/ and var/) and picks free loopback ports. */
    static DistributionProcess installInto(Path directory) throws IOException {
        Path built = Path.of(System.getProperty("tlsprovenance.distribution", "target/james-tls-provenance"));
        if (!Files.isExecutable(built.resolve("bin/james-server"))) {
            throw new IllegalStateException("no packaged distribution at " + built.toAbsolutePath() + ": run mvn package first");
        }
        copyTree(built, directory);
        // The shipped default row is outbound=dane, whose DNSSEC lookups go to the machine's resolver: no test may ask
        // it (no network beyond loopback), so the copies under test deliver row-less destinations at may. DaneIT
        // switches its copy back to dane against the test DNSSEC server.
        Path policy = directory.resolve("conf/tls-policy.conf");
        String shipped = Files.readString(policy);
        String forTests = shipped.replaceFirst("(?m)^(default\\s.*)outbound=dane", "$1outbound=may");
        if (forTests.equals(shipped)) {
            throw new IllegalStateException("the shipped " + policy + " has no 'default ... outbound=dane' row any more");
        }
        Files.writeString(policy, forTests);
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String listener : LISTENERS) {
            ports.put(listener, ListenerPorts.unused());
        }
        DistributionProcess installed = new DistributionProcess(directory, ports);
        if (TestDatabase.postgresqlRequested()) {
            installed.database = TestDatabase.createPostgresqlDatabase();
            installed.database.writeJamesDatabaseProperties(directory.resolve("conf/james-database.properties"));
        }
        return installed;
    }

    /**
     * The PostgreSQL database of this installation when the tests run against PostgreSQL
     * ({@code -Dtlsprovenance.database=postgresql}, the interop profile's second run); empty on the default Derby.
     */
    java.util.Optional<TestDatabase> database() {
        return java.util.Optional.ofNullable(database);
    }

    Path home() {
        return home;
    }

    int port(String listener) {
        return ports.get(listener);
    }

    String javaOpts() {
        return "-Djames.bind.address=127.0.0.1 " + ports.entrySet().stream()
            .map(entry -> "-Djames." + entry.getKey() + ".port=" + entry.getValue())
            .collect(Collectors.joining(" "))
            + extraJavaOptions.stream().map(option -> " " + option).collect(Collectors.joining());
    }

    /** One more JAVA_OPTS option for the server and the CLI, e.g. {@code -Djames.hostname=mx.example.test}; before start(). */
    DistributionProcess withJavaOption(String option) {
        extraJavaOptions.add(option);
        return this;
    }

    /** An environment variable for {@code bin/james-server} at every later {@link #start()}, e.g. {@code JAMES_CDS=off}. */
    DistributionProcess environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    DistributionProcess start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/james-server").toString())
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()));
        builder.environment().put("JAVA_OPTS", javaOpts());
        builder.environment().put("JAMES_HEAP", "384m");
        builder.environment().putAll(environment);
        Files.createDirectories(consoleLog.getParent());
        consoleOffset = Files.exists(consoleLog) ? Files.size(consoleLog) : 0;
        process = builder.start();
        return this;
    }

    /** Waits until the SMTP listener answers with its 220 greeting; fails early if the process died. */
    DistributionProcess awaitAcceptingSmtp() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("james-server exited with " + process.exitValue() + ":\n" + console());
            }
            return smtpGreets(port("smtp"));
        });
        return this;
    }

    /** Waits for the start-up line logged once every listener, WebAdmin included, is up. */
    DistributionProcess awaitStarted() {
        awaitAcceptingSmtp();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("james-server exited with " + process.exitValue() + ":\n" + console());
            }
            // this start's line, not the one an earlier start left in the appended log
            return consoleSinceStart().contains("James TLS Provenance accepting connections");
        });
        return this;
    }

    static boolean smtpGreets(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2000);
            InputStream in = socket.getInputStream();
            byte[] greeting = new byte[3];
            boolean greeted = in.readNBytes(greeting, 0, 3) == 3 && new String(greeting, StandardCharsets.US_ASCII).equals("220");
            OutputStream out = socket.getOutputStream();
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return greeted;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code bin/tls-provenance ARGS} of this distribution as the README says; returns exit code and stdout+stderr. */
    CommandResult tlsProvenance(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/tls-provenance").toString());
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile(home.resolve("var"), "cli-", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
            .redirectOutput(output.toFile());
        // The same JAVA_OPTS as the server, so the CLI reads the same templated ports and names from conf/.
        builder.environment().put("JAVA_OPTS", javaOpts());
        Process cli = builder.start();
        if (!cli.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            cli.destroyForcibly();
            throw new AssertionError("tls-provenance " + arguments[0] + " did not finish: " + Files.readString(output));
        }
        return new CommandResult(cli.exitValue(), Files.readString(output));
    }

    record CommandResult(int exitCode, String output) {
    }

    /** A WebAdmin bearer token for this server, from {@code bin/tls-provenance admin-token} as the README says. */
    String adminToken(String... options) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("admin-token"));
        arguments.addAll(List.of(options));
        CommandResult result = tlsProvenance(arguments.toArray(String[]::new));
        List<String> tokens = result.output().lines().filter(line -> JWT.matcher(line).matches()).toList();
        if (result.exitCode() != 0 || tokens.size() != 1) {
            throw new AssertionError("admin-token exited " + result.exitCode() + " with: " + result.output());
        }
        return tokens.get(0);
    }

    private static final java.util.regex.Pattern JWT = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    Process process() {
        return process;
    }

    /** kill -9: no shutdown hook, no flush. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("james-server still running after " + timeout + ":\n" + console());
        }
        return process.exitValue();
    }

    /** The console output of the latest {@link #start()} only. */
    String consoleSinceStart() {
        try {
            if (!Files.exists(consoleLog)) {
                return "";
            }
            byte[] all = Files.readAllBytes(consoleLog);
            int from = (int) Math.min(consoleOffset, all.length);
            return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String console() {
        try {
            return Files.exists(consoleLog) ? Files.readString(consoleLog) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** What a server started inside target/ leaves behind: never part of a fresh installation. */
    private static boolean isRuntimeState(String relative) {
        return relative.startsWith("var/store") || relative.startsWith("var/mail") || relative.startsWith("var/log")
            || relative.startsWith("var/tls-ledger") || relative.startsWith("var/tls-posture") || relative.startsWith("var/webadmin") || relative.endsWith(".jsa") || relative.equals("conf/keystore.p12");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(from)) {
            paths = new ArrayList<>(walk.toList());
        }
        for (Path source : paths) {
            String relative = from.relativize(source).toString();
            if (isRuntimeState(relative)) {
                continue;
            }
            Path target = to.resolve(relative);
            if (Files.isDirectory(source)) {
                Files.createDirectories(target);
            } else {
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }
}
