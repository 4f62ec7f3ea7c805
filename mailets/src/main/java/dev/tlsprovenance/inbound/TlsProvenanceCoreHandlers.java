package dev.tlsprovenance.inbound;

import java.util.ArrayList;
import java.util.List;

import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.protocols.smtp.core.ReceivedDataLineFilter;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;
import org.apache.james.smtpserver.JamesRcptCmdHandler;
import org.apache.james.smtpserver.SendMailHandler;

/**
 * James's core SMTP handlers, with TLS provenance: the stock {@code Received:} filter is swapped for
 * {@link TlsReceivedDataLineFilter} and {@link RecordTlsProvenanceHook} is added, so that one attribute
 * switches the whole inbound side on. James's {@code AuthCmdHandler} is swapped for
 * {@link TlsRequiredAuthCmdHandler}, which refuses AUTH before TLS where the listener says
 * {@code <auth><requireSSL>true</requireSSL>} (538 5.7.11) instead of checking cleartext credentials, and
 * {@code MailSizeEsmtpExtension} for {@link MailSizeWithEnhancedStatus}, which says {@code 552 5.3.4} also when a
 * message without SIZE= outgrows {@code <maxmessagesize>} during DATA, and {@code JamesRcptCmdHandler} for
 * {@link RcptOptionsCmdHandler}, which gives the RCPT hooks the parameters after the address (James 3.8.1 fails with
 * 451 on any repeated word of the argument) and refuses a parameter given twice with 501 5.5.4.
 * Sample {@code smtpserver.xml}:
 * <pre>{@code
 * <smtpserver enabled="true">
 *     ...
 *     <handlerchain coreHandlersPackage="dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers">
 *         <handler class="org.apache.james.smtpserver.fastfail.ValidRcptHandler"/>
 *     </handlerchain>
 * </smtpserver>
 * }</pre>
 * Do not list {@code org.apache.james.smtpserver.CoreCmdHandlerLoader} as a handler too: the core package is
 * loaded once, from this attribute. The recording hook runs right before James's {@code SendMailHandler}
 * (which queues the mail and ends the message hooks); James runs hooks listed as {@code <handler>} before the
 * core package, so such hooks do not see the record yet, while every mailet does. The list is derived from James's own {@link CoreCmdHandlerLoader} at run
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
            if (handler.equals(SendMailHandler.class.getName())) {
                // SendMailHandler queues the mail and answers OK, which ends the message hooks: record before it.
                handlers.add(RecordTlsProvenanceHook.class.getName());
            }
            handlers.add(replacementOf(handler));
        }
        if (!handlers.contains(RecordTlsProvenanceHook.class.getName())) {
            handlers.add(RecordTlsProvenanceHook.class.getName());
        }
        return List.copyOf(handlers);
    }

    private static String replacementOf(String handler) {
        if (handler.equals(ReceivedDataLineFilter.class.getName())) {
            return TlsReceivedDataLineFilter.class.getName();
        }
        if (handler.equals(AuthCmdHandler.class.getName())) {
            return TlsRequiredAuthCmdHandler.class.getName();
        }
        if (handler.equals(MailSizeEsmtpExtension.class.getName())) {
            return MailSizeWithEnhancedStatus.class.getName();
        }
        if (handler.equals(JamesRcptCmdHandler.class.getName())) {
            return RcptOptionsCmdHandler.class.getName();
        }
        return handler;
    }
}
