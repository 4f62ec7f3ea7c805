package dev.tlsprovenance.guice;

import javax.inject.Inject;

import org.apache.james.utils.UserDefinedStartable;

import dev.tlsprovenance.tlsrpt.TlsRptSender;

/**
 * Starts the daily TLS-RPT sending ({@link TlsRptSender#start()}; off with {@code enabled=false} in
 * {@code conf/tls-rpt.properties}) when James starts, through James's own hook for extensions. Register it beside the
 * module in {@code conf/extensions.properties}:
 * <pre>
 * guice.extension.module=dev.tlsprovenance.guice.TlsProvenanceModule
 * guice.extension.startable=dev.tlsprovenance.guice.TlsRptStartable
 * </pre>
 * James runs it once its services are started; the sender's own schedule (00:00 UTC plus {@code send-delay}, and a
 * catch-up a minute after start when that time has passed today) decides when reports go. It is stopped with the JVM
 * (its thread is a daemon; a report half sent is sent again at the next start: {@code var/tls-rpt/sent.txt}).
 */
public class TlsRptStartable implements UserDefinedStartable {
    private final TlsRptSender sender;

    @Inject
    public TlsRptStartable(TlsRptSender sender) {
        this.sender = sender;
    }

    @Override
    public void start() {
        sender.start();
    }
}
