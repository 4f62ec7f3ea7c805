package dev.tlsprovenance.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;

import com.google.common.net.InetAddresses;

/** James adapter for {@link OwnServerHops}: the addresses James's SMTP listeners are bound to, host lookups through DNSService. */
final class OwnListeners {
    private OwnListeners() {
    }

    /**
     * Empty while James is still starting: the mailet container (and so the delivery of mail left in the queue before
     * a restart) starts before the SMTP listeners are bound, and {@code getServers()} is null until then. Nothing can
     * loop back to a listener that is not bound yet (the connection is refused and the mail retried); the relay limit
     * still catches a loop that starts in that instant.
     */
    static List<InetSocketAddress> boundAddresses(SMTPServerFactory smtpServers) {
        List<InetSocketAddress> bound = new ArrayList<>();
        List<AbstractConfigurableAsyncServer> servers = smtpServers.getServers();
        if (servers == null) {
            return bound;
        }
        for (AbstractConfigurableAsyncServer server : servers) {
            bound.addAll(server.getListenAddresses());
        }
        return bound;
    }

    static List<InetAddress> addressesOf(DNSService dns, String host) throws IOException {
        if (InetAddresses.isInetAddress(host)) {
            return List.of(InetAddresses.forString(host));
        }
        try {
            return new ArrayList<>(dns.getAllByName(host));
        } catch (UnknownHostException e) {
            return List.of();
        }
    }
}
