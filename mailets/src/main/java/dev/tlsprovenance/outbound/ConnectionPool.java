package dev.tlsprovenance.outbound;

import dev.tlsprovenance.policy.OutboundLevel;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps established SMTP connections per (next hop, TLS material, level) so that the next mail for the same hop
 * skips the TCP connect, the greeting, EHLO, STARTTLS and the handshake. A connection is handed out to one
 * delivery at a time; before reuse it is checked with RSET. At most {@code maxIdlePerHop} idle connections are
 * kept per key, none longer than {@code idleTimeout}.
 */
public final class ConnectionPool implements AutoCloseable {
    private final SmtpConnector connector;
    private final int maxIdlePerHop;
    private final Duration idleTimeout;
    private final Map<Key, Deque<SmtpConnection>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public ConnectionPool(SmtpConnector connector, int maxIdlePerHop, Duration idleTimeout) {
        this.connector = connector;
        this.maxIdlePerHop = maxIdlePerHop;
        this.idleTimeout = idleTimeout;
    }

    /** The name we give in EHLO, which is also the local host of every record. */
    public String heloName() {
        return connector.heloName();
    }

    /** An idle connection that still answers RSET, else a new one. */
    public SmtpConnection borrow(NextHop hop, OutboundTls tls, OutboundLevel level, boolean requireTls)
            throws AttemptFailedException {
        Key key = new Key(hop, tls, level);
        Deque<SmtpConnection> connections = idle.get(key);
        if (connections != null) {
            SmtpConnection candidate;
            while ((candidate = poll(connections)) != null) {
                if (isUsable(candidate)) {
                    return candidate;
                }
                candidate.client().close();
            }
        }
        return connector.open(hop, tls, level, requireTls);
    }

    /** Gives a connection back after a transaction that left it in a clean state. */
    public void release(SmtpConnection connection, OutboundTls tls) {
        if (closed || maxIdlePerHop == 0 || !connection.client().isOpen()) {
            connection.close();
            return;
        }
        Deque<SmtpConnection> connections = idle.computeIfAbsent(new Key(connection.hop(), tls, connection.level()),
            key -> new ArrayDeque<>());
        synchronized (connections) {
            if (connections.size() < maxIdlePerHop) {
                connections.push(connection);
                return;
            }
        }
        connection.close();
    }

    /** Closes idle connections older than the idle timeout; call periodically. */
    public void evictIdle() {
        for (Deque<SmtpConnection> connections : idle.values()) {
            List<SmtpConnection> expired = new ArrayList<>();
            synchronized (connections) {
                connections.removeIf(connection -> {
                    boolean old = connection.client().idleNanos() > idleTimeout.toNanos();
                    if (old) {
                        expired.add(connection);
                    }
                    return old;
                });
            }
            expired.forEach(SmtpConnection::close);
        }
    }

    public int idleConnections() {
        int count = 0;
        for (Deque<SmtpConnection> connections : idle.values()) {
            synchronized (connections) {
                count += connections.size();
            }
        }
        return count;
    }

    @Override
    public void close() {
        closed = true;
        for (Deque<SmtpConnection> connections : idle.values()) {
            SmtpConnection connection;
            while ((connection = poll(connections)) != null) {
                connection.close();
            }
        }
    }

    private static SmtpConnection poll(Deque<SmtpConnection> connections) {
        synchronized (connections) {
            return connections.poll();
        }
    }

    private boolean isUsable(SmtpConnection connection) {
        if (!connection.client().isOpen() || connection.client().idleNanos() > idleTimeout.toNanos()) {
            return false;
        }
        try {
            return connection.client().command("RSET").isPositive();
        } catch (IOException e) {
            return false;
        }
    }

    private static final class Key {
        private final NextHop hop;
        private final OutboundTls tls;
        private final OutboundLevel level;

        Key(NextHop hop, OutboundTls tls, OutboundLevel level) {
            this.hop = hop;
            this.tls = tls;
            this.level = level;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Key)) {
                return false;
            }
            Key that = (Key) other;
            return hop.equals(that.hop) && tls == that.tls && level == that.level;
        }

        @Override
        public int hashCode() {
            return Objects.hash(hop, System.identityHashCode(tls), level);
        }
    }
}
