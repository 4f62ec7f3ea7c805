package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import javax.mail.MessagingException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.io.TempDir;

import dev.tlsprovenance.testing.smtp.SmtpReply;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;

/**
 * The packaged server's listener hardening, as shipped: TLS 1.2 only with forward-secret AEAD suites plus TLS 1.3,
 * no client-initiated renegotiation, no TLS 1.1 (JSSE clients, and openssl as a second opinion); AUTH refused
 * before STARTTLS on 25 and 587 (538) and accepted after it; the default
 * message-size and recipient limits; the launcher's JVM options, read from the running process's command line.
 * The last test restarts the same installation with a lowered size limit and floods it with oversized messages,
 * with and without SIZE=, then delivers a normal one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ListenerHardeningIT {
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "limits-secret";
    private static final String RSA_KEY_EXCHANGE = "TLS_RSA_WITH_AES_128_GCM_SHA256";
    private static final String ECDHE = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
    private static final long DEFAULT_MAX_MESSAGE_SIZE = 35L * 1024 * 1024;
    private static final String TOO_BIG = "552 5.3.4 Message size exceeds fixed maximum message size";
    private static final String TOO_MANY_RECIPIENTS = "452 4.5.3 Requested action not taken: max recipients reached";

    @TempDir
    static Path directory;
    static DistributionProcess server;
    static MailClients clients;
    static SSLContext trustingServer;

    @BeforeAll
    static void start() throws Exception {
        server = DistributionProcess.installInto(directory).start().awaitStarted();
        clients = new MailClients(server);
        clients.createDomainAndUser("example.test", USER, PASSWORD);
        trustingServer = clients.trustingServer();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // --- TLS -----------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void tls12OfferingOnlyRsaKeyExchangeFailsTheHandshakeOnEveryTlsListener() throws Exception {
        assertThatThrownBy(() -> startTls(server.port("smtp"), "TLSv1.2", RSA_KEY_EXCHANGE)).isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> startTls(server.port("submission"), "TLSv1.2", RSA_KEY_EXCHANGE)).isInstanceOf(SSLHandshakeException.class);
        for (String implicitTls : List.of("smtps", "imaps")) {
            assertThatThrownBy(() -> implicitTls(server.port(implicitTls), "TLSv1.2", RSA_KEY_EXCHANGE))
                .as(implicitTls).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    @Order(2)
    void ecdheAeadOverTls12AndTls13Work() throws Exception {
        try (SSLSocket tls = startTls(server.port("smtp"), "TLSv1.2", ECDHE)) {
            assertThat(tls.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(tls.getSession().getCipherSuite()).isEqualTo(ECDHE);
            assertThat(command(tls, "NOOP")).startsWith("250");
        }
        try (SSLSocket tls = implicitTls(server.port("imaps"), "TLSv1.2", ECDHE)) {
            assertThat(tls.getSession().getCipherSuite()).isEqualTo(ECDHE);
        }
        try (SSLSocket tls = implicitTls(server.port("smtps"), "TLSv1.3", null)) {
            assertThat(tls.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    @Order(3)
    void clientInitiatedTls12RenegotiationIsRefused() throws Exception {
        for (String listener : List.of("smtp", "smtps")) {
            try (SSLSocket tls = listener.equals("smtp") ? startTls(server.port(listener), "TLSv1.2", ECDHE)
                : implicitTls(server.port(listener), "TLSv1.2", ECDHE)) {
                if (listener.equals("smtps")) {
                    readReply(tls);
                }
                assertThat(command(tls, "NOOP")).startsWith("250");

                // JSSE renegotiates on a second startHandshake(); the server's refusal (a fatal alert) arrives on the next read
                tls.startHandshake();

                assertThat(replyOrClosed(tls, "NOOP")).as(listener).isEqualTo("closed by server");
            }
        }
    }

    @Test
    @Order(4)
    void opensslSecondOpinionRefusesTls11RsaKeyExchangeAndRenegotiationAndAcceptsEcdhe() throws Exception {
        int smtps = server.port("smtps");
        // TLS 1.1 needs security level 0 in OpenSSL 3 on the client side; the server must still refuse it
        OpensslResult tls11 = openssl(List.of("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"), smtps, false);
        assertThat(tls11.exitCode).as(tls11.output).isNotZero();
        assertThat(tls11.output).doesNotContain("220 ");
        OpensslResult rsaKeyExchange = openssl(List.of("-tls1_2", "-cipher", "AES128-GCM-SHA256"), smtps, false);
        assertThat(rsaKeyExchange.exitCode).as(rsaKeyExchange.output).isNotZero();
        assertThat(rsaKeyExchange.output).doesNotContain("220 ");
        OpensslResult ecdhe = openssl(List.of("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"), smtps, false);
        assertThat(ecdhe.output).contains("Cipher is ECDHE-RSA-AES128-GCM-SHA256").contains("220 James TLS Provenance ESMTP");
        // "R" asks s_client to renegotiate: the server ends the connection instead of answering the NOOP after it
        OpensslResult renegotiation = openssl(List.of("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"), smtps, true);
        assertThat(renegotiation.output).contains("RENEGOTIATING").contains("alert handshake failure").doesNotContain("250 2.0.0");
    }

    // --- AUTH ------------------------------------------------------------------------------------------------

    @Test
    @Order(5)
    void authBeforeStartTlsGets538OnPorts25And587AndWorksAfterIt() throws Exception {
        String credentials = java.util.Base64.getEncoder().encodeToString(("\0" + USER + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        for (String listener : List.of("smtp", "submission")) {
            try (SmtpTestClient client = SmtpTestClient.connect("localhost", server.port(listener))) {
                client.ehlo("client.example.test");
                assertThat(client.command("AUTH PLAIN " + credentials).rawLines()).as(listener)
                    .containsExactly("538 5.7.11 Encryption required for requested authentication mechanism");
            }
            try (SSLSocket tls = startTls(server.port(listener), "TLSv1.3", null)) {
                command(tls, "EHLO client.example.test");
                assertThat(command(tls, "AUTH PLAIN " + credentials)).as(listener).isEqualTo("235 Authentication Successful");
            }
        }
    }

    // --- Limits and JVM options ------------------------------------------------------------------------------

    @Test
    @Order(6)
    void shippedDefaultMessageSizeIsAdvertisedAndEnforcedAtMailFromSize() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", server.port("smtp"))) {
            assertThat(client.ehlo("client.example.test").extensions()).contains("SIZE " + DEFAULT_MAX_MESSAGE_SIZE);

            assertThat(client.mailFrom("sender@example.test", "SIZE=" + (DEFAULT_MAX_MESSAGE_SIZE + 1)).rawLines())
                .containsExactly(TOO_BIG);
            assertThat(client.mailFrom("sender@example.test", "SIZE=" + DEFAULT_MAX_MESSAGE_SIZE).code()).isEqualTo(250);
        }
    }

    @Test
    @Order(7)
    void theThousandAndFirstRecipientGets452() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", server.port("smtp"))) {
            client.ehlo("client.example.test");
            assertThat(client.mailFrom("sender@example.test").code()).isEqualTo(250);
            for (int i = 1; i <= 1000; i++) {
                SmtpReply accepted = client.rcptTo("rcpt" + i + "@remote.example");
                assertThat(accepted.code()).as("recipient %d", i).isEqualTo(250);
            }

            assertThat(client.rcptTo("rcpt1001@remote.example").rawLines()).containsExactly(TOO_MANY_RECIPIENTS);
            assertThat(client.rset().code()).isEqualTo(250);
        }
    }

    @Test
    @Order(8)
    void theRunningJvmExitsOnOutOfMemoryAndRefusesRenegotiation() throws Exception {
        List<String> commandLine = Arrays.asList(
            new String(Files.readAllBytes(Path.of("/proc/" + server.process().pid() + "/cmdline")), StandardCharsets.UTF_8).split("\0"));

        assertThat(commandLine.get(0)).endsWith("java");
        assertThat(commandLine).contains("-XX:+ExitOnOutOfMemoryError", "-Djdk.tls.rejectClientInitiatedRenegotiation=true");
    }

    @Test
    @Order(9)
    void aFloodOfOversizedMessagesIsRefusedAndANormalMessageIsDeliveredAfterIt() throws Exception {
        server.close();
        Path smtpServerXml = server.home().resolve("conf/smtpserver.xml");
        String lowered = Files.readString(smtpServerXml).replace("${sys:james.smtp.maxmessagesize:-35M}", "64K");
        assertThat(lowered).contains("<maxmessagesize>64K</maxmessagesize>");
        Files.writeString(smtpServerXml, lowered);
        server.start().awaitStarted();
        // The domain and user created in start() are still there: they are in the persistent store (PersistentStateIT).

        String oversized = message("oversized", 100 * 1024);
        for (int i = 0; i < 5; i++) {
            try (SmtpTestClient client = SmtpTestClient.connect("localhost", server.port("smtp"))) {
                client.ehlo("client.example.test");
                assertThat(client.mailFrom("sender@example.test", "SIZE=" + oversized.length()).rawLines()).containsExactly(TOO_BIG);
                // without SIZE= the excess is discarded as it arrives, and the end of DATA gets the same reply
                assertThat(client.send("sender@example.test", List.of(USER), oversized).rawLines()).as("flood %d", i)
                    .containsExactly(TOO_BIG);
                assertThat(client.noop().code()).isEqualTo(250);
            }
        }

        try (SmtpTestClient client = SmtpTestClient.connect("localhost", server.port("smtp"))) {
            client.ehlo("client.example.test");
            assertThat(client.send("sender@example.test", List.of(USER), message("after the flood", 1024)).code()).isEqualTo(250);
        }
        await().atMost(Duration.ofSeconds(30))
            // a delivery landing between SELECT and FETCH fails that read ("Invalid messageset"): poll again
            .ignoreExceptionsInstanceOf(MessagingException.class).untilAsserted(() ->
            assertThat(clients.readInboxHeaders(USER, PASSWORD)).singleElement().asString().contains("Subject: after the flood"));
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private static String message(String subject, int bodyBytes) {
        StringBuilder body = new StringBuilder();
        while (body.length() < bodyBytes) {
            body.append("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789\r\n");
        }
        return "From: sender@example.test\r\nTo: " + USER + "\r\nSubject: " + subject + "\r\n\r\n" + body;
    }

    /** EHLO, STARTTLS and a handshake offering only {@code protocol} (and {@code suite} when given). */
    private static SSLSocket startTls(int port, String protocol, String suite) throws IOException {
        Socket plain = new Socket();
        plain.setSoTimeout(20_000);
        plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        try {
            readReply(plain);
            command(plain, "EHLO client.example.test");
            assertThat(command(plain, "STARTTLS")).startsWith("220");
            SSLSocket tls = (SSLSocket) trustingServer.getSocketFactory().createSocket(plain, "localhost", port, true);
            restrict(tls, protocol, suite);
            tls.startHandshake();
            return tls;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private static SSLSocket implicitTls(int port, String protocol, String suite) throws IOException {
        SSLSocket tls = (SSLSocket) trustingServer.getSocketFactory().createSocket();
        tls.setSoTimeout(20_000);
        restrict(tls, protocol, suite);
        tls.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        try {
            tls.startHandshake();
            return tls;
        } catch (IOException e) {
            tls.close();
            throw e;
        }
    }

    private static void restrict(SSLSocket tls, String protocol, String suite) {
        tls.setUseClientMode(true);
        tls.setEnabledProtocols(new String[] {protocol});
        if (suite != null) {
            tls.setEnabledCipherSuites(new String[] {suite});
        }
    }

    private static String command(Socket socket, String line) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readReply(socket);
    }

    /** The reply's last line; an SMTP reply is complete when a line has a space after the code. */
    private static String readReply(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c == -1) {
                throw new java.io.EOFException("connection closed after '" + line + "'");
            }
            if (c == '\n') {
                String text = line.toString().strip();
                if (text.length() < 4 || text.charAt(3) != '-') {
                    return text;
                }
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
    }

    private static String replyOrClosed(SSLSocket tls, String line) {
        try {
            return command(tls, line);
        } catch (SSLException | java.io.EOFException | java.net.SocketException closed) {
            return "closed by server";
        } catch (IOException other) {
            return "failed: " + other;
        }
    }

    private record OpensslResult(int exitCode, String output) {
    }

    /**
     * {@code openssl s_client} against {@code port} (implicit TLS). With {@code renegotiate}, once the greeting is
     * in, sends s_client's "R" command, then NOOP: a server that renegotiates answers 250, one that refuses ends
     * the connection (s_client exits). Output is read by a second thread so every wait has a deadline.
     */
    private static OpensslResult openssl(List<String> options, int port, boolean renegotiate) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
            "-servername", "localhost"));
        command.addAll(options);
        Process openssl = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuffer output = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(openssl.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.append(line).append('\n');
                }
            } catch (IOException ended) {
                // the process went away: what it printed is in output
            }
        });
        reader.start();
        OutputStream stdin = openssl.getOutputStream();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> output.indexOf("220 ") >= 0 || !openssl.isAlive());
            if (openssl.isAlive() && renegotiate) {
                stdin.write("R\n".getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
                await().atMost(Duration.ofSeconds(30)).until(() -> output.indexOf("RENEGOTIATING") >= 0 || !openssl.isAlive());
                int afterRenegotiation = output.length();
                if (openssl.isAlive()) {
                    stdin.write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
                    stdin.flush();
                }
                await().atMost(Duration.ofSeconds(30))
                    .until(() -> !openssl.isAlive() || output.indexOf("250 ", afterRenegotiation) >= 0);
            }
            stdin.close();
        } catch (IOException brokenPipe) {
            // s_client already exited
        }
        if (!openssl.waitFor(30, TimeUnit.SECONDS)) {
            openssl.destroyForcibly();
        }
        reader.join(10_000);
        return new OpensslResult(openssl.exitValue(), output.toString());
    }
}
