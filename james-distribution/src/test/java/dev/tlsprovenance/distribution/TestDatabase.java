package dev.tlsprovenance.distribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * A fresh PostgreSQL database for one packaged server, so that tests running at the same time never see each other's
 * domains, users or mailboxes. Used when the distribution tests run with {@code -Dtlsprovenance.database=postgresql}
 * (the interop profile's PostgreSQL run; {@code .ci/run} starts Debian's PostgreSQL and creates the role):
 *
 * <pre>
 * -Dtlsprovenance.postgresql.url=jdbc:postgresql://127.0.0.1:5432/   (server, no database name)
 * -Dtlsprovenance.postgresql.user=tlsprovenance_test                 (a role with CREATEDB)
 * -Dtlsprovenance.postgresql.password=tlsprovenance-test
 * -Dtlsprovenance.postgresql.required=true                           (unreachable: fail, not skip)
 * </pre>
 */
final class TestDatabase {
    private final String serverUrl;
    private final String user;
    private final String password;
    private final String name;

    private TestDatabase(String serverUrl, String user, String password, String name) {
        this.serverUrl = serverUrl;
        this.user = user;
        this.password = password;
        this.name = name;
    }

    static boolean postgresqlRequested() {
        return "postgresql".equalsIgnoreCase(System.getProperty("tlsprovenance.database", "derby"));
    }

    static TestDatabase createPostgresqlDatabase() {
        String serverUrl = System.getProperty("tlsprovenance.postgresql.url", "jdbc:postgresql://127.0.0.1:5432/");
        String user = System.getProperty("tlsprovenance.postgresql.user", "tlsprovenance_test");
        String password = System.getProperty("tlsprovenance.postgresql.password", "tlsprovenance-test");
        String name = "james_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        TestDatabase database = new TestDatabase(serverUrl, user, password, name);
        // Dropped when the test JVM exits, not when a test closes its server: some tests start a closed server again.
        Runtime.getRuntime().addShutdownHook(new Thread(database::drop, "drop-" + name));
        try (Connection admin = DriverManager.getConnection(serverUrl + "postgres", user, password);
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            String reason = "PostgreSQL at " + serverUrl + " as " + user + " cannot create a test database: " + e.getMessage()
                + " (.ci/run installs and starts Debian's PostgreSQL and creates the role)";
            if (Boolean.getBoolean("tlsprovenance.postgresql.required")) {
                throw new AssertionError(reason, e);
            }
            Assumptions.assumeTrue(false, reason);
        }
        return database;
    }

    String jdbcUrl() {
        return serverUrl + name;
    }

    String name() {
        return name;
    }

    /** The file an administrator writes to point the server at PostgreSQL (README, "Pointing the server at PostgreSQL"). */
    void writeJamesDatabaseProperties(Path file) throws IOException {
        Files.writeString(file, String.join("\n",
            "database.driverClassName=org.postgresql.Driver",
            "database.url=" + jdbcUrl(),
            "database.username=" + user,
            "database.password=" + password,
            "vendorAdapter.database=POSTGRESQL",
            "openjpa.streaming=false",
            "datasource.testOnBorrow=true",
            "datasource.validationQuery=select 1",
            "datasource.validationQueryTimeoutSec=5",
            ""));
    }

    /** Drops the database once the servers are gone; a leftover database is only disk space, so errors are ignored. */
    void drop() {
        try (Connection admin = DriverManager.getConnection(serverUrl + "postgres", user, password);
             Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name);
        } catch (SQLException e) {
            System.err.println("could not drop test database " + name + ": " + e.getMessage());
        }
    }
}
