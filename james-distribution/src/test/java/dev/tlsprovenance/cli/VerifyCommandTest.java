package dev.tlsprovenance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class VerifyCommandTest {
    private static final String TLS_MESSAGE = "Received: from mx.example.test (mx.example.test [10.0.0.2])\n"
        + "\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits))\n"
        + "\t(No client certificate requested)\n"
        + "\tby store.example.test (Postfix) with ESMTPS id 3C;\n"
        + "\tMon, 30 Nov 2026 09:00:03 +0000 (UTC)\n"
        + "Received: from edge.outside.test (edge.outside.test [203.0.113.5])\n"
        + "\tby mx.example.test (OpenSMTPD) with ESMTPS id 2b (TLSv1.3:TLS_AES_256_GCM_SHA384:256:YES);\n"
        + "\tMon, 30 Nov 2026 09:00:02 +0000 (UTC)\n"
        + "Message-ID: <tls@example.test>\n"
        + "Subject: all TLS\n"
        + "\n"
        + "body\n";
    private static final String UNKNOWN_MESSAGE = "Received: from edge.outside.test (EHLO edge.outside.test) ([203.0.113.5])\n"
        + "          by mx.example.test (JAMES SMTP Server ) with ESMTP ID 77;\n"
        + "          Mon, 30 Nov 2026 09:00:02 +0000 (UTC)\n"
        + "Message-ID: <unknown@example.test>\n"
        + "\n"
        + "body\n";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(VerifyCommand command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private int run(String... args) {
        return run(new VerifyCommand(), args);
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void aMessageThatTravelledOverTlsExitsZeroWithATable() throws IOException {
        Path eml = write("tls.eml", TLS_MESSAGE);

        int exit = run(eml.toString());

        assertThat(exit).isZero();
        assertThat(out.toString())
            .contains("Message <tls@example.test> - " + eml)
            .containsPattern("(?m)^  HOP\\s+FROM\\s+BY\\s+TIME\\s+TLS\\s+PROTOCOL\\s+CIPHER\\s+BITS\\s+CLIENT CERT\\s+TRUSTED\\s+SOURCE$")
            .containsPattern("(?m)^  0\\s+edge.outside.test\\s+mx.example.test\\s+2026-11-30T09:00:02Z\\s+yes\\s+TLSv1.3\\s+TLS_AES_256_GCM_SHA384\\s+256\\s+verified\\s+yes\\s+received$")
            .containsPattern("(?m)^  1\\s+mx.example.test\\s+store.example.test\\s+2026-11-30T09:00:03Z\\s+yes\\s+TLSv1.3\\s+TLS_AES_128_GCM_SHA256\\s+128\\s+not-requested\\s+yes\\s+received$")
            .contains("  verdict: tls-all-the-way")
            .contains("1 message(s); overall: tls-all-the-way");
    }

    @Test
    void aRealThreadWithACleartextHopExitsOneAndTheSegmentBeforeItExitsZero() throws IOException {
        Path eml = dir.resolve("starfive.eml");
        try (InputStream in = getClass().getResourceAsStream("/received-corpus/starfive-thread.eml")) {
            Files.copy(in, eml);
        }

        int all = run(eml.toString());
        String allOutput = out.toString();
        out.getBuffer().setLength(0);
        int segment = run("--require-between", "[192.168.125.124]", "lindbergh.monkeyblade.net", eml.toString());

        assertThat(all).isEqualTo(1);
        assertThat(allOutput).contains("verdict: cleartext-hop (hop 4 (lindbergh.monkeyblade.net -> vger.kernel.org) was cleartext)")
            .containsPattern("(?m)^  5\\s+-\\s+vger.kernel.org\\s+\\S+\\s+n/a\\s");
        assertThat(segment).isZero();
    }

    @Test
    void anMboxFromStandardInputAsJsonReportsEveryMessageAndTheWorstExitCode() {
        String mbox = "From a@example.test Mon Nov 30 09:00:00 2026\n" + TLS_MESSAGE + "\n"
            + "From b@example.test Mon Nov 30 09:01:00 2026\n" + UNKNOWN_MESSAGE;

        int exit = run(new VerifyCommand().withStdin(new ByteArrayInputStream(mbox.getBytes(StandardCharsets.UTF_8))), "--json", "-");

        assertThat(exit).isEqualTo(2);
        String json = out.toString().trim();
        assertThat(json).startsWith("{\"messages\":[{\"messageId\":\"<tls@example.test>\",\"hops\":[{\"index\":0,\"from\":\"edge.outside.test\","
            + "\"by\":\"mx.example.test\",\"date\":\"2026-11-30T09:00:02Z\",\"tls\":\"yes\",\"protocol\":\"TLSv1.3\","
            + "\"cipher\":\"TLS_AES_256_GCM_SHA384\",\"bits\":256,\"clientCertVerified\":true,\"weak\":false,\"trusted\":true,\"source\":\"received\"")
            .contains("\"applicable\":true,\"clientCertificate\":\"verified\",\"delaySeconds\":null}")
            .contains("\"applicable\":true,\"clientCertificate\":\"not-requested\",\"delaySeconds\":1}")
            .contains("\"verdict\":\"tls-all-the-way\"")
            .contains("{\"messageId\":\"<unknown@example.test>\"")
            .contains("\"tls\":\"unknown\"")
            .endsWith("\"verdict\":\"unknown-hop\",\"note\":\"hop 0 (edge.outside.test -> mx.example.test) does not say whether TLS was used\"}]}");
    }

    @Test
    void trustOptionsMarkClaimsOutsideTheBoundary() throws IOException {
        Path eml = write("tls.eml", TLS_MESSAGE);

        int exit = run("--trust-host", "store.example.test", "--summary", eml.toString());
        String summary = out.toString();
        out.getBuffer().setLength(0);
        run("--trust-host", "store.example.test", eml.toString());

        assertThat(exit).isZero();
        assertThat(summary).isEqualTo("tls-all-the-way\t" + eml + "#1\t<tls@example.test>" + System.lineSeparator());
        assertThat(out.toString()).contains("Trusted: host store.example.test")
            .containsPattern("(?m)^  0\\s.*\\sno \\(claim\\)\\s+received$");
    }

    @Test
    void usageErrorsExitThree() throws IOException {
        Path eml = write("tls.eml", TLS_MESSAGE);

        assertThat(run()).isEqualTo(3);
        assertThat(run("--trust-network", "10.0.0.0/99", eml.toString())).isEqualTo(3);
        assertThat(err.toString()).contains("bad prefix length in address range '10.0.0.0/99'");
        assertThat(run(dir.resolve("missing.eml").toString())).isEqualTo(3);
        assertThat(err.toString()).contains("verify: no such file: " + dir.resolve("missing.eml"));
        assertThat(run("--require-between", "only-one.test")).isEqualTo(3);
    }

    @Test
    void anEmptyInputHasNoMessageToProveAnything() throws IOException {
        Path empty = write("empty.mbox", "");

        assertThat(run(empty.toString())).isEqualTo(2);
        assertThat(out.toString()).contains("0 message(s); overall: no message found");
    }

    @Test
    void aLargeMboxShowsAProgressBarOnATerminalOnly() throws IOException {
        StringBuilder mbox = new StringBuilder();
        int count = 0;
        while (mbox.length() < 5 * 1024 * 1024) {
            mbox.append("From x@example.test Mon Nov 30 09:00:00 2026\n").append(TLS_MESSAGE.replace("<tls@", "<" + count++ + "@")).append('\n');
        }
        Path file = write("big.mbox", mbox.toString());

        int exit = run(new VerifyCommand().withTerminal(true), "--summary", file.toString());
        String terminalErr = err.toString();
        err.getBuffer().setLength(0);
        run(new VerifyCommand().withTerminal(false), "--summary", file.toString());

        assertThat(exit).isZero();
        assertThat(out.toString().lines().filter(l -> l.startsWith("tls-all-the-way")).count()).isEqualTo(2L * count);
        assertThat(terminalErr).contains("\r[").contains("] 100% " + count + " messages");
        assertThat(err.toString()).isEmpty();
    }
}
