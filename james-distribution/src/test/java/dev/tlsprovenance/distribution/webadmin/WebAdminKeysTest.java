package dev.tlsprovenance.distribution.webadmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.james.jwt.JwtConfiguration;
import org.apache.james.jwt.JwtTokenVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** First-start key generation, checked with James's own JWT verifier. */
class WebAdminKeysTest {
    @TempDir
    Path home;

    @Test
    void generatesAnOwnerOnlyPairWhoseTokensJamesAccepts() throws Exception {
        WebAdminSettings settings = settings();
        assertThat(WebAdminKeys.generateMissing(settings)).containsExactly(privateKey(), publicKey());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(publicKey()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey().getParent()))).isEqualTo("rwx------");

        JwtTokenVerifier james = JwtTokenVerifier.create(new JwtConfiguration(List.of(Files.readString(publicKey()))));
        Instant now = Instant.now();
        String token = AdminTokens.issue(WebAdminKeys.readPrivateKey(privateKey()), "ops", now, now.plus(Duration.ofMinutes(5)));
        assertThat(james.verifyAndExtractLogin(token)).contains("ops");
        assertThat(james.hasAttribute("admin", true, token)).isTrue();
        String expired = AdminTokens.issue(WebAdminKeys.readPrivateKey(privateKey()), "ops", now.minusSeconds(120), now.minusSeconds(60));
        assertThat(james.verifyAndExtractLogin(expired)).isEmpty();
    }

    @Test
    void neverOverwritesAndRestoresOnlyAMissingPublicKey() throws Exception {
        WebAdminKeys.generateMissing(settings());
        byte[] privateBytes = Files.readAllBytes(privateKey());
        byte[] publicBytes = Files.readAllBytes(publicKey());

        assertThat(WebAdminKeys.generateMissing(settings())).isEmpty();
        assertThat(Files.readAllBytes(privateKey())).isEqualTo(privateBytes);

        Files.delete(publicKey());
        assertThat(WebAdminKeys.generateMissing(settings())).containsExactly(publicKey());
        assertThat(Files.readAllBytes(publicKey())).isEqualTo(publicBytes);
        assertThat(Files.readAllBytes(privateKey())).isEqualTo(privateBytes);
    }

    @Test
    void anAdministratorsPublicKeyIsLeftAloneAndNothingIsGenerated() throws Exception {
        Files.createDirectories(publicKey().getParent());
        Files.writeString(publicKey(), "the issuer's key");
        assertThat(WebAdminKeys.generateMissing(settings())).isEmpty();
        assertThat(privateKey()).doesNotExist();
    }

    @Test
    void tokenChecksWithoutAKeyToCheckWithAreAConfigurationErrorNamingTheFile() {
        WebAdminSettings noPublicKey = new WebAdminSettings(home.resolve("conf/webadmin.properties"), true, "127.0.0.1", 8000,
            true, Optional.empty(), Optional.of(privateKey()));
        assertThatThrownBy(() -> WebAdminKeys.generateMissing(noPublicKey))
            .hasMessageContaining("conf/webadmin.properties: jwt.enabled=true needs jwt.publickeypem.url");
        WebAdminSettings noPrivateKey = new WebAdminSettings(home.resolve("conf/webadmin.properties"), true, "127.0.0.1", 8000,
            true, Optional.of(publicKey()), Optional.empty());
        assertThatThrownBy(() -> WebAdminKeys.generateMissing(noPrivateKey))
            .hasMessageContaining("does not exist, and no jwt.privatekeypem.url is set");
    }

    @Test
    void readsTheShippedConfiguration() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.copy(Path.of("../conf/webadmin.properties"), home.resolve("conf/webadmin.properties"));
        WebAdminSettings settings = WebAdminSettings.read(home).orElseThrow();
        assertThat(settings.enabled()).isTrue();
        assertThat(settings.jwtEnabled()).isTrue();
        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.publicKey()).contains(publicKey());
        assertThat(settings.privateKey()).contains(privateKey());
    }

    private WebAdminSettings settings() {
        return new WebAdminSettings(home.resolve("conf/webadmin.properties"), true, "127.0.0.1", 8000, true,
            Optional.of(publicKey()), Optional.of(privateKey()));
    }

    private Path privateKey() {
        return home.resolve("var/webadmin/jwt-private.pem");
    }

    private Path publicKey() {
        return home.resolve("var/webadmin/jwt-public.pem");
    }
}
