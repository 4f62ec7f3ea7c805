package dev.tlsprovenance.cli;

import dev.tlsprovenance.cli.doctor.DoctorCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tls-provenance}: the command-line tool of James TLS Provenance, with git-like subcommands
 * ({@code tls-provenance verify message.eml}, {@code tls-provenance probe ...}, {@code tls-provenance doctor},
 * {@code tls-provenance check-peer partner.test}, {@code tls-provenance admin-token}, {@code tls-provenance help doctor}).
 */
@Command(name = "tls-provenance", mixinStandardHelpOptions = true, version = "tls-provenance 0.1.0",
    description = "Record, enforce and prove TLS on SMTP hops: checks for a James TLS Provenance server.",
    subcommands = {VerifyCommand.class, ProbeCommand.class, CheckPeerCommand.class, DoctorCommand.class, AdminTokenCommand.class,
        CommandLine.HelpCommand.class})
public final class TlsProvenanceCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The whole command tree; tests execute it with captured output. */
    public static CommandLine commandLine() {
        return new CommandLine(new TlsProvenanceCli());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
