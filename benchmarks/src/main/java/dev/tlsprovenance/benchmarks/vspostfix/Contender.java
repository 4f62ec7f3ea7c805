package dev.tlsprovenance.benchmarks.vspostfix;

/** One of the two servers side by side: where the client connects, which processes to charge CPU to, its mailboxes. */
interface Contender extends AutoCloseable {
    /** "ours" or "postfix", as the report names it. */
    String name();

    /** The loopback port of the STARTTLS listener the client sends to. */
    int smtpPort();

    /** The root of the server's process tree: CPU is counted for it and every descendant. */
    ProcessHandle process();

    /** Messages delivered into the scenario's mailboxes so far (into-mailbox scenarios only). */
    int messagesInMailboxes() throws Exception;

    @Override
    void close() throws Exception;
}
