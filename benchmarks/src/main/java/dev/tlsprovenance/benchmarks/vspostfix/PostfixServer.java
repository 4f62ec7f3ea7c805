package dev.tlsprovenance.benchmarks.vspostfix;

import dev.tlsprovenance.testing.peer.TestSmtpPeer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.postfix.PostfixPeer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A private Debian Postfix instance ({@link PostfixPeer}: its own config, queue and data directories, one smtpd on a
 * free loopback port, STARTTLS with the same test certificate as ours), with Debian's defaults except what the
 * scenario needs: relay to the sink at level {@code secure} with the sink's CA (and, for relay-reuse,
 * {@code smtp_tls_connection_reuse = yes} with the tlsproxy service it needs), a {@code discard} transport for the
 * inbound scenarios, and virtual Maildir mailboxes (texthash map) for the into-mailbox scenarios.
 */
final class PostfixServer implements Contender {
    private final PostfixPeer postfix;
    private final int mailboxes;

    private PostfixServer(PostfixPeer postfix, int mailboxes) {
        this.postfix = postfix;
        this.mailboxes = mailboxes;
    }

    static PostfixServer start(Scenario scenario, TestSmtpPeer sink) throws IOException {
        if (!PostfixPeer.isAvailable()) {
            throw new IllegalStateException(PostfixPeer.unavailableReason());
        }
        PostfixPeer.Builder builder = PostfixPeer.builder().hostname("mx.postfix.test").domain(VsPostfixBenchmark.LOCAL_DOMAIN)
            .identity(TestPki.shared().server());
        switch (scenario.kind) {
            case RELAY:
                builder.relayTo("127.0.0.1", sink.port()).relayTlsLevel("secure")
                    .configFile("sink-ca.pem", TestPki.shared().root().certificatePem())
                    .parameter("smtp_tls_CAfile", "$config_directory/sink-ca.pem")
                    .parameter("smtp_tls_secure_cert_match", VsPostfixBenchmark.SINK_HOST)
                    .parameter("smtp_tls_session_cache_database", "btree:$data_directory/smtp_scache");
                if (scenario == Scenario.RELAY_REUSE) {
                    builder.parameter("smtp_tls_connection_reuse", "yes").service("tlsproxy unix - - n - 0 tlsproxy");
                }
                break;
            case INBOUND:
                builder.parameter("virtual_transport", "discard");
                break;
            default:
                StringBuilder map = new StringBuilder();
                for (int user = 0; user < scenario.mailboxes; user++) {
                    map.append(Scenario.user(user)).append(' ').append("user").append(user).append("/\n");
                }
                map.append(Scenario.WARM_UP_USER).append(" warmup/\n");
                builder.configFile("mailboxes", map.toString())
                    .parameter("virtual_mailbox_maps", "texthash:$config_directory/mailboxes");
        }
        return new PostfixServer(builder.start(), scenario.mailboxes);
    }

    @Override
    public String name() {
        return "postfix";
    }

    @Override
    public int smtpPort() {
        return postfix.port();
    }

    @Override
    public ProcessHandle process() {
        return postfix.process();
    }

    /** Files in the Maildirs' {@code new/}: virtual(8) renames a message there once it is written and synced. */
    @Override
    public int messagesInMailboxes() throws IOException {
        int count = 0;
        for (int user = 0; user < mailboxes; user++) {
            Path fresh = postfix.mailRoot().resolve("user" + user).resolve("new");
            if (Files.isDirectory(fresh)) {
                try (Stream<Path> files = Files.list(fresh)) {
                    count += (int) files.count();
                }
            }
        }
        return count;
    }

    @Override
    public void close() {
        postfix.close();
    }
}
