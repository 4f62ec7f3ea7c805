package dev.tlsprovenance.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;
import org.junit.jupiter.api.Test;

class DnsMxResolverTest {
    /** Answers MX queries from a map; anything else is not needed by the resolver. */
    private static DNSService mx(Map<String, List<String>> records) {
        return new DNSService() {
            @Override
            public Collection<String> findMXRecords(String hostname) throws TemporaryResolutionException {
                if (hostname.equals("flaky.test")) {
                    throw new TemporaryResolutionException("SERVFAIL");
                }
                return records.getOrDefault(hostname, List.of());
            }

            @Override
            public Collection<String> findTXTRecords(String hostname) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Collection<InetAddress> getAllByName(String host) {
                throw new UnsupportedOperationException();
            }

            @Override
            public InetAddress getByName(String host) {
                throw new UnsupportedOperationException();
            }

            @Override
            public InetAddress getLocalHost() {
                throw new UnsupportedOperationException();
            }

            @Override
            public String getHostName(InetAddress address) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void mxHostsInPreferenceOrderOnPort25ElseTheDomainItself() throws IOException {
        DnsMxResolver resolver = new DnsMxResolver(mx(Map.of("partner.test", List.of("mx1.partner.test.", "mx2.partner.test"))));
        assertThat(resolver.nextHops("partner.test")).extracting(NextHop::toString)
            .containsExactly("mx1.partner.test:25", "mx2.partner.test:25");
        assertThat(resolver.nextHops("nomx.test")).extracting(NextHop::toString).containsExactly("nomx.test:25");
    }

    @Test
    void aTemporaryDnsFailureIsATemporaryDeliveryFailure() {
        assertThatThrownBy(() -> new DnsMxResolver(mx(Map.of())).nextHops("flaky.test"))
            .isInstanceOf(IOException.class).hasMessageContaining("temporary DNS failure looking up MX of flaky.test");
    }
}
