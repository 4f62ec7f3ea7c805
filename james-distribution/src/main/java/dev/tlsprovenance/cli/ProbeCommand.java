package dev.tlsprovenance.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;

import javax.mail.Folder;
import javax.mail.Header;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.mail.search.HeaderTerm;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import dev.tlsprovenance.verify.HeaderBlock;
import dev.tlsprovenance.verify.MessageReport;
import dev.tlsprovenance.verify.ReportJsonWriter;
import dev.tlsprovenance.verify.TraceAnalyzer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tls-provenance probe}: the manual check, automated for one direction. Sends a uniquely tagged message
 * through an SMTP server (STARTTLS required, or implicit TLS; optional AUTH), fetches it back from an IMAP
 * mailbox by its tag (IMAPS or STARTTLS), and verifies its Received path. Run it again with the endpoints
 * swapped to check the other direction.
 */
@Command(name = "probe", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = VerifyCommand.EXIT_USAGE,
    exitCodeOnExecutionException = ProbeCommand.EXIT_PROBE_FAILED,
    description = {"Send a tagged test message over SMTP, fetch it back over IMAP and verify its path."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
        "0:every trusted hop used TLS",
        "1:a trusted hop was cleartext",
        "2:only unknowns stand in the way",
        "3:usage error",
        "4:the probe could not be sent or was not found in the mailbox in time"})
public final class ProbeCommand implements Callable<Integer> {
    static final int EXIT_PROBE_FAILED = 4;
    static final String TAG_HEADER = "X-TLS-Provenance-Probe";

    enum SmtpSecurity { STARTTLS, SMTPS }

    enum ImapSecurity { IMAPS, STARTTLS }

    static final class SmtpSecurityConverter implements ITypeConverter<SmtpSecurity> {
        @Override
        public SmtpSecurity convert(String value) {
            try {
                return SmtpSecurity.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected starttls or smtps but was '" + value + "'");
            }
        }
    }

    static final class ImapSecurityConverter implements ITypeConverter<ImapSecurity> {
        @Override
        public ImapSecurity convert(String value) {
            try {
                return ImapSecurity.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected imaps or starttls but was '" + value + "'");
            }
        }
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--smtp-host", required = true, paramLabel = "HOST", description = "SMTP server to submit through.")
    String smtpHost;

    @Option(names = "--smtp-port", paramLabel = "PORT", description = "Default: 587 for starttls, 465 for smtps.")
    Integer smtpPort;

    @Option(names = "--smtp-security", paramLabel = "MODE", defaultValue = "starttls", converter = SmtpSecurityConverter.class,
        description = "starttls (required, never falls back to cleartext) or smtps (implicit TLS). Default: ${DEFAULT-VALUE}.")
    SmtpSecurity smtpSecurity;

    @Option(names = "--smtp-user", paramLabel = "USER", description = "AUTH user; AUTH is used only when given.")
    String smtpUser;

    @Option(names = "--smtp-password", paramLabel = "PASSWORD", interactive = true, arity = "0..1",
        description = "AUTH password; prompted for when given without a value. Also: env TLS_PROBE_SMTP_PASSWORD.")
    String smtpPassword;

    @Option(names = "--from", required = true, paramLabel = "ADDRESS", description = "Envelope and header sender.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "ADDRESS", description = "Recipient whose mailbox --imap-* reads.")
    String to;

    @Option(names = "--imap-host", required = true, paramLabel = "HOST")
    String imapHost;

    @Option(names = "--imap-port", paramLabel = "PORT", description = "Default: 993 for imaps, 143 for starttls.")
    Integer imapPort;

    @Option(names = "--imap-security", paramLabel = "MODE", defaultValue = "imaps", converter = ImapSecurityConverter.class,
        description = "imaps or starttls (required). Default: ${DEFAULT-VALUE}.")
    ImapSecurity imapSecurity;

    @Option(names = "--imap-user", required = true, paramLabel = "USER")
    String imapUser;

    @Option(names = "--imap-password", paramLabel = "PASSWORD", interactive = true, arity = "0..1",
        description = "Prompted for when given without a value. Also: env TLS_PROBE_IMAP_PASSWORD.")
    String imapPassword;

    @Option(names = "--folder", paramLabel = "FOLDER", defaultValue = "INBOX", description = "Default: ${DEFAULT-VALUE}.")
    String folder;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "How long to wait for the probe. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    @Option(names = "--trust-store", paramLabel = "FILE",
        description = "PKCS12 or JKS trust store for both servers' certificates (default: the JVM's). Server names are always checked.")
    Path trustStore;

    @Option(names = "--trust-store-password", paramLabel = "PASSWORD", defaultValue = "")
    String trustStorePassword;

    @Option(names = "--keep", description = "Leave the probe message in the mailbox (default: delete it once read).")
    boolean keep;

    @Option(names = "--json", description = "Write the verification as JSON.")
    boolean json;

    @Mixin
    TrustOptions trust;

    @Override
    public Integer call() throws Exception {
        TraceAnalyzer analyzer = trust.analyzer();
        validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String tag = newTag();
        SSLSocketFactory sockets = socketFactory();
        Instant sent = Instant.now();
        try {
            send(tag, sockets);
        } catch (MessagingException e) {
            err.println("probe: sending through " + smtpHost + ":" + smtpPort() + " failed: " + e.getMessage());
            return EXIT_PROBE_FAILED;
        }
        if (!json) {
            out.println("Sent probe " + tag + " through " + smtpHost + ":" + smtpPort() + " (" + smtpSecurity.name().toLowerCase(Locale.ROOT) + ")");
        }
        List<String> headerLines = fetch(tag, sockets, err);
        if (headerLines == null) {
            err.println("probe: " + tag + " did not arrive in " + imapUser + "@" + imapHost + "/" + folder
                + " within " + timeoutSeconds + " s (sent " + sent + ")");
            return EXIT_PROBE_FAILED;
        }
        MessageReport report = analyzer.analyze(HeaderBlock.parse(String.join("\r\n", headerLines) + "\r\n\r\n"));
        if (json) {
            out.println(ReportJsonWriter.toJson(List.of(report)));
        } else {
            ReportTable.print(out, "Probe " + tag + " as received in " + imapUser + "@" + imapHost + "/" + folder, report);
        }
        out.flush();
        return report.verdict().exitCode();
    }

    static String newTag() {
        return "tls-probe-" + UUID.randomUUID();
    }

    void validate() {
        try {
            new InternetAddress(from, true);
            new InternetAddress(to, true);
        } catch (MessagingException e) {
            throw new ParameterException(spec.commandLine(), "not an email address: " + e.getMessage());
        }
        if (timeoutSeconds <= 0) {
            throw new ParameterException(spec.commandLine(), "--timeout must be positive, was " + timeoutSeconds);
        }
        if (smtpUser != null && resolvedSmtpPassword() == null) {
            throw new ParameterException(spec.commandLine(), "--smtp-user needs --smtp-password (or TLS_PROBE_SMTP_PASSWORD)");
        }
        if (resolvedImapPassword() == null) {
            throw new ParameterException(spec.commandLine(), "--imap-password (or TLS_PROBE_IMAP_PASSWORD) is required");
        }
        if (trustStore != null && !Files.isReadable(trustStore)) {
            throw new ParameterException(spec.commandLine(), "--trust-store: cannot read " + trustStore);
        }
    }

    int smtpPort() {
        return smtpPort != null ? smtpPort : smtpSecurity == SmtpSecurity.SMTPS ? 465 : 587;
    }

    int imapPort() {
        return imapPort != null ? imapPort : imapSecurity == ImapSecurity.IMAPS ? 993 : 143;
    }

    /** javax.mail settings: TLS is required on both legs and server identity is always checked. */
    Properties smtpProperties(SSLSocketFactory sockets) {
        Properties p = new Properties();
        String prefix = smtpSecurity == SmtpSecurity.SMTPS ? "mail.smtps." : "mail.smtp.";
        p.put(prefix + "host", smtpHost);
        p.put(prefix + "port", Integer.toString(smtpPort()));
        p.put(prefix + "auth", Boolean.toString(smtpUser != null));
        p.put(prefix + "ssl.checkserveridentity", "true");
        p.put(prefix + "connectiontimeout", "30000");
        p.put(prefix + "timeout", "60000");
        if (smtpSecurity == SmtpSecurity.STARTTLS) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            if (sockets != null) {
                p.put("mail.smtp.ssl.socketFactory", sockets);
            }
        } else {
            p.put("mail.smtps.ssl.enable", "true");
            if (sockets != null) {
                p.put("mail.smtps.ssl.socketFactory", sockets);
            }
        }
        return p;
    }

    Properties imapProperties(SSLSocketFactory sockets) {
        Properties p = new Properties();
        String prefix = imapSecurity == ImapSecurity.IMAPS ? "mail.imaps." : "mail.imap.";
        p.put(prefix + "host", imapHost);
        p.put(prefix + "port", Integer.toString(imapPort()));
        p.put(prefix + "ssl.checkserveridentity", "true");
        // Each IMAP operation gets at most 20 s, so one stuck read cannot outlast --timeout by much.
        String operationTimeout = Integer.toString(Math.min(timeoutSeconds, 20) * 1000);
        p.put(prefix + "connectiontimeout", operationTimeout);
        p.put(prefix + "timeout", operationTimeout);
        if (imapSecurity == ImapSecurity.STARTTLS) {
            p.put("mail.imap.starttls.enable", "true");
            p.put("mail.imap.starttls.required", "true");
        } else {
            p.put("mail.imaps.ssl.enable", "true");
        }
        if (sockets != null) {
            p.put(prefix + "ssl.socketFactory", sockets);
        }
        return p;
    }

    MimeMessage probeMessage(Session session, String tag) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject("TLS provenance probe " + tag);
        message.setHeader(TAG_HEADER, tag);
        message.setText("This message tests which hops used TLS. It can be deleted.\r\nTag: " + tag + "\r\n");
        message.saveChanges();
        return message;
    }

    private void send(String tag, SSLSocketFactory sockets) throws MessagingException {
        Session session = Session.getInstance(smtpProperties(sockets));
        MimeMessage message = probeMessage(session, tag);
        String protocol = smtpSecurity == SmtpSecurity.SMTPS ? "smtps" : "smtp";
        try (Transport transport = session.getTransport(protocol)) {
            if (smtpUser != null) {
                transport.connect(smtpHost, smtpPort(), smtpUser, resolvedSmtpPassword());
            } else {
                transport.connect(smtpHost, smtpPort(), null, null);
            }
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    /**
     * Polls the folder for the tag over one IMAP connection (reconnecting only after an error); returns the
     * message's raw header lines, or null on timeout.
     */
    private List<String> fetch(String tag, SSLSocketFactory sockets, PrintWriter err) throws InterruptedException {
        Session session = Session.getInstance(imapProperties(sockets));
        String protocol = imapSecurity == ImapSecurity.IMAPS ? "imaps" : "imap";
        Instant deadline = Instant.now().plus(Duration.ofSeconds(timeoutSeconds));
        long pauseMillis = 250;
        Store store = null;
        try {
            while (Instant.now().isBefore(deadline)) {
                try {
                    if (store == null || !store.isConnected()) {
                        store = session.getStore(protocol);
                        store.connect(imapHost, imapPort(), imapUser, resolvedImapPassword());
                    }
                    List<String> found = find(store, tag);
                    if (found != null) {
                        return found;
                    }
                } catch (MessagingException e) {
                    err.println("probe: IMAP " + imapHost + ":" + imapPort() + ": " + e.getMessage() + " (retrying)");
                    closeQuietly(store);
                    store = null;
                }
                // A poll interval, not synchronisation: the message arrives on another server's schedule.
                Thread.sleep(pauseMillis);
                pauseMillis = Math.min(pauseMillis * 2, 4000);
            }
            return null;
        } finally {
            closeQuietly(store);
        }
    }

    /** Opens the folder afresh (so new mail is seen), looks for the tag, deletes the probe unless --keep. */
    private List<String> find(Store store, String tag) throws MessagingException {
        Folder box = store.getFolder(folder);
        box.open(keep ? Folder.READ_ONLY : Folder.READ_WRITE);
        boolean expunge = false;
        try {
            for (Message message : box.search(new HeaderTerm(TAG_HEADER, tag))) {
                String[] values = message.getHeader(TAG_HEADER);
                if (values != null && List.of(values).contains(tag)) {
                    List<String> lines = headerLines(message);
                    if (!keep) {
                        message.setFlag(javax.mail.Flags.Flag.DELETED, true);
                        expunge = true;
                    }
                    return lines;
                }
            }
            return null;
        } finally {
            box.close(expunge);
        }
    }

    private static void closeQuietly(Store store) {
        if (store != null) {
            try {
                store.close();
            } catch (MessagingException e) {
                // Closing a broken connection can fail; there is nothing left to release.
            }
        }
    }

    private static List<String> headerLines(Message message) throws MessagingException {
        List<String> lines = new java.util.ArrayList<>();
        @SuppressWarnings("unchecked")
        Enumeration<Header> headers = message.getAllHeaders();
        while (headers.hasMoreElements()) {
            Header header = headers.nextElement();
            lines.add(header.getName() + ": " + header.getValue());
        }
        return lines;
    }

    String resolvedSmtpPassword() {
        return smtpPassword != null ? smtpPassword : System.getenv("TLS_PROBE_SMTP_PASSWORD");
    }

    String resolvedImapPassword() {
        return imapPassword != null ? imapPassword : System.getenv("TLS_PROBE_IMAP_PASSWORD");
    }

    private SSLSocketFactory socketFactory() throws IOException, GeneralSecurityException {
        if (trustStore == null) {
            return null;
        }
        KeyStore store = KeyStore.getInstance(trustStore.toString().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            store.load(in, trustStorePassword.toCharArray());
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context.getSocketFactory();
    }
}
