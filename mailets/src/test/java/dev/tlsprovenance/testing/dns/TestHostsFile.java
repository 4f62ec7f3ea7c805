package dev.tlsprovenance.testing.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A hosts file for {@code -Djdk.net.hosts.file}, which the JDK HttpClient (MTA-STS policy fetches) resolves with: in a
 * JVM given one, every name comes from that file. James resolves the machine's own name at start (its task manager's
 * Hostname), so the file needs that name too, as /etc/hosts has it.
 */
public final class TestHostsFile {
    private TestHostsFile() {
    }

    /** This machine's host name, as the kernel has it ("" when unknown). */
    public static String ownHostName() throws IOException {
        Path kernelName = Path.of("/proc/sys/kernel/hostname");
        // readAllLines, not readString: on JDK 17 readString returns only the first byte of a /proc/sys file
        return Files.isReadable(kernelName) ? String.join("", Files.readAllLines(kernelName)).strip()
            : String.valueOf(System.getenv("HOSTNAME")).strip();
    }

    /** Writes FILE: {@code localhost}, this machine's name and every one of NAMES on 127.0.0.1. */
    public static Path writeLoopback(Path file, List<String> names) throws IOException {
        return Files.writeString(file, "127.0.0.1 localhost " + ownHostName() + "\n"
            + "127.0.0.1 " + String.join(" ", names) + "\n");
    }
}
