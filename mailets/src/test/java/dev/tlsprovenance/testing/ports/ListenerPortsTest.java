package dev.tlsprovenance.testing.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ListenerPortsTest {

    @Test
    void portsAreDistinctBindableAndBelowTheEphemeralRange() throws IOException {
        int ephemeralLow;
        try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            ephemeralLow = Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = ListenerPorts.unused();
            assertTrue(port >= 10_000 && port < ephemeralLow, "port " + port + " outside [10000, " + ephemeralLow + ")");
            assertTrue(seen.add(port), "port " + port + " handed out twice");
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                assertEquals(port, socket.getLocalPort());
            }
        }
    }
}
