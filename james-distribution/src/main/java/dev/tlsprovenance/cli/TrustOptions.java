package dev.tlsprovenance.cli;

import java.util.ArrayList;
import java.util.List;

import dev.tlsprovenance.verify.TraceAnalyzer;
import dev.tlsprovenance.verify.TrustSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where trust starts and which segment to judge; shared by {@code verify} and {@code probe} ({@link TrustSettings}, the core's form). */
public final class TrustOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--trust-host", paramLabel = "HOST",
        description = "A host whose Received lines are trusted: mx.example.test, or .example.test for a whole domain. Repeatable.")
    private List<String> trustHosts = new ArrayList<>();

    @Option(names = "--trust-network", paramLabel = "CIDR",
        description = "An address range whose relays are trusted, e.g. 10.0.0.0/8 or 2001:db8::/32. Repeatable.")
    private List<String> trustNetworks = new ArrayList<>();

    @Option(names = "--own-host", paramLabel = "HOST",
        description = "Our own border host: its hop and every later (inner) hop are trusted. Repeatable.")
    private List<String> ownHosts = new ArrayList<>();

    @Option(names = "--require-between", arity = "2", paramLabel = "HOST",
        description = "Judge only the hops from host A up to host B (e.g. --require-between mx.example.test mailbox.example.test).")
    private List<String> requireBetween = new ArrayList<>();

    /** The settings these options give; without any trust option every hop is evaluated as a claim. */
    public TrustSettings settings() {
        try {
            return TrustSettings.of(trustHosts, trustNetworks, ownHosts, requireBetween);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    public TraceAnalyzer analyzer() {
        try {
            return settings().analyzer();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    public String describe() {
        return settings().describe();
    }
}
