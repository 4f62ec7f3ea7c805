package dev.tlsprovenance.testing.james;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.apache.james.utils.GuiceProbe;

/**
 * The ports James actually bound for each {@code <smtpserver>}, in the order of {@code smtpserver.xml}:
 * listeners bind {@code 127.0.0.1:0} so parallel servers never collide.
 */
public class SmtpListenerProbe implements GuiceProbe {
    private final SMTPServerFactory smtpServerFactory;

    @Inject
    public SmtpListenerProbe(SMTPServerFactory smtpServerFactory) {
        this.smtpServerFactory = smtpServerFactory;
    }

    public List<Integer> boundPorts() {
        return smtpServerFactory.getServers().stream()
            .map(AbstractConfigurableAsyncServer::getListenAddresses)
            .map(addresses -> addresses.stream().findFirst().map(InetSocketAddress::getPort).orElse(-1))
            .collect(Collectors.toUnmodifiableList());
    }
}
