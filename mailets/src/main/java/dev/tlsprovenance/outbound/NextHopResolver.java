package dev.tlsprovenance.outbound;

import java.io.IOException;
import java.util.List;

/**
 * Where mail for a domain goes when its policy row names no route: in production the domain's MX hosts on port 25,
 * most preferred first ({@link DnsMxResolver}); tests inject a fixed map to loopback peers, so no real DNS is
 * ever asked.
 */
@FunctionalInterface
public interface NextHopResolver {
    /**
     * @throws IOException when the answer is not available now (a temporary failure: the mail is retried)
     */
    List<NextHop> nextHops(String domain) throws IOException;
}
