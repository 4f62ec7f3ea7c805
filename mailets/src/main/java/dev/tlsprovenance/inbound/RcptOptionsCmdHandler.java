package dev.tlsprovenance.inbound;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.smtpserver.JamesRcptCmdHandler;

/**
 * James's {@code RCPT} command with the parameters its hooks get parsed from the text after the address only.
 * James 3.8.1 builds that map from every space-separated word of the whole argument, {@code TO:<...>} included, into
 * a Guava {@code ImmutableMap}, which throws on the second copy of a word. So a quoted local part that repeats a word
 * ({@code RCPT TO:<"a b b c"@example.test>}, legal per RFC 5321) or a parameter given twice ends in {@code 451 Unable to
 * process request}, a temporary refusal the sender retries for days, and an ERROR with a stack trace in the log, as
 * often as any client likes. Here the address reaches the hooks as before and a parameter given twice is refused
 * with {@value #DUPLICATE_CODE} {@code 5.5.4} naming it. Everything else (address syntax, default domain, unsupported
 * options, the hooks and their order) stays James's {@link JamesRcptCmdHandler}.
 *
 * <p>Loaded by {@link TlsProvenanceCoreHandlers} in place of James's {@code JamesRcptCmdHandler}; nothing to configure.
 */
public class RcptOptionsCmdHandler extends JamesRcptCmdHandler {
    static final String DUPLICATE_CODE = SMTPRetCode.SYNTAX_ERROR_ARGUMENTS;

    @Inject
    public RcptOptionsCmdHandler(MetricFactory metricFactory, DomainList domainList) {
        super(metricFactory, domainList);
    }

    @Override
    protected Response doFilterChecks(SMTPSession session, String command, String argument) {
        Response refusal = super.doFilterChecks(session, command, argument);
        if (refusal != null) {
            return refusal;
        }
        return RcptOptions.of(argument).duplicate()
            .map(key -> (Response) new SMTPResponse(DUPLICATE_CODE, "5.5.4 RCPT parameter " + key + " given more than once"))
            .orElse(null);
    }

    @Override
    protected HookResult callHook(RcptHook hook, SMTPSession session, String argument) {
        MaybeSender sender = session.getAttachment(SMTPSession.SENDER, State.Transaction).orElse(MaybeSender.nullSender());
        MailAddress recipient = session.getAttachment(CURRENT_RECIPIENT, State.Transaction).orElse(MailAddress.nullSender());
        return hook.doRcpt(session, sender, recipient, RcptOptions.of(argument).parameters());
    }
}
