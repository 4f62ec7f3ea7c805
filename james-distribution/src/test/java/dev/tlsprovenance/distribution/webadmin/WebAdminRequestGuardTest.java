package dev.tlsprovenance.distribution.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import com.google.common.net.InetAddresses;

/** Which {@code Host} values name a WebAdmin server: every accepted form, and each one turned hostile. */
class WebAdminRequestGuardTest {
    private static final int PORT = 8000;
    private static final Optional<InetAddress> LOOPBACK = Optional.of(InetAddresses.forString("127.0.0.1"));
    private static final Optional<InetAddress> LAN = Optional.of(InetAddresses.forString("192.0.2.10"));

    @Test
    void onLoopbackTheConfiguredHostLocalhostAndLoopbackLiteralsAtThePortAreAccepted() {
        for (String host : List.of("127.0.0.1:8000", "localhost:8000", "LOCALHOST:8000", "[::1]:8000", " 127.0.0.1:8000 ")) {
            assertThat(WebAdminRequestGuard.namesThisServer(host, "127.0.0.1", LOOPBACK, PORT, 80)).as(host).isTrue();
        }
        assertThat(WebAdminRequestGuard.namesThisServer("localhost", "127.0.0.1", LOOPBACK, 80, 80)).isTrue();
    }

    @Test
    void everyAcceptedNameTurnedHostileIsRefused() {
        SoftAssertions softly = new SoftAssertions();
        for (String accepted : List.of("127.0.0.1", "localhost", "[::1]")) {
            for (String hostile : hostileForms(accepted)) {
                softly.assertThat(WebAdminRequestGuard.namesThisServer(hostile, "127.0.0.1", LOOPBACK, PORT, 80)).as(hostile).isFalse();
            }
        }
        for (String missing : new String[] {null, "", "   ", ":8000", "[::1", "evil.test:8000"}) {
            softly.assertThat(WebAdminRequestGuard.namesThisServer(missing, "127.0.0.1", LOOPBACK, PORT, 80)).as("'%s'", missing).isFalse();
        }
        softly.assertAll();
    }

    @Test
    void offLoopbackOnlyTheConfiguredNameAndTheLocalAddressLiteralAreAccepted() {
        assertThat(WebAdminRequestGuard.namesThisServer("admin.example.org:8000", "admin.example.org", LAN, PORT, 80)).isTrue();
        assertThat(WebAdminRequestGuard.namesThisServer("192.0.2.10:8000", "admin.example.org", LAN, PORT, 80)).isTrue();
        // localhost reached over the network is some other machine's name for itself.
        assertThat(WebAdminRequestGuard.namesThisServer("localhost:8000", "admin.example.org", LAN, PORT, 80)).isFalse();
        assertThat(WebAdminRequestGuard.namesThisServer("127.0.0.1:8000", "admin.example.org", LAN, PORT, 80)).isFalse();
        for (String hostile : hostileForms("admin.example.org")) {
            assertThat(WebAdminRequestGuard.namesThisServer(hostile, "admin.example.org", LAN, PORT, 80)).as(hostile).isFalse();
        }
    }

    @Test
    void theDefaultPortIsTheScheme() {
        assertThat(WebAdminRequestGuard.namesThisServer("localhost", "127.0.0.1", LOOPBACK, 443, 443)).isTrue();
        assertThat(WebAdminRequestGuard.namesThisServer("localhost", "127.0.0.1", LOOPBACK, 443, 80)).isFalse();
    }

    /** The attacker's names around one accepted name: prefixes, suffixes, other ports, user info, look-alikes. */
    private static List<String> hostileForms(String name) {
        List<String> forms = new ArrayList<>();
        String bare = name.startsWith("[") ? name.substring(1, name.length() - 1) : name;
        for (String variant : List.of(bare + ".evil.test", "evil." + bare, bare + "evil.test", bare + ".", "x" + bare)) {
            forms.add(variant + ":" + PORT);
        }
        forms.add(name + ":" + (PORT + 1));
        forms.add(name + ":0");
        forms.add(name);
        forms.add(name + ":" + PORT + "@evil.test");
        forms.add("evil.test@" + name + ":" + PORT);
        forms.add(name + ":" + PORT + ":" + PORT);
        forms.add(name + ":" + PORT + "/");
        forms.add(name + ":+" + PORT);
        return forms;
    }
}
