package dev.tlsprovenance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.apache.james.jwt.JwtConfiguration;
import org.apache.james.jwt.JwtTokenVerifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tlsprovenance.distribution.webadmin.WebAdminKeys;
import dev.tlsprovenance.distribution.webadmin.WebAdminSettings;
import picocli.CommandLine;

/** {@code tls-provenance admin-token} against the shipped conf/webadmin.properties, checked by James's own verifier. */
class AdminTokenCommandTest {
    @TempDir
    Path home;

    @BeforeEach
    void installShippedConfigurationAndKeys() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.copy(Path.of("../conf/webadmin.properties"), home.resolve("conf/webadmin.properties"));
        WebAdminKeys.generateMissing(WebAdminSettings.read(home).orElseThrow());
    }

    @Test
    void printsOneTokenJamesAcceptsForAnAdminValidForAnHourByDefault() throws Exception {
        Result result = adminToken();
        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        String token = result.out().strip();
        assertThat(result.out()).isEqualTo(token + System.lineSeparator());

        JwtTokenVerifier james = JwtTokenVerifier.create(new JwtConfiguration(
            List.of(Files.readString(home.resolve("var/webadmin/jwt-public.pem")))));
        assertThat(james.verifyAndExtractLogin(token)).contains("admin");
        assertThat(james.hasAttribute("admin", true, token)).isTrue();
        JsonNode claims = claims(token);
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(3600);
        assertThat(new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0])).get("alg").asText())
            .isEqualTo("RS256");
    }

    @Test
    void validForAndSubjectSetTheClaims() throws Exception {
        for (String[] lifetime : new String[][] {{"90s", "90"}, {"30m", "1800"}, {"12h", "43200"}, {"7d", "604800"},
                {"PT2H", "7200"}, {"366d", "31622400"}}) {
            Result result = adminToken("--valid-for", lifetime[0], "--subject", "ops@example.test");
            assertThat(result.exitCode()).as(lifetime[0]).isZero();
            JsonNode claims = claims(result.out().strip());
            assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).as(lifetime[0]).isEqualTo(Long.parseLong(lifetime[1]));
            assertThat(claims.get("sub").asText()).isEqualTo("ops@example.test");
        }
    }

    @Test
    void aLifetimeThatIsNotPositiveOrLongerThanAYearIsAUsageError() {
        for (String bad : List.of("0s", "-1h", "PT-1H", "367d", "forever", "1w", "")) {
            Result result = adminToken("--valid-for", bad);
            assertThat(result.exitCode()).as(bad).isEqualTo(AdminTokenCommand.EXIT_USAGE);
            assertThat(result.out()).as(bad).isEmpty();
            assertThat(result.err()).as(bad).contains("--valid-for");
        }
        assertThat(adminToken("--subject", " ").exitCode()).isEqualTo(AdminTokenCommand.EXIT_USAGE);
    }

    @Test
    void saysWhyWhenNoTokenCanBeMade() throws Exception {
        Path key = home.resolve("var/webadmin/jwt-private.pem");
        Files.delete(key);
        Result missing = adminToken();
        assertThat(missing.exitCode()).isEqualTo(AdminTokenCommand.EXIT_NO_TOKEN);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).isEqualTo("admin-token: no " + key + ": start the server once (bin/james-server), it generates the key"
            + System.lineSeparator());

        Path conf = home.resolve("conf/webadmin.properties");
        Files.writeString(conf, Files.readString(conf).replace("jwt.enabled=true", "jwt.enabled=false"));
        assertThat(adminToken().err()).isEqualTo("admin-token: " + conf + " has jwt.enabled=false: WebAdmin takes no token"
            + System.lineSeparator());
    }

    @Test
    void aKeyOthersCannotReadIsReportedAsSuch() throws Exception {
        Path key = home.resolve("var/webadmin/jwt-private.pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(key), "running as root: every file is readable");
        assertThat(adminToken().err()).contains("cannot read " + key + ": run this as the server's user");
    }

    private static JsonNode claims(String token) throws Exception {
        return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }

    private Result adminToken(String... options) {
        List<String> arguments = new ArrayList<>(List.of("admin-token", "--home", home.toString()));
        arguments.addAll(List.of(options));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TlsProvenanceCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exitCode = cli.execute(arguments.toArray(String[]::new));
        return new Result(exitCode, out.toString(), err.toString());
    }

    private record Result(int exitCode, String out, String err) {
    }
}
