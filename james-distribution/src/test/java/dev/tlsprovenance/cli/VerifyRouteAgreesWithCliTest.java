package dev.tlsprovenance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tlsprovenance.verify.ReceivedCorpus;
import dev.tlsprovenance.webadmin.VerifyRoutes;

import picocli.CommandLine;
import spark.Service;

/**
 * The dashboard's analyzer and the CLI never disagree: for every Received line of the corpus (as a two-hop header
 * block), each trust setting and both ways of naming the input (standard input / a {@code .eml} file), the body of
 * {@code POST /tls/verify} is byte for byte what {@code tls-provenance verify --json} prints.
 */
class VerifyRouteAgreesWithCliTest {
    private static final String INNER_HOP = "Received: from mx.example.test (mx.example.test [10.0.0.2])\r\n"
        + "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n"
        + "\t(No client certificate requested)\r\n"
        + "\tby store.example.test (Postfix) with ESMTPS id 3C;\r\n"
        + "\tMon, 30 Nov 2026 09:00:03 +0000 (UTC)\r\n";

    /** CLI options and the same settings as route parameters. */
    private static final List<String[]> TRUST = List.of(
        new String[] {"", ""},
        new String[] {"--own-host mx.example.test", "own-host=mx.example.test"},
        new String[] {"--trust-host .example.test --trust-network 203.0.113.0/24", "trust-host=.example.test&trust-network=203.0.113.0/24"},
        new String[] {"--require-between mx.example.test store.example.test", "require-between=mx.example.test&require-between=store.example.test"});

    static Service service;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    static Path directory;

    @BeforeAll
    static void start() {
        service = Service.ignite().ipAddress("127.0.0.1").port(0);
        new VerifyRoutes().define(service);
        service.awaitInitialization();
    }

    @AfterAll
    static void stop() {
        service.stop();
        service.awaitStop();
    }

    static Stream<Arguments> inputs() {
        List<Arguments> inputs = new ArrayList<>();
        List<ReceivedCorpus.Case> corpus = ReceivedCorpus.cases();
        for (int i = 0; i < corpus.size(); i++) {
            ReceivedCorpus.Case c = corpus.get(i);
            String block = INNER_HOP + "Received: " + c.received + "\r\nMessage-ID: <corpus-" + c.lineNumber + "@example.test>\r\n\r\nbody\r\n";
            String[] trust = TRUST.get(i % TRUST.size());
            inputs.add(Arguments.of(c.toString(), block, trust[0], trust[1], i % 2 == 0));
        }
        return inputs.stream();
    }

    @ParameterizedTest(name = "{0} [{2}]")
    @MethodSource("inputs")
    void theRouteAnswersWhatTheCliPrints(String name, String block, String cliOptions, String query, boolean asEml) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("--json"));
        if (!cliOptions.isEmpty()) {
            arguments.addAll(List.of(cliOptions.split(" ")));
        }
        String routeQuery = query;
        if (asEml) {
            Path file = directory.resolve("message.eml");
            Files.writeString(file, block, StandardCharsets.UTF_8);
            arguments.add(file.toString());
            routeQuery = (query.isEmpty() ? "" : query + "&") + "file=" + URLEncoder.encode("message.eml", StandardCharsets.UTF_8);
        } else {
            arguments.add("-");
        }
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new VerifyCommand().withStdin(new ByteArrayInputStream(block.getBytes(StandardCharsets.UTF_8))));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        cli.execute(arguments.toArray(String[]::new));

        HttpResponse<String> reply = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/tls/verify"
                + (routeQuery.isEmpty() ? "" : "?" + routeQuery)))
            .POST(HttpRequest.BodyPublishers.ofString(block, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.body()).startsWith("{\"messages\":[{").isEqualTo(out.toString());
    }
}
