package dev.tlsprovenance.testing.james;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;

import com.google.inject.AbstractModule;
import com.google.inject.Module;

/**
 * A DNSService for tests that never leaves the machine: MX lookups of any domain under {@value #FAILING_SUFFIX} fail
 * as a resolver timeout does (TemporaryResolutionException), other domains have no MX, and only loopback names and
 * address literals resolve. Install with {@code JamesTestServer.builder().withOverrides(FailingMxDnsService.MODULE)}.
 */
public final class FailingMxDnsService implements DNSService {
    public static final String FAILING_SUFFIX = "dnsfail.test";
    public static final Module MODULE = new AbstractModule() {
        @Override
        protected void configure() {
            bind(DNSService.class).to(FailingMxDnsService.class);
        }
    };

    @Override
    public Collection<String> findMXRecords(String hostname) throws TemporaryResolutionException {
        String name = hostname.toLowerCase(Locale.ROOT);
        if (name.equals(FAILING_SUFFIX) || name.endsWith("." + FAILING_SUFFIX)) {
            throw new TemporaryResolutionException("SERVFAIL for " + hostname + " (test resolver)");
        }
        return List.of();
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
        return List.of();
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
        return List.of(getByName(host));
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
        if (host.equalsIgnoreCase("localhost") || host.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':')) {
            return InetAddress.getByName(host);
        }
        throw new UnknownHostException(host + " (test resolver: loopback only)");
    }

    @Override
    public InetAddress getLocalHost() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public String getHostName(InetAddress address) {
        return address.isLoopbackAddress() ? "localhost" : address.getHostAddress();
    }
}
