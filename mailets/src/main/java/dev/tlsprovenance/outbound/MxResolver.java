package dev.tlsprovenance.outbound;

import java.io.IOException;
import java.util.List;

/**
 * The mail exchangers of a domain, most preferred first (the domain itself when it has no MX record). Production
 * code is backed by James's DNSService; tests inject a fixed map so no real DNS is ever asked.
 */
@FunctionalInterface
public interface MxResolver {
    /**
     * @throws IOException when the answer is not available now (a temporary failure: the mail is retried)
     */
    List<String> mxHosts(String domain) throws IOException;
}
