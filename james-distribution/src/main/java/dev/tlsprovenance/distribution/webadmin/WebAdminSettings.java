package dev.tlsprovenance.distribution.webadmin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.builder.fluent.Configurations;
import org.apache.commons.configuration2.ex.ConfigurationException;

import dev.tlsprovenance.distribution.ConfiguredListener;

/**
 * What the distribution needs from {@code conf/webadmin.properties}, read as James reads it ({@code ${sys:...}}
 * templates applied): whether WebAdmin runs, whether it checks tokens (James's {@code jwt.enabled}), the public key
 * James checks them with ({@code jwt.publickeypem.url}) and the private key this distribution signs them with
 * ({@code jwt.privatekeypem.url}, read only by us: James never sees it).
 */
public record WebAdminSettings(
        Path file,
        boolean enabled,
        String host,
        int port,
        boolean jwtEnabled,
        Optional<Path> publicKey,
        Optional<Path> privateKey) {

    public static final String FILE = "conf/webadmin.properties";
    static final String PUBLIC_KEY = "jwt.publickeypem.url";
    static final String PRIVATE_KEY = "jwt.privatekeypem.url";

    /** Empty when there is no {@code conf/webadmin.properties} (James then runs without WebAdmin). */
    public static Optional<WebAdminSettings> read(Path workingDirectory) throws ConfigurationException {
        Path file = workingDirectory.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        PropertiesConfiguration properties = new Configurations().properties(file.toFile());
        return Optional.of(new WebAdminSettings(file,
            properties.getBoolean("enabled", false),
            properties.getString("host", "localhost"),
            properties.getInt("port", 8080),
            properties.getBoolean("jwt.enabled", false),
            path(workingDirectory, properties.getString(PUBLIC_KEY, null)),
            path(workingDirectory, properties.getString(PRIVATE_KEY, null))));
    }

    private static Optional<Path> path(Path workingDirectory, String url) {
        return Optional.ofNullable(url).filter(value -> !value.isBlank())
            .map(value -> ConfiguredListener.resolve(workingDirectory, value.strip()));
    }
}
