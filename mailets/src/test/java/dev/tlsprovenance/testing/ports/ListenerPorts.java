package dev.tlsprovenance.testing.ports;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for a listener that is bound later, by another process (a packaged server, a Postfix instance) or a
 * later start: chosen <em>outside</em> the kernel's ephemeral range ({@code net.ipv4.ip_local_port_range}).
 *
 * <p>Why not {@code new ServerSocket(0)}: that port comes from the ephemeral range, and until the listener binds it
 * (seconds later, after a JVM start) the kernel may hand the same port to any outgoing connection as its source port,
 * a JDBC pool's in the server itself included (it connects to PostgreSQL before it binds its listeners); the bind then
 * fails with "Address already in use". That is the likely cause of a packaged server on PostgreSQL that exited 8.7 s
 * after its start in CI (stop 19). Ports below the ephemeral range are only ever taken by an explicit bind, and each
 * port is handed out once per JVM.
 */
public final class ListenerPorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Below this are the well-known and commonly configured ports (PostgreSQL's 5432, 8080, ...). */
    private static final int LOWEST = 10_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private ListenerPorts() {
    }

    /** A loopback port nothing listens on now, outside the ephemeral range, not handed out before in this JVM. */
    public static int unused() {
        int highest = ephemeralLow() - 1;
        if (highest - LOWEST < 1_000) {
            throw new IllegalStateException("the ephemeral port range in " + EPHEMERAL_RANGE + " leaves fewer than 1000 ports "
                + "between " + LOWEST + " and its start for test listeners");
        }
        for (int tries = 0; tries < 1_000; tries++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
            if (HANDED_OUT.add(port) && bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no unused loopback port between " + LOWEST + " and " + highest + " after 1000 tries");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the ephemeral range; Linux's default 32768 where the file cannot be read. */
    private static int ephemeralLow() {
        try {
            // a reader, not Files.readString: /proc reports a size its contents do not have, and readString on JDK 17
            // returned only the first byte of this file
            try (BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE)) {
                return Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
