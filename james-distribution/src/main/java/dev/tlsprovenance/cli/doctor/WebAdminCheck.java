package dev.tlsprovenance.cli.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.google.common.net.InetAddresses;

import dev.tlsprovenance.distribution.webadmin.WebAdminSettings;

/**
 * WebAdmin can create users, reset passwords and add forwards: the doctor says when anyone who reaches it could
 * (token checks off, a key others can read) and when the server would not start (token checks on, no key to check
 * them with). Nothing when there is no {@code conf/webadmin.properties}.
 */
final class WebAdminCheck {
    static final String AREA = "webadmin";
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private WebAdminCheck() {
    }

    static List<Finding> check(Path home) {
        Optional<WebAdminSettings> read;
        try {
            read = WebAdminSettings.read(home);
        } catch (Exception e) {
            return List.of(Finding.fail(AREA, WebAdminSettings.FILE, "cannot read: " + e.getMessage()));
        }
        if (read.isEmpty() || !read.get().enabled()) {
            return List.of();
        }
        WebAdminSettings settings = read.get();
        String subject = "WebAdmin (" + settings.host() + ":" + settings.port() + ")";
        List<Finding> findings = new ArrayList<>();
        if (!settings.jwtEnabled()) {
            findings.add(Finding.warn(AREA, subject, "no token required (jwt.enabled=false): anyone who can reach it can "
                + "create users, reset passwords and add forwards"));
        } else if (settings.publicKey().isEmpty()) {
            findings.add(Finding.fail(AREA, subject, "jwt.enabled=true without jwt.publickeypem.url: the server will not start"));
        } else if (!Files.exists(settings.publicKey().get()) && settings.privateKey().isEmpty()) {
            findings.add(Finding.fail(AREA, subject, "no " + settings.publicKey().get() + " and no jwt.privatekeypem.url to "
                + "generate it: the server will not start"));
        } else {
            findings.add(Finding.ok(AREA, subject, "tokens required (bin/tls-provenance admin-token)"));
            for (Optional<Path> key : List.of(settings.privateKey(), settings.publicKey())) {
                key.filter(Files::exists).flatMap(WebAdminCheck::openToOthers)
                    .ifPresent(file -> findings.add(Finding.warn(AREA, file.toString(), "group or others have access to "
                        + "this WebAdmin token key: whoever can read the private key or replace the public one "
                        + "administers the server (chmod 600)")));
            }
        }
        if (!isLoopback(settings.host())) {
            findings.add(Finding.warn(AREA, subject, "listens beyond loopback over plain HTTP: tokens and passwords travel "
                + "in clear (https.enabled=false)"));
        }
        return findings;
    }

    private static Optional<Path> openToOthers(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            permissions.retainAll(GROUP_OR_OTHERS);
            return permissions.isEmpty() ? Optional.empty() : Optional.of(file);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** Without asking DNS: a loopback literal or localhost. */
    private static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (InetAddresses.isInetAddress(bare)) {
            return InetAddresses.forString(bare).isLoopbackAddress();
        }
        return bare.equalsIgnoreCase("localhost");
    }
}
