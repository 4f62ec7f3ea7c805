package dev.tlsprovenance.distribution;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One SMTP or IMAP listener as written in {@code conf/smtpserver.xml} / {@code conf/imapserver.xml}, after the
 * {@code ${sys:...}} templating has been applied. Only what the distribution checks before start and what
 * {@code tls-provenance doctor} reports.
 */
public record ConfiguredListener(
        String file,
        String name,
        String bindHost,
        int port,
        boolean startTls,
        boolean implicitTls,
        Optional<String> helloName,
        Optional<String> keystore,
        String keystoreType,
        Optional<String> secret,
        Optional<String> privateKey,
        Optional<String> certificates,
        List<String> protocols,
        boolean authRequiresTls) {

    public boolean usesTls() {
        return startTls || implicitTls;
    }

    public String describe() {
        return name + " (" + file + ", " + bindHost + ":" + port + ")";
    }

    /** James's {@code file://} URLs: {@code file://conf/x} is relative to the working directory, {@code file:///x} absolute. */
    public static Path resolve(Path workingDirectory, String url) {
        String path = url.startsWith("file://") ? url.substring("file://".length()) : url;
        Path candidate = Path.of(path);
        return candidate.isAbsolute() ? candidate : workingDirectory.resolve(path);
    }
}
