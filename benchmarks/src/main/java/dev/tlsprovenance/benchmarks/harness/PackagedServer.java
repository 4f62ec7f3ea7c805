package dev.tlsprovenance.benchmarks.harness;

import dev.tlsprovenance.testing.ports.ListenerPorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged distribution ({@code james-distribution/target/james-tls-provenance}, or {@code bench.distribution})
 * as the benchmarks run it: a fresh copy in a temporary directory (no store, mail, logs, ledgers or keystore of an
 * earlier run), every listener on a free loopback port through {@code JAVA_OPTS}, started with
 * {@code bin/james-server} and administered through WebAdmin with a token from {@code bin/tls-provenance admin-token}.
 * Change {@link #conf()} files between {@link #install} and {@link #start}.
 */
public final class PackagedServer implements AutoCloseable {
    private static final List<String> LISTENERS = List.of("smtp", "smtps", "submission", "imap", "imaps", "webadmin");

    private final Path home;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String extraJavaOptions = "";
    private Process process;
    private String token;

    private PackagedServer(Path home) {
        this.home = home;
        for (String listener : LISTENERS) {
            ports.put(listener, ListenerPorts.unused());
        }
    }

    /** Copies the built distribution into a new temporary directory. */
    public static PackagedServer install() throws IOException {
        Path built = Path.of(System.getProperty("bench.distribution", "james-distribution/target/james-tls-provenance")).toAbsolutePath();
        if (!Files.isExecutable(built.resolve("bin/james-server"))) {
            throw new IllegalStateException("no packaged distribution at " + built + ": build james-distribution first");
        }
        Path home = Files.createTempDirectory("packaged-server-");
        copyDistribution(built, home);
        return new PackagedServer(home);
    }

    public Path home() {
        return home;
    }

    public Path conf() {
        return home.resolve("conf");
    }

    public int port(String listener) {
        return ports.get(listener);
    }

    /** An environment variable for {@code bin/james-server}, e.g. {@code JAMES_HEAP=512m}; before {@link #start}. */
    public PackagedServer environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Options appended to the server's JAVA_OPTS (after the port settings); before {@link #start}. */
    public PackagedServer javaOptions(String options) {
        this.extraJavaOptions = options;
        return this;
    }

    public String javaOpts() {
        StringBuilder options = new StringBuilder("-Djames.bind.address=127.0.0.1");
        ports.forEach((listener, port) -> options.append(" -Djames.").append(listener).append(".port=").append(port));
        return options.append(extraJavaOptions).toString();
    }

    /** Starts {@code bin/james-server} and waits until it logs that every listener accepts connections. */
    public PackagedServer start() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/james-server").toString()).directory(home.toFile())
            .redirectErrorStream(true).redirectOutput(console().toFile());
        builder.environment().put("JAVA_OPTS", javaOpts());
        builder.environment().putAll(environment);
        process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited: " + Files.readString(console()));
            }
            if (Files.readString(console()).contains("James TLS Provenance accepting connections")) {
                return this;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("server did not start within 180 s");
    }

    /** {@code bin/james-server} and, below it, the server JVM. */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /** PUT on a WebAdmin route ({@code json} null: no body), failing unless it answers 2xx. */
    public void webAdminPut(String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port("webadmin") + path))
            .header("Authorization", "Bearer " + adminToken()).timeout(Duration.ofSeconds(30));
        request = json == null ? request.PUT(HttpRequest.BodyPublishers.noBody())
            : request.header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("PUT " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Creates a user (its domain must exist: {@code webAdminPut("/domains/DOMAIN", null)}). */
    public void addUser(String address, String password) throws Exception {
        webAdminPut("/users/" + address, "{\"password\":\"" + password + "\"}");
    }

    private String adminToken() throws Exception {
        if (token == null) {
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/tls-provenance").toString(), "admin-token")
                .directory(home.toFile()).redirectErrorStream(true);
            builder.environment().put("JAVA_OPTS", javaOpts());
            Process cli = builder.start();
            String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            cli.waitFor();
            token = output.lines().filter(line -> line.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"))
                .findFirst().orElseThrow(() -> new IllegalStateException("no token: " + output));
        }
        return token;
    }

    private Path console() {
        return home.resolve("console.log");
    }

    /** Stops the server and deletes its copy (a quarter of a gigabyte each, one per into-mailbox round). */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        try (Stream<Path> paths = Files.walk(home)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory is harmless
        }
    }

    private static void copyDistribution(Path from, Path to) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(from)) {
            paths = walk.sorted(Comparator.naturalOrder()).toList();
        }
        for (Path source : paths) {
            String relative = from.relativize(source).toString();
            if (relative.startsWith("var/store") || relative.startsWith("var/mail") || relative.startsWith("var/log")
                    || relative.startsWith("var/webadmin") || relative.startsWith("var/tls-") || relative.equals("conf/keystore.p12")) {
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
