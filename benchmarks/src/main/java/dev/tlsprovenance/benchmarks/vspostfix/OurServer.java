package dev.tlsprovenance.benchmarks.vspostfix;

import dev.tlsprovenance.benchmarks.harness.ImapInboxes;
import dev.tlsprovenance.benchmarks.harness.PackagedServer;
import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The packaged server with the shipped configuration, changed only where the scenario needs it: the test PKI's
 * server certificate in {@code conf/keystore.p12} (so the one client verifies both servers the same way), the
 * default row's {@code outbound=dane} reverted to {@code may} (no DNS lookup leaves the machine, as in the
 * distribution tests' copies), for the relay scenarios a row for the sink's domain with the sink's CA, and for the
 * inbound scenarios local mail discarded after the mailet chain, as Postfix's side does ({@link #discardLocalMail}).
 * With {@code -Dbench.ours.withoutExtension=true} (inbound scenarios only) the same server runs as stock James
 * 3.8.1 would ({@link #withoutExtension}), to tell James's share of a gap to Postfix from the extension's.
 */
final class OurServer implements Contender {
    private static final String PASSWORD = "secret";

    private final PackagedServer server;
    private final ImapInboxes inboxes;

    private OurServer(PackagedServer server, ImapInboxes inboxes) {
        this.server = server;
        this.inboxes = inboxes;
    }

    static OurServer start(Scenario scenario, TestSmtpPeer sink) throws Exception {
        PackagedServer server = PackagedServer.install();
        try {
            Path conf = server.conf();
            TestPki.shared().serverTls().writeKeyStorePkcs12(conf.resolve("keystore.p12"), "changeit");
            Path policy = conf.resolve("tls-policy.conf");
            String shipped = Files.readString(policy);
            String forBenchmark = shipped.replaceFirst("(?m)^(default\\s.*)outbound=dane", "$1outbound=may");
            if (forBenchmark.equals(shipped)) {
                throw new IllegalStateException("the shipped " + policy + " has no 'default ... outbound=dane' row any more");
            }
            if (scenario.kind == Scenario.Kind.RELAY) {
                Files.writeString(conf.resolve("sink-ca.pem"), TestPki.shared().root().certificatePem());
                forBenchmark += "\n" + VsPostfixBenchmark.SINK_DOMAIN + "  outbound=secure  match=" + VsPostfixBenchmark.SINK_HOST
                    + "  ca=sink-ca.pem  route=[127.0.0.1]:" + sink.port() + "\n";
            }
            Files.writeString(policy, forBenchmark);
            boolean withoutExtension = Boolean.getBoolean("bench.ours.withoutExtension");
            if (scenario.kind == Scenario.Kind.INBOUND) {
                discardLocalMail(conf.resolve("mailetcontainer.xml"));
                if (withoutExtension) {
                    withoutExtension(conf);
                }
            } else if (withoutExtension) {
                throw new IllegalArgumentException("bench.ours.withoutExtension is for the inbound scenarios only (relay needs our delivery)");
            }
            server.environment("JAMES_HEAP", System.getProperty("bench.heap", "512m"))
                .javaOptions(" " + System.getProperty("bench.ours.javaOpts", "").trim())
                .start();
            List<String> users = new ArrayList<>();
            if (scenario.users() > 0) {
                server.webAdminPut("/domains/" + VsPostfixBenchmark.LOCAL_DOMAIN, null);
                for (int user = 0; user < scenario.users(); user++) {
                    server.addUser(Scenario.user(user), PASSWORD);
                    users.add(Scenario.user(user));
                }
                if (scenario.kind == Scenario.Kind.MAILBOX) {
                    server.addUser(Scenario.WARM_UP_USER, PASSWORD);
                }
            }
            ImapInboxes inboxes = scenario.kind == Scenario.Kind.MAILBOX ? new ImapInboxes(server.port("imaps"), users, PASSWORD) : null;
            return new OurServer(server, inboxes);
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    /**
     * The inbound scenarios time SMTP acceptance, and Postfix's side discards (its {@code discard} transport): here
     * too, the local-delivery processor's {@code LocalDelivery} becomes James's {@code Null}, in this benchmark copy
     * only, so both do the same work after the 250 (spool, mailet chain, then nothing) and the mailbox is not
     * measured twice (the mailbox scenarios measure it). Everything before it (our inbound hooks, the provenance
     * mailets, the inbound policy, the spool) runs as shipped.
     */
    private static void discardLocalMail(Path mailetContainer) throws java.io.IOException {
        String shipped = Files.readString(mailetContainer);
        String delivery = "<mailet match=\"All\" class=\"LocalDelivery\"/>";
        if (!shipped.contains(delivery)) {
            throw new IllegalStateException("the shipped " + mailetContainer + " has no " + delivery + " any more");
        }
        Files.writeString(mailetContainer, shipped.replace(delivery, "<mailet match=\"All\" class=\"Null\"/>"));
    }

    /** A mailet or matcher element of ours, with its parameters. */
    private static final Pattern OUR_MAILET = Pattern.compile(
        "\\s*<mailet match=\"[^\"]*\"\\s+class=\"dev\\.tlsprovenance\\.[^\"]*\"(?:/>|>.*?</mailet>)"
            + "|\\s*<mailet match=\"dev\\.tlsprovenance\\.[^\"]*\"\\s+class=\"[^\"]*\"(?:/>|>.*?</mailet>)", Pattern.DOTALL);
    private static final Pattern OUR_HOOK = Pattern.compile("\\s*<handler class=\"dev\\.tlsprovenance\\.[^\"]*\"/>");

    /**
     * The inbound path as stock James 3.8.1 runs it: James's {@code CoreCmdHandlerLoader} instead of
     * {@code TlsProvenanceCoreHandlers}, none of our hooks, none of our mailets or matchers in any processor (the
     * inbound scenarios reach none of the error processors or relay). The Guice module stays loaded: its work is per
     * server, not per mail. Fails when the shipped files no longer look as expected, so a rename cannot turn this
     * into a silent no-op.
     */
    private static void withoutExtension(Path conf) throws java.io.IOException {
        Path smtp = conf.resolve("smtpserver.xml");
        String shippedSmtp = Files.readString(smtp);
        String core = "coreHandlersPackage=\"dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers\"";
        String stockSmtp = OUR_HOOK.matcher(shippedSmtp.replace(core, "coreHandlersPackage=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\""))
            .replaceAll("");
        Path mailets = conf.resolve("mailetcontainer.xml");
        String shippedMailets = Files.readString(mailets);
        String stockMailets = OUR_MAILET.matcher(shippedMailets).replaceAll("");
        if (!shippedSmtp.contains(core) || stockMailets.equals(shippedMailets) || stockSmtp.contains("class=\"dev.tlsprovenance.")
                || stockMailets.contains("class=\"dev.tlsprovenance.") || stockMailets.contains("match=\"dev.tlsprovenance.")) {
            throw new IllegalStateException("could not take the extension out of " + smtp + " and " + mailets);
        }
        Files.writeString(smtp, stockSmtp);
        Files.writeString(mailets, stockMailets);
    }

    @Override
    public String name() {
        return "ours";
    }

    @Override
    public int smtpPort() {
        return server.port("smtp");
    }

    @Override
    public ProcessHandle process() {
        return server.process();
    }

    @Override
    public int messagesInMailboxes() throws Exception {
        return inboxes.count();
    }

    @Override
    public void close() throws Exception {
        try {
            if (inboxes != null) {
                inboxes.close();
            }
        } finally {
            server.close();
        }
    }
}
