package dev.tlsprovenance.outbound;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;

/** MX lookup through James's DNSService (ordered by preference); the domain itself when there is no MX (RFC 5321 5.1). */
public final class DnsMxResolver implements NextHopResolver {
    private final DNSService dns;

    public DnsMxResolver(DNSService dns) {
        this.dns = dns;
    }

    @Override
    public List<NextHop> nextHops(String domain) throws IOException {
        try {
            List<NextHop> hops = new ArrayList<>();
            for (String host : dns.findMXRecords(domain)) {
                hops.add(NextHop.mx(host));
            }
            return hops.isEmpty() ? List.of(NextHop.mx(domain)) : hops;
        } catch (TemporaryResolutionException e) {
            throw new IOException("temporary DNS failure looking up MX of " + domain + ": " + e.getMessage(), e);
        }
    }
}
