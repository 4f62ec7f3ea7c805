package dev.tlsprovenance.testing.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Type;

/**
 * An in-JVM DNS server on 127.0.0.1 (UDP and TCP on the same free port) answering from a {@link TestDnsNamespace}
 * as a recursive resolver would: the upstream for {@code DnssecLookups} in tests, and for the packaged server in
 * later distribution tests. UDP answers larger than the client's EDNS size (512 without EDNS) are truncated with
 * TC, so clients retry over TCP as with a real resolver.
 *
 * <pre>
 * try (TestDnssecServer dns = TestDnssecServer.start(DnssecTestZones.standard())) {
 *     DnssecLookups lookups = new DnssecLookups(Settings.builder(dns.address())
 *             .trustAnchors(dns.namespace().trustAnchor()).build());
 * }
 * </pre>
 */
public final class TestDnssecServer implements AutoCloseable {

    private final TestDnsNamespace namespace;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final InetSocketAddress address;
    private final ExecutorService threads;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Message> queries = new CopyOnWriteArrayList<>();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private volatile boolean claimAuthenticData;

    private TestDnssecServer(TestDnsNamespace namespace, DatagramSocket udp, ServerSocket tcp) {
        this.namespace = namespace;
        this.udp = udp;
        this.tcp = tcp;
        this.address = new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "test-dnssec-server-" + udp.getLocalPort());
            thread.setDaemon(true);
            return thread;
        });
        threads.execute(this::serveUdp);
        threads.execute(this::serveTcp);
    }

    /** Starts a server for {@code namespace} on a free loopback port (the same number for UDP and TCP). */
    public static TestDnssecServer start(TestDnsNamespace namespace) throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            try {
                ServerSocket tcp = new ServerSocket();
                tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
                return new TestDnssecServer(namespace, udp, tcp);
            } catch (IOException e) {
                udp.close();
                last = e;
            }
        }
        throw last;
    }

    /** The address it listens on (UDP and TCP); still the same after {@link #close()}. */
    public InetSocketAddress address() {
        return address;
    }

    public TestDnsNamespace namespace() {
        return namespace;
    }

    /** Every query received so far (UDP and TCP), in arrival order. */
    public List<Message> queries() {
        return List.copyOf(queries);
    }

    /** How many of {@link #queries()} came over TCP (after a truncated UDP answer, say). */
    public int tcpQueryCount() {
        return tcpQueries.get();
    }

    /** How many queries asked exactly this question (name case-insensitively, type by its name). */
    public long queryCount(String name, String type) {
        return queries.stream()
                .filter(q -> q.getQuestion() != null
                        && q.getQuestion().getName().toString(true).equalsIgnoreCase(name)
                        && Type.string(q.getQuestion().getType()).equals(type))
                .count();
    }

    /** Sets the AD bit on every answer from now on, as a lying or merely forwarding upstream might. */
    public void claimAuthenticData(boolean claim) {
        this.claimAuthenticData = claim;
    }

    /** Stops answering: both sockets close, so a client sees an unreachable port or a timeout. */
    @Override
    public void close() {
        running.set(false);
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        threads.shutdownNow();
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (running.get()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                Message query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
                queries.add(query);
                OPTRecord opt = query.getOPT();
                int limit = opt == null ? 512 : Math.max(512, opt.getPayloadSize());
                byte[] wire = namespace.answer(query, claimAuthenticData).toWire(limit);
                udp.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                // a malformed datagram: no answer, as a resolver would drop it
            }
        }
    }

    private void serveTcp() {
        while (running.get()) {
            try {
                Socket connection = tcp.accept();
                threads.execute(() -> serveTcpConnection(connection));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveTcpConnection(Socket connection) {
        try (Socket socket = connection;
             DataInputStream in = new DataInputStream(socket.getInputStream());
             DataOutputStream out = new DataOutputStream(socket.getOutputStream())) {
            while (running.get()) {
                int length = in.readUnsignedShort();
                byte[] data = new byte[length];
                in.readFully(data);
                Message query = new Message(data);
                queries.add(query);
                tcpQueries.incrementAndGet();
                byte[] wire = namespace.answer(query, claimAuthenticData).toWire();
                out.writeShort(wire.length);
                out.write(wire);
                out.flush();
            }
        } catch (IOException e) {
            // the client closed the connection
        }
    }
}
