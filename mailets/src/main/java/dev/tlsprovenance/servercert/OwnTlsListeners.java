package dev.tlsprovenance.servercert;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.protocols.lib.netty.AbstractServerFactory;

import com.google.inject.Binding;
import com.google.inject.Injector;

/**
 * James adapter: the SMTP and IMAP listeners of this server that offer TLS, found through the server factories James
 * bound ({@code SMTPServerFactory}, {@code IMAPServerFactory}: both {@link AbstractServerFactory}), so the jar needs no
 * IMAP dependency and works whichever protocols a James assembly starts. A listener bound to every address is reached
 * on loopback.
 */
final class OwnTlsListeners {
    private static final String SMTP_SERVICE = "SMTP Service";
    private static final String IMAP_SERVICE = "IMAP Service";

    private OwnTlsListeners() {
    }

    static List<ListenerEndpoint> find(Injector injector) {
        Map<AbstractServerFactory, Boolean> factories = new IdentityHashMap<>();
        for (Injector current = injector; current != null; current = current.getParent()) {
            for (Binding<?> binding : current.getBindings().values()) {
                if (AbstractServerFactory.class.isAssignableFrom(binding.getKey().getTypeLiteral().getRawType())) {
                    factories.put((AbstractServerFactory) binding.getProvider().get(), Boolean.TRUE);
                }
            }
        }
        List<ListenerEndpoint> endpoints = new ArrayList<>();
        for (AbstractServerFactory factory : factories.keySet()) {
            List<AbstractConfigurableAsyncServer> servers = factory.getServers();
            if (servers == null) {
                continue; // not started yet
            }
            for (AbstractConfigurableAsyncServer server : servers) {
                endpoints.addAll(endpoints(server));
            }
        }
        endpoints.sort(java.util.Comparator.comparing((ListenerEndpoint e) -> e.protocol()).thenComparingInt(ListenerEndpoint::port));
        return endpoints;
    }

    private static List<ListenerEndpoint> endpoints(AbstractConfigurableAsyncServer server) {
        List<ListenerEndpoint> endpoints = new ArrayList<>();
        ListenerEndpoint.Protocol protocol;
        if (SMTP_SERVICE.equals(server.getServiceType())) {
            protocol = ListenerEndpoint.Protocol.SMTP;
        } else if (IMAP_SERVICE.equals(server.getServiceType())) {
            protocol = ListenerEndpoint.Protocol.IMAP;
        } else {
            return endpoints;
        }
        ListenerEndpoint.Mode mode;
        if ("secure".equals(server.getSocketType())) {
            mode = ListenerEndpoint.Mode.IMPLICIT_TLS;
        } else if (server.getStartTLSSupported()) {
            mode = ListenerEndpoint.Mode.STARTTLS;
        } else {
            return endpoints; // no TLS on this listener: no certificate to show
        }
        for (InetSocketAddress address : server.getListenAddresses()) {
            endpoints.add(new ListenerEndpoint(protocol, connectHost(address), address.getPort(), mode, server.getHelloName()));
        }
        return endpoints;
    }

    private static String connectHost(InetSocketAddress bound) {
        InetAddress address = bound.getAddress();
        if (address == null || address.isAnyLocalAddress()) {
            return address instanceof java.net.Inet6Address ? "::1" : "127.0.0.1";
        }
        return address.getHostAddress();
    }
}
