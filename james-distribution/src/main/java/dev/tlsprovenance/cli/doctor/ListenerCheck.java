package dev.tlsprovenance.cli.doctor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.tlsprovenance.distribution.ConfiguredListener;

/**
 * The listeners' TLS settings as configured (TLS mode, protocols, AUTH before TLS) and, with {@code --probe},
 * as a client sees them: the running SMTP listener must list STARTTLS in its EHLO answer.
 */
final class ListenerCheck {
    static final String AREA = "listeners";
    private static final Set<String> OUTDATED = Set.of("SSLv2Hello", "SSLv3", "TLSv1", "TLSv1.1");
    private static final int PROBE_TIMEOUT_MILLIS = 5000;

    private ListenerCheck() {
    }

    static List<Finding> check(ConfiguredListener listener, boolean probe) {
        String subject = listener.describe();
        boolean smtp = listener.file().startsWith("smtp");
        List<Finding> findings = new ArrayList<>();
        if (!listener.usesTls()) {
            findings.add(smtp
                ? Finding.fail(AREA, subject, "no TLS: STARTTLS is not offered, so peers requiring TLS will not deliver here "
                    + "(set <tls startTLS=\"true\">)")
                : Finding.warn(AREA, subject, "no TLS: passwords and mail cross in cleartext"));
            return findings;
        }
        findings.add(Finding.ok(AREA, subject, listener.implicitTls() ? "implicit TLS" : "STARTTLS offered"));
        findings.add(protocols(listener, subject));
        if (smtp && !listener.authRequiresTls()) {
            findings.add(Finding.warn(AREA, subject, "AUTH is accepted before TLS: set <auth><requireSSL>true</requireSSL>"));
        }
        if (probe && smtp && listener.startTls()) {
            findings.add(probeStartTls(listener, subject));
        }
        return findings;
    }

    private static Finding protocols(ConfiguredListener listener, String subject) {
        if (listener.protocols().isEmpty()) {
            return Finding.ok(AREA, subject, "protocols: the JVM's defaults (TLSv1.2 and TLSv1.3 on current JDKs)");
        }
        List<String> outdated = listener.protocols().stream().filter(OUTDATED::contains).toList();
        boolean modern = listener.protocols().contains("TLSv1.2") || listener.protocols().contains("TLSv1.3");
        if (!modern) {
            return Finding.fail(AREA, subject, "protocols " + listener.protocols() + " include neither TLSv1.2 nor TLSv1.3: "
                + "current peers cannot negotiate TLS");
        }
        if (!outdated.isEmpty()) {
            return Finding.warn(AREA, subject, "protocols " + listener.protocols() + " include outdated " + outdated);
        }
        return Finding.ok(AREA, subject, "protocols " + listener.protocols());
    }

    /** EHLO against the running listener; a server must list STARTTLS before TLS (RFC 3207). */
    static Finding probeStartTls(ConfiguredListener listener, String subject) {
        String host = listener.bindHost().equals("0.0.0.0") || listener.bindHost().equals("::") ? "127.0.0.1" : listener.bindHost();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, listener.port()), PROBE_TIMEOUT_MILLIS);
            socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            readReply(in);
            out.write("EHLO doctor.invalid\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            List<String> ehlo = readReply(in);
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            boolean offered = ehlo.stream().anyMatch(line -> line.length() > 4 && line.substring(4).trim().equalsIgnoreCase("STARTTLS"));
            return offered
                ? Finding.ok(AREA, subject, "running: EHLO lists STARTTLS")
                : Finding.fail(AREA, subject, "running: EHLO does not list STARTTLS: " + ehlo);
        } catch (IOException e) {
            return Finding.warn(AREA, subject, "running server not reachable at " + host + ":" + listener.port() + " (" + e.getMessage() + ")");
        }
    }

    private static List<String> readReply(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed");
            }
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return lines;
    }
}
