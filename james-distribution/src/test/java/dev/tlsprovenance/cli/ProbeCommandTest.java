package dev.tlsprovenance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class ProbeCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private static final String[] REQUIRED = {"--smtp-host", "mx.example.test", "--from", "probe@example.test",
        "--to", "admin@example.test", "--imap-host", "imap.example.test", "--imap-user", "admin", "--imap-password", "secret"};

    private CommandLine cli(ProbeCommand command) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli;
    }

    private ProbeCommand parsed(String... extra) {
        ProbeCommand command = new ProbeCommand();
        String[] args = new String[REQUIRED.length + extra.length];
        System.arraycopy(REQUIRED, 0, args, 0, REQUIRED.length);
        System.arraycopy(extra, 0, args, REQUIRED.length, extra.length);
        cli(command).parseArgs(args);
        return command;
    }

    @Test
    void starttlsIsRequiredAndServerNamesCheckedOnBothLegs() {
        ProbeCommand probe = parsed("--smtp-user", "probe", "--smtp-password", "pw", "--imap-security", "starttls");

        Properties smtp = probe.smtpProperties(null);
        Properties imap = probe.imapProperties(null);

        assertThat(smtp).containsEntry("mail.smtp.host", "mx.example.test").containsEntry("mail.smtp.port", "587")
            .containsEntry("mail.smtp.auth", "true").containsEntry("mail.smtp.starttls.enable", "true")
            .containsEntry("mail.smtp.starttls.required", "true").containsEntry("mail.smtp.ssl.checkserveridentity", "true");
        assertThat(imap).containsEntry("mail.imap.host", "imap.example.test").containsEntry("mail.imap.port", "143")
            .containsEntry("mail.imap.starttls.required", "true").containsEntry("mail.imap.ssl.checkserveridentity", "true");
    }

    @Test
    void implicitTlsDefaultsToThePortsForIt() {
        ProbeCommand probe = parsed("--smtp-security", "smtps");

        assertThat(probe.smtpProperties(null)).containsEntry("mail.smtps.port", "465").containsEntry("mail.smtps.ssl.enable", "true")
            .containsEntry("mail.smtps.auth", "false").containsEntry("mail.smtps.ssl.checkserveridentity", "true");
        assertThat(probe.imapProperties(null)).containsEntry("mail.imaps.port", "993").containsEntry("mail.imaps.ssl.enable", "true");
    }

    @Test
    void theProbeMessageCarriesAUniqueTag() throws Exception {
        ProbeCommand probe = parsed();
        String tag = ProbeCommand.newTag();

        MimeMessage message = probe.probeMessage(Session.getInstance(new Properties()), tag);

        assertThat(tag).matches("tls-probe-[0-9a-f-]{36}").isNotEqualTo(ProbeCommand.newTag());
        assertThat(message.getHeader(ProbeCommand.TAG_HEADER)).containsExactly(tag);
        assertThat(message.getSubject()).isEqualTo("TLS provenance probe " + tag);
    }

    @Test
    void badArgumentsExitThree() {
        assertThat(cli(new ProbeCommand()).execute("--smtp-host", "mx.example.test")).isEqualTo(3);
        assertThat(err.toString()).contains("Missing required options");
        assertThat(cli(new ProbeCommand()).execute(withReplaced("--to", "not an address"))).isEqualTo(3);
        assertThat(err.toString()).contains("not an email address");
        assertThat(cli(new ProbeCommand()).execute(with("--smtp-user", "probe"))).isEqualTo(3);
        assertThat(err.toString()).contains("--smtp-user needs --smtp-password");
        assertThat(cli(new ProbeCommand()).execute(with("--smtp-security", "plaintext"))).isEqualTo(3);
        assertThat(cli(new ProbeCommand()).execute(with("--trust-network", "not-a-range"))).isEqualTo(3);
    }

    @Test
    void anUnreachableSmtpServerExitsFour() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        int exit = cli(new ProbeCommand()).execute(withReplaced("--smtp-host", "127.0.0.1", "--smtp-port", Integer.toString(closedPort)));

        assertThat(exit).isEqualTo(4);
        assertThat(err.toString()).contains("probe: sending through 127.0.0.1:" + closedPort + " failed");
    }

    private static String[] with(String... extra) {
        String[] args = new String[REQUIRED.length + extra.length];
        System.arraycopy(REQUIRED, 0, args, 0, REQUIRED.length);
        System.arraycopy(extra, 0, args, REQUIRED.length, extra.length);
        return args;
    }

    /** The required arguments with one option's value replaced (and extra options appended). */
    private static String[] withReplaced(String option, String value, String... extra) {
        String[] args = REQUIRED.clone();
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(option)) {
                args[i + 1] = value;
            }
        }
        String[] all = new String[args.length + extra.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return all;
    }
}
