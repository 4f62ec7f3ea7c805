package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Which next hops are this server: every listener bind form x every way a hop can name us (or not). */
class OwnServerHopsTest {
    private static final int SMTP = 2525;
    /** A DNS of our own: names to addresses, no network. */
    private static final Map<String, List<String>> DNS = Map.of(
        "mx.example.org", List.of("192.0.2.10"),
        "alias-of-us.test", List.of("198.51.100.7", "192.0.2.10"),
        "loopback-name.test", List.of("127.0.0.1"),
        "mx.partner.test", List.of("203.0.113.5"));
    /** This machine's interfaces. */
    private static final Set<String> MACHINE = Set.of("127.0.0.1", "192.0.2.10");

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static OwnServerHops listeningOn(String bindAddress) {
        return new OwnServerHops(() -> List.of(new InetSocketAddress(ip(bindAddress), SMTP), new InetSocketAddress(ip(bindAddress), 2465)),
            Set.of("mx.example.org.", "James.Example.Org"),
            host -> {
                if (host.matches("[0-9.]+|[0-9a-f:]+")) {
                    return List.of(ip(host));
                }
                List<String> addresses = DNS.get(host);
                if (addresses == null) {
                    throw new IOException("NXDOMAIN " + host);
                }
                return addresses.stream().map(OwnServerHopsTest::ip).collect(java.util.stream.Collectors.toList());
            },
            address -> MACHINE.contains(address.getHostAddress()) || address.isLoopbackAddress());
    }

    @Test
    void everyHopFormAgainstEveryBindForm() {
        // hop host -> {ours when bound to 0.0.0.0, ours when bound to 127.0.0.1, ours when bound to 192.0.2.10}
        Map<String, boolean[]> cases = new java.util.LinkedHashMap<>();
        cases.put("127.0.0.1", new boolean[] {true, true, false});
        cases.put("[127.0.0.1]", new boolean[] {true, true, false});
        cases.put("127.0.0.2", new boolean[] {true, false, false});
        cases.put("192.0.2.10", new boolean[] {true, false, true});
        cases.put("mx.example.org", new boolean[] {true, true, true});       // our own name: whatever it resolves to
        cases.put("MX.EXAMPLE.ORG.", new boolean[] {true, true, true});
        cases.put("james.example.org", new boolean[] {true, true, true});
        cases.put("alias-of-us.test", new boolean[] {true, false, true});   // one of its addresses is ours
        cases.put("loopback-name.test", new boolean[] {true, true, false});
        cases.put("mx.partner.test", new boolean[] {false, false, false});
        cases.put("unresolvable.test", new boolean[] {false, false, false});
        cases.put("203.0.113.5", new boolean[] {false, false, false});
        String[] binds = {"0.0.0.0", "127.0.0.1", "192.0.2.10"};
        for (Map.Entry<String, boolean[]> hop : cases.entrySet()) {
            for (int b = 0; b < binds.length; b++) {
                OwnServerHops own = listeningOn(binds[b]);
                for (int port : List.of(SMTP, 2465)) {
                    assertThat(own.selfReference(NextHop.of(hop.getKey(), port, false)).isPresent())
                        .as("%s:%d with listeners bound to %s", hop.getKey(), port, binds[b]).isEqualTo(hop.getValue()[b]);
                }
                assertThat(own.selfReference(NextHop.of(hop.getKey(), 25, false))).as("another port is never us").isEmpty();
            }
        }
    }

    @Test
    void firstHopOursIsALoopNamingTheDomainAndTheListener() {
        OwnServerHops own = listeningOn("0.0.0.0");
        assertThatThrownBy(() -> own.beforeSelf("loop.test", List.of(NextHop.of("127.0.0.1", SMTP, false),
                NextHop.of("mx.partner.test", SMTP, false))))
            .isInstanceOf(RoutingLoopException.class)
            .hasMessage("mail for loop.test loops back to myself (next hop 127.0.0.1:" + SMTP + " is 127.0.0.1, where this server's "
                + "SMTP listener *:" + SMTP + " accepts connections)");
        assertThatThrownBy(() -> own.beforeSelf("loop.test", List.of(NextHop.of("mx.example.org", SMTP, false))))
            .hasMessage("mail for loop.test loops back to myself (next hop mx.example.org:" + SMTP + " is this server's own name and SMTP port)");
    }

    @Test
    void asABackupMxOnlyTheBetterHopsBeforeUsAreKept() throws Exception {
        OwnServerHops own = listeningOn("0.0.0.0");
        NextHop primary = NextHop.of("mx.partner.test", SMTP, false);
        NextHop us = NextHop.of("192.0.2.10", SMTP, false);
        NextHop worse = NextHop.of("203.0.113.5", SMTP, false);
        assertThat(own.beforeSelf("partner.test", List.of(primary, us, worse))).containsExactly(primary);
        assertThat(own.beforeSelf("partner.test", List.of(primary, worse))).containsExactly(primary, worse);
        assertThat(OwnServerHops.NONE.beforeSelf("partner.test", List.of(us))).containsExactly(us);
    }

    @Test
    void namesAreLookedUpOnlyForHopsOnOneOfOurPorts() throws Exception {
        List<String> lookedUp = new java.util.ArrayList<>();
        OwnServerHops own = new OwnServerHops(() -> List.of(new InetSocketAddress(ip("0.0.0.0"), SMTP)), Set.of(),
            host -> {
                lookedUp.add(host);
                return List.of(ip("203.0.113.5"));
            }, address -> false);
        own.beforeSelf("partner.test", List.of(NextHop.of("mx.partner.test", 25, false), NextHop.of("smarthost.test", 587, false)));
        assertThat(lookedUp).isEmpty();
        own.beforeSelf("partner.test", List.of(NextHop.of("mx.partner.test", SMTP, false)));
        assertThat(lookedUp).containsExactly("mx.partner.test");
    }
}
