package dev.tlsprovenance.cli.doctor;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.tlsprovenance.distribution.ConfiguredListener;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.PolicyFileException;
import dev.tlsprovenance.policy.Smarthost;
import dev.tlsprovenance.policy.TlsPolicyTable;

/**
 * The TLS policy table ({@code conf/tls-policy.conf}): it must parse (the server refuses to start otherwise), and the
 * static routes (smarthosts) it names must accept TCP connections, or mail for those namespaces waits and bounces.
 */
final class PolicyCheck {
    static final String AREA = "policy";
    static final String FILE_NAME = "tls-policy.conf";
    private static final int CONNECT_TIMEOUT_MILLIS = 3000;

    private PolicyCheck() {
    }

    static List<Finding> check(Path home, Path conf, boolean network) {
        Path file = conf.resolve(FILE_NAME);
        List<Finding> findings = new ArrayList<>();
        if (!Files.exists(file)) {
            findings.add(Finding.warn(AREA, FILE_NAME, "missing: every domain gets inbound none, outbound may"));
            return findings;
        }
        TlsPolicyTable table;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            table = TlsPolicyTable.parse(FILE_NAME, reader, written -> written.startsWith("file://")
                ? ConfiguredListener.resolve(home, written)
                : conf.resolve(written).normalize());
        } catch (PolicyFileException | IllegalArgumentException e) {
            findings.add(Finding.fail(AREA, FILE_NAME, "does not parse, the server will not start: " + e.getMessage()));
            return findings;
        } catch (IOException e) {
            findings.add(Finding.fail(AREA, FILE_NAME, "cannot be read: " + e.getMessage()));
            return findings;
        }
        if (table.size() == 0) {
            findings.add(Finding.fail(AREA, FILE_NAME, "has no rows (empty, or comments only), the server will not start;"
                + " to have no rules write the row 'default inbound=none outbound=may'"));
            return findings;
        }
        findings.add(Finding.ok(AREA, FILE_NAME, table.size() + " row(s), default: " + describe(table.defaultPolicy())));
        for (NamespacePolicy row : table.rows()) {
            for (Smarthost route : row.outbound().routes()) {
                findings.add(network ? reachability(row, route)
                    : Finding.warn(AREA, row.namespace(), "route " + route + " not checked (--offline)"));
            }
        }
        return findings;
    }

    private static Finding reachability(NamespacePolicy row, Smarthost route) {
        String subject = row.namespace() + " (" + row.source() + ")";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(route.host(), route.port()), CONNECT_TIMEOUT_MILLIS);
            return Finding.ok(AREA, subject, "route " + route.hostAndPort() + " accepts connections");
        } catch (IOException e) {
            return Finding.fail(AREA, subject, "route " + route.hostAndPort() + " unreachable (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "): mail for " + row.namespace() + " will wait and bounce");
        }
    }

    private static String describe(NamespacePolicy row) {
        return "inbound " + row.inbound().token() + ", outbound " + row.outbound().level().token();
    }
}
