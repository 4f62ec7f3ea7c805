package dev.tlsprovenance.inbound;

import java.util.ArrayList;
import java.util.List;

import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.protocols.smtp.core.ReceivedDataLineFilter;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;

/**
 * James's core SMTP handlers, with TLS provenance: the stock {@code Received:} filter is swapped for
 * {@link TlsReceivedDataLineFilter} and {@link RecordTlsProvenanceHook} is added, so that one attribute
 * switches the whole inbound side on. Sample {@code smtpserver.xml}:
 * <pre>{@code
 * <smtpserver enabled="true">
 *     ...
 *     <handlerchain coreHandlersPackage="dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers">
 *         <handler class="org.apache.james.smtpserver.fastfail.ValidRcptHandler"/>
 *     </handlerchain>
 * </smtpserver>
 * }</pre>
 * Do not list {@code org.apache.james.smtpserver.CoreCmdHandlerLoader} as a handler too: the core package is
 * loaded once, from this attribute. The list is derived from James's own {@link CoreCmdHandlerLoader} at run
 * time, so it follows the James version the jar is dropped into.
 */
public class TlsProvenanceCoreHandlers implements HandlersPackage {

    private final List<String> handlers = coreHandlersWithProvenance();

    @Override
    public List<String> getHandlers() {
        return handlers;
    }

    private static List<String> coreHandlersWithProvenance() {
        List<String> handlers = new ArrayList<>();
        for (String handler : new CoreCmdHandlerLoader().getHandlers()) {
            handlers.add(handler.equals(ReceivedDataLineFilter.class.getName())
                ? TlsReceivedDataLineFilter.class.getName()
                : handler);
        }
        handlers.add(RecordTlsProvenanceHook.class.getName());
        return List.copyOf(handlers);
    }
}
