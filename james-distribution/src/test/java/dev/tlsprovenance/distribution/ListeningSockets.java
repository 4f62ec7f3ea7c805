package dev.tlsprovenance.distribution;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The TCP sockets a process listens on, read from Linux's {@code /proc} as {@code ss -ltnp} would, without depending
 * on ss or netstat: the socket inodes among the process's file descriptors ({@code /proc/PID/fd/N -> socket:[INODE]}),
 * matched against the entries of {@code /proc/PID/net/tcp} and {@code tcp6} (the tables of that process's network
 * namespace) whose state is {@code 0A} (LISTEN).
 */
final class ListeningSockets {
    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");
    private static final String LISTEN = "0A";

    /** One listening socket: its local address and port, and the inode that ties it to the process. */
    record Listener(InetAddress address, int port, long inode) {
        @Override
        public String toString() {
            String host = address.getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port + " (socket inode " + inode + ")";
        }
    }

    private ListeningSockets() {
    }

    /** The TCP listeners held open by {@code process} and its descendants (a launcher script may fork the JVM). */
    static List<Listener> of(ProcessHandle process) throws IOException {
        Set<Long> inodes = new HashSet<>();
        List<ProcessHandle> processes = new ArrayList<>();
        processes.add(process);
        process.descendants().forEach(processes::add);
        for (ProcessHandle each : processes) {
            inodes.addAll(socketInodes(each.pid()));
        }
        List<Listener> listeners = new ArrayList<>();
        Path net = Path.of("/proc", String.valueOf(process.pid()), "net");
        for (String table : List.of("tcp", "tcp6")) {
            for (Listener listener : listenersIn(net.resolve(table))) {
                if (inodes.contains(listener.inode())) {
                    listeners.add(listener);
                }
            }
        }
        return listeners;
    }

    private static Set<Long> socketInodes(long pid) throws IOException {
        Set<Long> inodes = new HashSet<>();
        Path fds = Path.of("/proc", String.valueOf(pid), "fd");
        List<Path> descriptors;
        try (Stream<Path> list = Files.list(fds)) {
            descriptors = list.toList();
        } catch (NoSuchFileException processEnded) {
            return inodes;
        }
        for (Path descriptor : descriptors) {
            try {
                Matcher socket = SOCKET_LINK.matcher(Files.readSymbolicLink(descriptor).toString());
                if (socket.matches()) {
                    inodes.add(Long.parseLong(socket.group(1)));
                }
            } catch (NoSuchFileException closedMeanwhile) {
                // a descriptor closed between listing and reading is not a listener
            }
        }
        return inodes;
    }

    /**
     * Entries of one {@code /proc/net/tcp[6]} table in state LISTEN. Columns: {@code sl local_address rem_address st
     * tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...}; the address is hex, in 32-bit words of host byte
     * order, the port is hex big-endian.
     */
    static List<Listener> listenersIn(Path table) throws IOException {
        List<Listener> listeners = new ArrayList<>();
        if (!Files.exists(table)) {
            return listeners;
        }
        List<String> lines = Files.readAllLines(table);
        for (String line : lines.subList(1, lines.size())) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length < 10 || !columns[3].equals(LISTEN)) {
                continue;
            }
            String[] local = columns[1].split(":");
            listeners.add(new Listener(address(local[0]), Integer.parseInt(local[1], 16), Long.parseLong(columns[9])));
        }
        return listeners;
    }

    private static InetAddress address(String hexWords) throws UnknownHostException {
        ByteBuffer bytes = ByteBuffer.allocate(hexWords.length() / 2);
        for (int word = 0; word < hexWords.length(); word += 8) {
            int value = Integer.parseUnsignedInt(hexWords.substring(word, word + 8), 16);
            // The kernel printed each 32-bit word of the address as an int read in host order: store it back so.
            bytes.put(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
        }
        return InetAddress.getByAddress(bytes.array());
    }
}
