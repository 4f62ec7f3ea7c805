package dev.tlsprovenance.outbound;

import dev.tlsprovenance.policy.OutboundPolicy;

import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link OutboundTls} per distinct outbound policy: rows with equal settings share an SSLContext, hence a TLS
 * session cache. Bounded so that repeated policy reloads cannot grow it without end.
 */
public final class OutboundTlsCache {
    private static final int MAX_ENTRIES = 1024;

    private final Map<OutboundPolicy, OutboundTls> byPolicy = new ConcurrentHashMap<>();
    private final Clock clock;

    public OutboundTlsCache(Clock clock) {
        this.clock = clock;
    }

    public OutboundTls forPolicy(OutboundPolicy policy) throws IOException {
        OutboundTls tls = byPolicy.get(policy);
        if (tls != null) {
            return tls;
        }
        OutboundTls created = OutboundTls.forPolicy(policy, clock);
        if (byPolicy.size() >= MAX_ENTRIES) {
            byPolicy.clear();
        }
        OutboundTls raced = byPolicy.putIfAbsent(policy, created);
        return raced == null ? created : raced;
    }
}
