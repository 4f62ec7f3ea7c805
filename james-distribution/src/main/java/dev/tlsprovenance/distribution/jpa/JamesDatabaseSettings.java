package dev.tlsprovenance.distribution.jpa;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code conf/james-database.properties} read whole, as OpenJPA properties: the same keys and the same mapping as
 * James 3.8.1's JPA server ({@code database.*} to {@code openjpa.Connection*}, {@code datasource.*} to OpenJPA's
 * connection properties, {@code openjpa.*} as they are). {@code vendorAdapter.database} and {@code openjpa.streaming}
 * are accepted for compatibility with James's file and have no effect here, as in James's Guice server.
 */
public final class JamesDatabaseSettings {
    static final String FILE_NAME = "james-database";
    static final String DRIVER = "database.driverClassName";
    static final String URL = "database.url";
    static final String USERNAME = "database.username";
    static final String PASSWORD = "database.password";

    private final String driverClassName;
    private final String url;
    private final Map<String, String> openJpaProperties;

    private JamesDatabaseSettings(String driverClassName, String url, Map<String, String> openJpaProperties) {
        this.driverClassName = driverClassName;
        this.url = url;
        this.openJpaProperties = Map.copyOf(openJpaProperties);
    }

    /** Fails naming the file and the key when the driver or URL is missing, or only one of user and password is set. */
    public static JamesDatabaseSettings from(Map<String, String> file) {
        String driver = required(file, DRIVER);
        String url = required(file, URL);
        Optional<String> username = value(file, USERNAME);
        Optional<String> password = value(file, PASSWORD);
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("conf/james-database.properties: set both " + USERNAME + " and " + PASSWORD
                + " or neither (only " + (username.isPresent() ? USERNAME : PASSWORD) + " is set)");
        }
        Map<String, String> openJpa = new LinkedHashMap<>();
        openJpa.put("openjpa.ConnectionDriverName", driver);
        openJpa.put("openjpa.ConnectionURL", url);
        username.ifPresent(user -> openJpa.put("openjpa.ConnectionUserName", user));
        password.ifPresent(secret -> openJpa.put("openjpa.ConnectionPassword", secret));
        openJpa.put("openjpa.Multithreaded", value(file, "openjpa.Multithreaded").orElse("true"));

        List<String> connection = new ArrayList<>();
        value(file, "datasource.testOnBorrow").ifPresent(on -> connection.add("TestOnBorrow=" + on));
        value(file, "datasource.validationQueryTimeoutSec")
            .ifPresent(seconds -> connection.add("ValidationTimeout=" + positive(seconds, "datasource.validationQueryTimeoutSec") * 1000L));
        value(file, "datasource.validationQuery").ifPresent(query -> connection.add("ValidationSQL='" + query + "'"));
        value(file, "datasource.maxTotal").ifPresent(max -> connection.add("MaxTotal=" + max));
        new TreeMap<>(file).forEach((key, value) -> {
            if (key.startsWith("datasource.") && !List.of("datasource.testOnBorrow", "datasource.validationQueryTimeoutSec",
                    "datasource.validationQuery", "datasource.maxTotal").contains(key)) {
                connection.add(key.substring("datasource.".length()) + "=" + value);
            }
            if (key.startsWith("openjpa.") && !key.equals("openjpa.streaming") && !key.equals("openjpa.Multithreaded")) {
                openJpa.put(key, value);
            }
        });
        if (!connection.isEmpty()) {
            openJpa.put("openjpa.ConnectionProperties", String.join(",", connection));
        }
        return new JamesDatabaseSettings(driver, url, openJpa);
    }

    String driverClassName() {
        return driverClassName;
    }

    String url() {
        return url;
    }

    boolean isEmbeddedDerby() {
        return url.startsWith("jdbc:derby:") && !url.startsWith("jdbc:derby://");
    }

    /** The properties handed to {@code Persistence.createEntityManagerFactory}; the password is among them. */
    Map<String, String> openJpaProperties() {
        return openJpaProperties;
    }

    private static String required(Map<String, String> file, String key) {
        return value(file, key).orElseThrow(() -> new IllegalArgumentException(
            "conf/james-database.properties: " + key + " is missing (see the README, \"Pointing the server at PostgreSQL\")"));
    }

    private static Optional<String> value(Map<String, String> file, String key) {
        return Optional.ofNullable(file.get(key)).map(String::trim).filter(text -> !text.isEmpty());
    }

    private static long positive(String text, String key) {
        try {
            long value = Long.parseLong(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("conf/james-database.properties: " + key + " must be a positive number of seconds, not '" + text + "'");
    }

    @Override
    public String toString() {
        return "JamesDatabaseSettings[driver=" + driverClassName + ", url=" + url + "]";
    }
}
