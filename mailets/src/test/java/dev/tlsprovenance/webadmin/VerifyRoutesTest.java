package dev.tlsprovenance.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tlsprovenance.verify.HeaderVerification;
import dev.tlsprovenance.verify.ReceivedCorpus;
import dev.tlsprovenance.verify.TrustSettings;

/** {@code POST /tls/verify} on a real Spark server: the CLI's JSON for every input, 413 over 1 MiB, 400 naming a bad parameter. */
class VerifyRoutesTest {
    private static final String POSTFIX_BLOCK = "Received: from mx.example.test (mx.example.test [10.0.0.2])\r\n"
        + "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n"
        + "\t(No client certificate requested)\r\n"
        + "\tby store.example.test (Postfix) with ESMTPS id 3C;\r\n"
        + "\tMon, 30 Nov 2026 09:00:03 +0000 (UTC)\r\n"
        + "Received: from edge.outside.test (edge.outside.test [203.0.113.5])\r\n"
        + "\tby mx.example.test (Postfix) with ESMTP id 2B;\r\n"
        + "\tMon, 30 Nov 2026 09:00:01 +0000 (UTC)\r\n"
        + "Message-ID: <p@example.test>\r\n\r\nbody\r\n";

    static SparkRoutes server;

    @BeforeAll
    static void start() {
        server = new SparkRoutes(new VerifyRoutes());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void answersExactlyTheCliJsonOfAPostfixHeaderBlock() throws Exception {
        HttpResponse<byte[]> reply = server.post("/tls/verify", bytes(POSTFIX_BLOCK));

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        String body = new String(reply.body(), StandardCharsets.UTF_8);
        assertThat(body).startsWith("{\"messages\":[{\"messageId\":\"<p@example.test>\",\"hops\":[{\"index\":0,\"from\":\"edge.outside.test\","
            + "\"by\":\"mx.example.test\",\"date\":\"2026-11-30T09:00:01Z\",\"tls\":\"no\"")
            .contains("\"delaySeconds\":2}")
            .endsWith("\"verdict\":\"cleartext-hop\",\"note\":\"hop 0 (edge.outside.test -> mx.example.test) was cleartext\"}]}"
                + System.lineSeparator());
        assertThat(body).isEqualTo(cliJson(POSTFIX_BLOCK, "-", TrustSettings.none()));
    }

    @Test
    void trustParametersAreTheCliOptions() throws Exception {
        HttpResponse<byte[]> reply = server.post("/tls/verify?own-host=store.example.test", bytes(POSTFIX_BLOCK));

        String body = new String(reply.body(), StandardCharsets.UTF_8);
        assertThat(body).contains("\"verdict\":\"tls-all-the-way\"").contains("\"trusted\":false");
        assertThat(body).isEqualTo(cliJson(POSTFIX_BLOCK, "-", TrustSettings.of(List.of(), List.of(), List.of("store.example.test"), List.of())));
    }

    @Test
    void aFileNameEndingInEmlIsOneMessageAsForTheCli() throws Exception {
        String twoFromLines = "From a@example.test Mon Nov 30 09:00:00 2026\n" + POSTFIX_BLOCK + "\n"
            + "From b@example.test Mon Nov 30 09:01:00 2026\n" + POSTFIX_BLOCK;

        String asMbox = new String(server.post("/tls/verify", bytes(twoFromLines)).body(), StandardCharsets.UTF_8);
        String asEml = new String(server.post("/tls/verify?file=Message.EML", bytes(twoFromLines)).body(), StandardCharsets.UTF_8);

        assertThat(asMbox).isEqualTo(cliJson(twoFromLines, "-", TrustSettings.none()));
        assertThat(countOf(asMbox, "\"messageId\"")).isEqualTo(2);
        assertThat(asEml).isEqualTo(cliJson(twoFromLines, "Message.EML", TrustSettings.none()));
        assertThat(countOf(asEml, "\"messageId\"")).isEqualTo(1);
    }

    static Stream<Arguments> malformedInputs() {
        List<Arguments> inputs = new ArrayList<>();
        inputs.add(Arguments.of("empty", new byte[0]));
        inputs.add(Arguments.of("only line breaks", bytes("\r\n\r\n\n\n")));
        inputs.add(Arguments.of("no colon", bytes("this is not a header\r\nnor this\r\n")));
        inputs.add(Arguments.of("unbalanced comment", bytes("Received: from a (b (c [1.2.3.4] by d with ESMTPS; junk\r\n\r\n")));
        inputs.add(Arguments.of("invalid UTF-8", new byte[] {'R', 'e', 'c', 'e', 'i', 'v', 'e', 'd', ':', ' ', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '\n'}));
        inputs.add(Arguments.of("NUL bytes", bytes("Received: from a\0b by c\0 with ESMTPS; Mon, 30 Nov 2026 09:00:01 +0000\r\n\r\n")));
        inputs.add(Arguments.of("one long line", bytes("Received: " + "x".repeat(900_000))));
        inputs.add(Arguments.of("continuation first", bytes("\t folded without a field\r\nReceived: by x; bad date\r\n\r\n")));
        Random random = new Random(12);
        for (int i = 0; i < 6; i++) {
            byte[] junk = new byte[1 + random.nextInt(20_000)];
            random.nextBytes(junk);
            inputs.add(Arguments.of("random bytes #" + i, junk));
        }
        for (ReceivedCorpus.Case c : ReceivedCorpus.cases().subList(0, Math.min(20, ReceivedCorpus.cases().size()))) {
            String line = "Received: " + c.received + "\r\n";
            inputs.add(Arguments.of("corpus line " + c.lineNumber + " cut short", bytes(line.substring(0, line.length() / 2))));
        }
        return inputs.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedInputs")
    void malformedInputGetsTheCliVerdictNeverAServerError(String name, byte[] input) throws Exception {
        HttpResponse<byte[]> reply = server.post("/tls/verify", input);

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo(cliJson(input, "-", TrustSettings.none()));
    }

    @Test
    void aBodyOfExactlyOneMebibyteIsReadAndOneByteMoreIs413() throws Exception {
        byte[] limit = new byte[VerifyRoutes.MAX_BODY_BYTES];
        Arrays.fill(limit, (byte) 'a');
        byte[] over = Arrays.copyOf(limit, limit.length + 1);

        assertThat(server.post("/tls/verify", limit).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> tooLarge = server.post("/tls/verify", over);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(new String(tooLarge.body(), StandardCharsets.UTF_8)).contains("\"statusCode\":413").contains("larger than 1048576 bytes");
    }

    @Test
    void aBadTrustParameterIs400NamingIt() throws Exception {
        HttpResponse<byte[]> network = server.post("/tls/verify?trust-network=10.0.0.0/99", bytes(POSTFIX_BLOCK));
        HttpResponse<byte[]> between = server.post("/tls/verify?require-between=only.one.test", bytes(POSTFIX_BLOCK));

        assertThat(network.statusCode()).isEqualTo(400);
        assertThat(new String(network.body(), StandardCharsets.UTF_8)).contains("Invalid 'trust-network' parameter").contains("10.0.0.0/99");
        assertThat(between.statusCode()).isEqualTo(400);
        assertThat(new String(between.body(), StandardCharsets.UTF_8)).contains("Invalid 'require-between' parameter");
    }

    private static String cliJson(String input, String name, TrustSettings settings) throws Exception {
        return cliJson(bytes(input), name, settings);
    }

    private static String cliJson(byte[] input, String name, TrustSettings settings) throws Exception {
        return HeaderVerification.json(new ByteArrayInputStream(input), name, settings.analyzer());
    }

    private static int countOf(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
