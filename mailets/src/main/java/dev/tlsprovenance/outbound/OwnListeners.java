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

    static List<InetSocketAddress> boundAddresses(SMTPServerFactory smtpServers) {
        List<InetSocketAddress> bound = new ArrayList<>();
        for (AbstractConfigurableAsyncServer server : smtpServers.getServers()) {
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
