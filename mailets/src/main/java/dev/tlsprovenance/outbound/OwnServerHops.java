package dev.tlsprovenance.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Recognises next hops that are this server itself, the way Postfix decides that "mail for X loops back to myself":
 * a hop is ours when its port is the port of one of our SMTP listeners and either its host is one of our own names
 * or one of its addresses is where that listener accepts connections (the bound address, or for a wildcard bind
 * any address of this machine: loopback and every interface). Pure Java: the listeners, names and address lookup
 * are given (James's bound SMTP listeners and DNSService in production, fixed values in tests).
 *
 * <p>As with MX records in Postfix, the hops are tried in order and those from the first hop that is ours on are
 * dropped (we may be a backup MX that hands mail to a better one); if the very first hop is ours, nothing is left:
 * a {@link RoutingLoopException}. Hosts are looked up only when their port is one of our listener ports; a name that
 * does not resolve is not ours (the attempt will report that itself).
 */
public final class OwnServerHops {
    /** No listener known: nothing is ever recognised as ours. */
    public static final OwnServerHops NONE = new OwnServerHops(List::of, Set.of(), host -> List.of(), address -> false);

    /** A host name to its addresses; an IP literal yields itself. */
    @FunctionalInterface
    public interface AddressResolver {
        List<InetAddress> addressesOf(String host) throws IOException;
    }

    private final Supplier<List<InetSocketAddress>> listeners;
    private final Set<String> ownNames;
    private final AddressResolver resolver;
    private final Predicate<InetAddress> isAddressOfThisMachine;

    /**
     * @param listeners where our SMTP listeners are bound now (read at each check: ports bound after start count)
     * @param ownNames  host names of this server (its hello name), compared without case and trailing dot
     */
    public OwnServerHops(Supplier<List<InetSocketAddress>> listeners, Set<String> ownNames, AddressResolver resolver,
                         Predicate<InetAddress> isAddressOfThisMachine) {
        this.listeners = Objects.requireNonNull(listeners);
        this.ownNames = ownNames.stream().map(OwnServerHops::normalised).collect(Collectors.toUnmodifiableSet());
        this.resolver = Objects.requireNonNull(resolver);
        this.isAddressOfThisMachine = Objects.requireNonNull(isAddressOfThisMachine);
    }

    /** Loopback, a wildcard address, or an address of one of this machine's network interfaces. */
    public static boolean isAddressOfThisMachine(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /**
     * @return the hops to try: all of them, or those before the first one that is this server
     * @throws RoutingLoopException when the first hop is this server, naming the domain, the hop and our listener
     */
    public List<NextHop> beforeSelf(String domain, List<NextHop> hops) throws RoutingLoopException {
        List<NextHop> kept = new ArrayList<>();
        for (NextHop hop : hops) {
            Optional<String> self = selfReference(hop);
            if (self.isPresent()) {
                if (kept.isEmpty()) {
                    throw new RoutingLoopException("mail for " + domain + " loops back to myself (" + self.get() + ")");
                }
                return kept;
            }
            kept.add(hop);
        }
        return hops;
    }

    /** Why {@code hop} is this server, or empty when it is not. */
    public Optional<String> selfReference(NextHop hop) {
        List<InetSocketAddress> ours = listeners.get().stream().filter(l -> l.getPort() == hop.port()).collect(Collectors.toList());
        if (ours.isEmpty()) {
            return Optional.empty();
        }
        String host = normalised(hop.host());
        if (ownNames.contains(host)) {
            return Optional.of("next hop " + hop + " is this server's own name and SMTP port");
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.addressesOf(literal(normalised(hop.connectAddress())));
        } catch (IOException | RuntimeException unresolved) {
            return Optional.empty();
        }
        for (InetAddress address : addresses) {
            for (InetSocketAddress listener : ours) {
                if (accepts(listener, address)) {
                    return Optional.of("next hop " + hop + " is " + address.getHostAddress() + ", where this server's SMTP listener "
                        + describe(listener) + " accepts connections");
                }
            }
        }
        return Optional.empty();
    }

    private boolean accepts(InetSocketAddress listener, InetAddress address) {
        InetAddress bound = listener.getAddress();
        if (bound == null || bound.isAnyLocalAddress()) {
            return isAddressOfThisMachine.test(address);
        }
        return bound.equals(address);
    }

    private static String describe(InetSocketAddress listener) {
        InetAddress bound = listener.getAddress();
        return (bound == null ? "*" : bound.isAnyLocalAddress() ? "*" : bound.getHostAddress()) + ":" + listener.getPort();
    }

    /** "[127.0.0.1]" (route syntax) and "127.0.0.1" alike. */
    private static String literal(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String normalised(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
