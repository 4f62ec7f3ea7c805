package dev.tlsprovenance.outbound;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;

/** MX lookup through James's DNSService (ordered by preference); the domain itself when there is no MX (RFC 5321 5.1). */
public final class DnsServiceMxResolver implements MxResolver {
    private final DNSService dns;

    public DnsServiceMxResolver(DNSService dns) {
        this.dns = dns;
    }

    @Override
    public List<String> mxHosts(String domain) throws IOException {
        try {
            List<String> hosts = new ArrayList<>(dns.findMXRecords(domain));
            return hosts.isEmpty() ? List.of(domain) : hosts;
        } catch (TemporaryResolutionException e) {
            throw new IOException("temporary DNS failure looking up MX of " + domain + ": " + e.getMessage(), e);
        }
    }
}
