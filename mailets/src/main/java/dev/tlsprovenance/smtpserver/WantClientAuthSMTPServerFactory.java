package dev.tlsprovenance.smtpserver;

import javax.inject.Inject;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.lib.handler.ProtocolHandlerLoader;
import org.apache.james.smtpserver.netty.SMTPServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;

/** Builds {@link WantClientAuthSMTPServer}s: listeners behave as stock unless their {@code <tls>} says {@code wantClientAuth="true"}. */
public class WantClientAuthSMTPServerFactory extends SMTPServerFactory {
    @Inject
    public WantClientAuthSMTPServerFactory(DNSService dns, ProtocolHandlerLoader loader, FileSystem fileSystem,
                                           MetricFactory metricFactory) {
        super(dns, loader, fileSystem, metricFactory);
    }

    @Override
    protected SMTPServer createServer() {
        return new WantClientAuthSMTPServer(smtpMetrics, fileSystem);
    }
}
