package dev.tlsprovenance.benchmarks.vspostfix;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What is measured, named as on the command line. The relay scenarios end when the sink has the last mail, the
 * inbound ones at the last 250 to the client, the into-mailbox ones when the last mail is counted in the mailboxes.
 */
enum Scenario {
    /** TLS relay end to end; Postfix with {@code smtp_tls_connection_reuse = yes} (through tlsproxy). */
    RELAY_REUSE("relay-reuse", Kind.RELAY, 2000, 8, Integer.MAX_VALUE, 0),
    /** TLS relay end to end; Postfix with its default, a new TLS connection (resumed session) per delivery. */
    RELAY_NO_REUSE("relay-noreuse", Kind.RELAY, 2000, 8, Integer.MAX_VALUE, 0),
    /** Inbound STARTTLS acceptance, one message per connection; the mail is discarded (Postfix) or delivered locally. */
    INBOUND_1("inbound-1", Kind.INBOUND, 2000, 8, 1, 0),
    /** Inbound STARTTLS acceptance, 50 messages per connection. */
    INBOUND_50("inbound-50", Kind.INBOUND, 2000, 8, 50, 0),
    /** Into one mailbox that grows to bench.messages messages. */
    MAILBOX_1("mailbox-1", Kind.MAILBOX, 10_000, 4, Integer.MAX_VALUE, 1),
    /** Into 200 mailboxes, round robin. */
    MAILBOX_200("mailbox-200", Kind.MAILBOX, 10_000, 4, Integer.MAX_VALUE, 200);

    enum Kind { RELAY, INBOUND, MAILBOX }

    final String id;
    final Kind kind;
    final int defaultMessages;
    final int defaultConnections;
    final int messagesPerConnection;
    final int mailboxes;

    Scenario(String id, Kind kind, int defaultMessages, int defaultConnections, int messagesPerConnection, int mailboxes) {
        this.id = id;
        this.kind = kind;
        this.defaultMessages = defaultMessages;
        this.defaultConnections = defaultConnections;
        this.messagesPerConnection = messagesPerConnection;
        this.mailboxes = mailboxes;
    }

    static Scenario byId(String id) {
        return Arrays.stream(values()).filter(scenario -> scenario.id.equals(id)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + id + "'; known: " + ids()));
    }

    static String ids() {
        return Arrays.stream(values()).map(scenario -> scenario.id).collect(Collectors.joining(" "));
    }

    /** The recipient of message {@code index}: the sink's domain, or a local user of bench.test. */
    String recipient(int index) {
        switch (kind) {
            case RELAY:
                return "bob@" + VsPostfixBenchmark.SINK_DOMAIN;
            case MAILBOX:
                return user(index % mailboxes);
            default:
                return user(0);
        }
    }

    /**
     * Where warm-up mail goes: the into-mailbox scenarios warm up into a mailbox of their own (the measured ones start
     * empty), the others send it where the rounds do.
     */
    String warmUpRecipient(int index) {
        return kind == Kind.MAILBOX ? WARM_UP_USER : recipient(index);
    }

    /** The users the servers need: user0 for inbound, the mailboxes for into-mailbox, none for relay. */
    int users() {
        return kind == Kind.RELAY ? 0 : Math.max(1, mailboxes);
    }

    static final String WARM_UP_USER = "warmup@" + VsPostfixBenchmark.LOCAL_DOMAIN;

    static String user(int index) {
        return "user" + index + "@" + VsPostfixBenchmark.LOCAL_DOMAIN;
    }
}
