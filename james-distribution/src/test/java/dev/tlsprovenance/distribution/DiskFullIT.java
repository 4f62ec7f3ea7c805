package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.testing.ports.ListenerPorts;
import dev.tlsprovenance.testing.smtp.SmtpReply;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;

/**
 * A full disk under {@code var/store} (the queues) loses nothing. The packaged server runs with a small tmpfs mounted
 * on its {@code var/store}; N mails for a remote domain are accepted while the next hop is down, so each waits in the
 * outgoing queue for a retry; then the tmpfs is filled up (all but less than one mail's content), so every retry's
 * re-queue fails, and a new mail is refused with 4xx. The space is freed, the server restarted, the next hop comes up: every mail arrives exactly once.
 *
 * <p>Mounting needs root (as in CI). Without it the test is skipped with the reason, or fails where
 * {@code -Dinterop.required=true} says the environment must support it.
 */
class DiskFullIT {
    private static final int MESSAGES = 20;
    /** Each mail's content is a file of this size in the queue's blob store; the disk is left with less than that free. */
    private static final String BODY = ("0123456789abcdef".repeat(4) + "\r\n").repeat(256 * 1024 / 66);
    private static final long LEFT_FREE = 96 * 1024;
    private static final Pattern SUBJECT = Pattern.compile("^Subject: (disk-full-\\d+)$", Pattern.MULTILINE);
    private static final Pattern KEPT_IN_QUEUE = Pattern.compile(
        "Cannot re-queue (\\S+): .*No space left on device.* \\(disk full\\?\\); kept in queue outgoing-tls, retried in ");

    @TempDir
    Path directory;

    @Test
    void mailWaitingForARetryWhileTheQueueDiskIsFullIsDeliveredExactlyOnceAfterSpaceReturnsAndARestart() throws Exception {
        int nextHopPort = ListenerPorts.unused();
        try (DistributionProcess server = DistributionProcess.installInto(directory)) {
            configure(server.home(), nextHopPort);
            Path store = server.home().resolve("var/store");
            Files.createDirectories(store);
            assumeMounted(store);
            try {
                fillTheDiskDuringRetriesThenFreeItAndRestart(server, store, nextHopPort);
            } finally {
                server.close();
                // kept for reading after the run: the temporary directory goes away
                Files.writeString(Path.of("target/disk-full-it-console.log"), server.console());
                unmount(store);
            }
        }
    }

    private void fillTheDiskDuringRetriesThenFreeItAndRestart(DistributionProcess server, Path store, int nextHopPort) throws Exception {
        server.start().awaitStarted();
        MailClients clients = new MailClients(server);
        for (int i = 0; i < MESSAGES; i++) {
            clients.send(false, "sender@example.test", "bob@remote.test", "disk-full-" + i, BODY);
        }
        // First attempt made (the next hop refuses connections): all of them wait in the outgoing queue for a retry.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(clients.queueSize("spool")).isZero();
            assertThat(clients.queueSize("outgoing-tls")).isEqualTo(MESSAGES);
            assertThat(countMatches(server.console(), "recipient(s) to retry in")).isGreaterThanOrEqualTo(MESSAGES);
        });

        int beforeFull = server.console().length();
        Path filler = fill(store);
        // Every mail gets its second attempt (the next hop still down) while the disk is full, so its re-queue fails:
        // await each mail's own "kept in queue" line (counting attempt lines let a mail tried twice stand for another).
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
            assertThat(mailsKeptInQueue(server.console().substring(beforeFull))).hasSize(MESSAGES));
        // asserted last: with the old code, mails lost on the full disk freed their space, so this one got a 250
        String replyWhileFull = acceptingWhileFull(server);

        Files.delete(filler);
        server.process().destroy();
        server.awaitExit(Duration.ofSeconds(60));

        try (SinkSmtpPeer nextHop = new SinkSmtpPeer(nextHopPort)) {
            server.start().awaitStarted();
            List<String> expected = IntStream.range(0, MESSAGES).mapToObj(i -> "disk-full-" + i).collect(Collectors.toList());
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                assertThat(subjects(nextHop.messages())).containsExactlyInAnyOrderElementsOf(expected));
            await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(subjects(nextHop.messages())).hasSize(MESSAGES));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(clients.queueSize("outgoing-tls")).isZero());
        }
        assertThat(replyWhileFull).as("reply to DATA while var/store is full").startsWith("4");
        // Each mail whose re-queue failed was kept, in one ERROR line naming the real cause.
        assertThat(mailsKeptInQueue(server.console())).hasSize(MESSAGES);
        assertThat(server.console()).doesNotContain("File does not exist");
        // the queue's mail is delivered right after the restart, before James's SMTP listeners are bound
        assertThat(server.console()).doesNotContain("Unexpected failure delivering");
    }

    /** remote.test goes to a fixed next hop (down for now); retries every 2 s, and enough of them not to bounce. */
    private static void configure(Path home, int nextHopPort) throws IOException {
        Path policy = home.resolve("conf/tls-policy.conf");
        Files.writeString(policy, Files.readString(policy) + "\nremote.test  outbound=may  route=[127.0.0.1]:" + nextHopPort + "\n");
        Path mailetContainer = home.resolve("conf/mailetcontainer.xml");
        String xml = Files.readString(mailetContainer);
        String quickRetries = xml.replaceFirst("<delays>[^<]*</delays>", "<delays>2s</delays>")
            .replaceFirst("<maxRetries>[^<]*</maxRetries>", "<maxRetries>1000</maxRetries>");
        assertThat(quickRetries).contains("<delays>2s</delays>", "<maxRetries>1000</maxRetries>");
        Files.writeString(mailetContainer, quickRetries);
    }

    /** One SMTP transaction while the store is full: the reply to the end of DATA. */
    private static String acceptingWhileFull(DistributionProcess server) throws IOException {
        try (SmtpTestClient client = SmtpTestClient.connect("127.0.0.1", server.port("smtp"))) {
            client.ehlo("client.example.test");
            SmtpReply reply = client.send("sender@example.test", List.of("bob@remote.test"),
                "From: sender@example.test\r\nTo: bob@remote.test\r\nSubject: while-full\r\n\r\n" + BODY + "\r\n");
            return reply.toString();
        }
    }

    private static Set<String> mailsKeptInQueue(String console) {
        Matcher matcher = KEPT_IN_QUEUE.matcher(console);
        Set<String> mails = new java.util.HashSet<>();
        while (matcher.find()) {
            mails.add(matcher.group(1));
        }
        return mails;
    }

    private static int countMatches(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }

    /**
     * Writes one file until the file system says it is full, then gives back {@link #LEFT_FREE} bytes: a nearly full
     * disk, where the broker's small journal records still fit but no mail's content does. (With nothing left at all,
     * the acknowledgement fails too and the old code lost nothing by luck.) Returns the file.
     */
    private static Path fill(Path store) throws IOException {
        Path filler = store.resolve("filler.bin");
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            assertThat(full).hasMessageContaining("No space left on device");
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(filler, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - LEFT_FREE);
        }
        return filler;
    }

    private static void assumeMounted(Path store) throws Exception {
        String reason;
        try {
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", store.toString())
                .redirectErrorStream(true).start();
            String output = new String(mount.getInputStream().readAllBytes());
            if (mount.waitFor() == 0) {
                return;
            }
            reason = "mount -t tmpfs failed (" + output.trim() + "); the disk-full test needs root (CI runs as root)";
        } catch (IOException e) {
            reason = "cannot run mount: " + e.getMessage();
        }
        if (Boolean.getBoolean("interop.required")) {
            throw new IllegalStateException("interop.required=true but " + reason);
        }
        Assumptions.assumeTrue(false, reason);
    }

    private static void unmount(Path store) throws Exception {
        Process umount = new ProcessBuilder("umount", store.toString()).redirectErrorStream(true).start();
        String output = new String(umount.getInputStream().readAllBytes());
        if (umount.waitFor() != 0) {
            // still busy (a process left behind): detach it, so no mount outlives the test
            new ProcessBuilder("umount", "-l", store.toString()).inheritIO().start().waitFor();
            throw new AssertionError("umount " + store + " failed: " + output);
        }
    }

    /** The subjects of the test's N mails among those received (not the one sent while the disk was full). */
    private static List<String> subjects(List<String> messages) {
        return messages.stream().map(SUBJECT::matcher).filter(Matcher::find).map(matcher -> matcher.group(1))
            .collect(Collectors.toList());
    }
}
