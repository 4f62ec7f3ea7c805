package dev.tlsprovenance.cli.doctor;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.tlsprovenance.cli.checkpeer.CheckPeer;
import dev.tlsprovenance.cli.checkpeer.CheckPeerResult;
import dev.tlsprovenance.cli.checkpeer.HopCheck;
import dev.tlsprovenance.cli.checkpeer.Outcome;
import dev.tlsprovenance.cli.checkpeer.PeerObservation;
import dev.tlsprovenance.dane.DnssecLookups;
import dev.tlsprovenance.distribution.ConfiguredListener;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.PolicyFileException;
import dev.tlsprovenance.policy.Smarthost;
import dev.tlsprovenance.policy.TlsPolicyTable;

/**
 * The TLS policy table ({@code conf/tls-policy.conf}): it must parse (the server refuses to start otherwise), and every
 * static route (smarthost) it names must take mail at its row's level: check-peer's session (EHLO, STARTTLS, handshake,
 * the row's certificate check, QUIT) is run against each, so a route without STARTTLS, with an untrusted certificate,
 * a wrong name or a wrong pin fails here, as its mail would wait and bounce.
 */
final class PolicyCheck {
    static final String AREA = "policy";
    static final String FILE_NAME = "tls-policy.conf";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private PolicyCheck() {
    }

    static List<Finding> check(Path home, Path conf, boolean network, String heloName, Optional<DnssecLookups> lookups) {
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
        CheckPeer checkPeer = new CheckPeer(table, lookups, heloName, TIMEOUT, Clock.systemUTC());
        for (NamespacePolicy row : table.rows()) {
            for (Smarthost route : row.outbound().routes()) {
                findings.add(network ? routeCheck(checkPeer, row, route)
                    : Finding.warn(AREA, row.namespace(), "route " + route + " not checked (--offline)"));
            }
        }
        return findings;
    }

    private static Finding routeCheck(CheckPeer checkPeer, NamespacePolicy row, Smarthost route) {
        String subject = row.namespace() + " (" + row.source() + ")";
        String level = row.outbound().level().token();
        CheckPeerResult result;
        try {
            result = checkPeer.checkRoute(row, route);
        } catch (IOException | IllegalArgumentException e) {
            return Finding.fail(AREA, subject, "route " + route.hostAndPort() + ": the row's TLS material is unusable: " + e.getMessage());
        }
        HopCheck hop = result.hops().get(0);
        PeerObservation seen = hop.observation();
        if (!seen.connected()) {
            return Finding.fail(AREA, subject, "route " + route.hostAndPort() + " unreachable (" + seen.failure().orElse("")
                + "): mail for " + row.namespace() + " will wait and bounce");
        }
        String session = seen.encrypted() ? "TLS " + seen.startTls().token() + seen.protocol().map(p -> " " + p).orElse("")
            : "cleartext";
        if (hop.outcome() == Outcome.DELIVER) {
            return Finding.ok(AREA, subject, "route " + route.hostAndPort() + " takes mail at level " + level + " (" + session
                + ", verify " + hop.verification().status().token() + "): " + hop.reason());
        }
        return Finding.fail(AREA, subject, "route " + route.hostAndPort() + " fails level " + level
            + hop.resultType().map(type -> " [" + type + "]").orElse("") + ": " + hop.reason()
            + "; mail for " + row.namespace() + " will wait and bounce (tls-provenance check-peer " + route + " shows the session)");
    }

    private static String describe(NamespacePolicy row) {
        return "inbound " + row.inbound().token() + ", outbound " + row.outbound().level().token();
    }
}
