package dev.tlsprovenance.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;

import org.junit.jupiter.api.Test;

/** The /proc reader finds this JVM's own listeners, IPv4 and IPv6 tables alike, and not its connected sockets. */
class ListeningSocketsTest {

    @Test
    void findsAListenerOfThisProcessWithItsAddressAndPort() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(ListeningSockets.of(ProcessHandle.current()))
                .anySatisfy(found -> {
                    assertThat(found.address().getHostAddress()).isEqualTo("127.0.0.1");
                    assertThat(found.port()).isEqualTo(listener.getLocalPort());
                });
        }
    }

    @Test
    void findsAnIpv6WildcardListenerAndForgetsAClosedOne() throws Exception {
        int port;
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("::", 0))) {
            port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            assertThat(ListeningSockets.of(ProcessHandle.current()))
                .anySatisfy(found -> {
                    assertThat(found.address().isAnyLocalAddress()).isTrue();
                    assertThat(found.port()).isEqualTo(port);
                });
        }
        assertThat(ListeningSockets.of(ProcessHandle.current())).noneMatch(found -> found.port() == port);
    }

    @Test
    void aConnectedSocketIsNotAListener() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             Socket client = new Socket("127.0.0.1", listener.getLocalPort());
             Socket accepted = listener.accept()) {
            assertThat(ListeningSockets.of(ProcessHandle.current()))
                .extracting(ListeningSockets.Listener::port)
                .containsOnlyOnce(listener.getLocalPort())
                .doesNotContain(client.getLocalPort());
        }
    }
}
