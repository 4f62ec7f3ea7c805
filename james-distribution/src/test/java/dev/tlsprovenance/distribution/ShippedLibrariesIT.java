package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jars in the packaged {@code lib/} where the distribution ships newer libraries than James 3.8.1 was released
 * with, because of known vulnerabilities: ActiveMQ 5.18.6 instead of 5.17.3 (CVE-2023-46604) and dnsjava 3.6.3
 * instead of 3.5.2 (CVE-2024-25638). And the persistent store's libraries, without a second copy of an API.
 */
class ShippedLibrariesIT {
    private static final String ACTIVEMQ = "5.18.6";
    private static final String DNSJAVA = "3.6.3";

    static List<String> lib;
    static Path libDirectory;

    @BeforeAll
    static void listLib() throws IOException {
        libDirectory = Path.of(System.getProperty("tlsprovenance.distribution", "target/james-tls-provenance")).resolve("lib");
        try (Stream<Path> jars = Files.list(libDirectory)) {
            lib = jars.map(jar -> jar.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void activeMqClassicIsVersion5186Only() {
        // activemq-protobuf is a separate project (org.apache.activemq.protobuf) with its own version numbers.
        List<String> activeMq = lib.stream().filter(jar -> jar.startsWith("activemq-") && !jar.startsWith("activemq-protobuf-"))
            .collect(Collectors.toList());
        assertThat(activeMq).containsExactlyInAnyOrder(
            "activemq-broker-" + ACTIVEMQ + ".jar",
            "activemq-client-" + ACTIVEMQ + ".jar",
            "activemq-kahadb-store-" + ACTIVEMQ + ".jar",
            "activemq-openwire-legacy-" + ACTIVEMQ + ".jar");
        assertThat(lib).noneMatch(jar -> jar.startsWith("activemq-") && jar.contains("-5.17."));
    }

    @Test
    void dnsjavaIsVersion363Only() {
        assertThat(lib.stream().filter(jar -> jar.startsWith("dnsjava-"))).containsExactly("dnsjava-" + DNSJAVA + ".jar");
    }

    /** One javax.jms API on the class path: two spec jars would let whichever comes first win, class by class. */
    @Test
    void exactlyOneJarProvidesTheJavaxJmsApi() throws IOException {
        List<String> providers = lib.stream().filter(jar -> provides(jar, "javax/jms/ConnectionFactory.class"))
            .collect(Collectors.toList());
        assertThat(providers).hasSize(1);
    }

    /**
     * The persistent store's libraries: James 3.8.1's JPA stores with the Derby version James 3.8.1's BOM manages, the
     * PostgreSQL driver, and one JPA API (OpenJPA's own Geronimo spec jar; its JMS 1.1 spec jar is excluded, see above).
     */
    @Test
    void persistentStoreLibrariesAreJames381JpaWithItsDerbyAndOnePostgresqlDriver() throws IOException {
        assertThat(lib).contains("apache-james-mailbox-jpa-3.8.1.jar", "james-server-data-jpa-3.8.1.jar",
            "apache-james-backends-jpa-3.8.1.jar", "openjpa-3.2.0.jar");
        assertThat(lib.stream().filter(jar -> jar.startsWith("derby"))).containsExactly("derby-10.14.2.0.jar");
        assertThat(lib.stream().filter(jar -> jar.startsWith("postgresql-"))).containsExactly("postgresql-42.7.4.jar");
        assertThat(lib.stream().filter(jar -> provides(jar, "javax/persistence/EntityManager.class")))
            .containsExactly("geronimo-jpa_2.2_spec-1.1.jar");
        assertThat(lib).noneMatch(jar -> jar.startsWith("geronimo-jms_"));
    }

    private static boolean provides(String jar, String entry) {
        try (ZipFile zip = new ZipFile(libDirectory.resolve(jar).toFile())) {
            return zip.getEntry(entry) != null;
        } catch (IOException e) {
            throw new AssertionError("cannot read " + jar, e);
        }
    }
}
