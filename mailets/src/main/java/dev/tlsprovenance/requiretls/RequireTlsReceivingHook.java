package dev.tlsprovenance.requiretls;

import java.util.List;
import java.util.Locale;

import javax.mail.MessagingException;

import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.EhloExtension;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailParametersHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of REQUIRETLS (RFC 8689) for James 3.8.1, with James 3.9's names:
 * <ul>
 *   <li>EHLO lists {@code REQUIRETLS} only once TLS is established (STARTTLS or implicit TLS);</li>
 *   <li>{@code MAIL FROM:<a> REQUIRETLS} is accepted only on a TLS session ({@code 530 5.7.10} otherwise),
 *       takes no value and may appear once ({@code 501 5.5.4} otherwise);</li>
 *   <li>the accepted mail carries the attribute {@value #REQUIRETLS} = {@code true}; without the parameter,
 *       a single {@code TLS-Required: No} header sets it to {@code false} (the sender waives TLS), as
 *       James 3.9's {@code SmtpRequireTlsMessageHook} does. The parameter wins over the header.</li>
 * </ul>
 * Enforcing it on delivery is the outbound side's job. Sample {@code smtpserver.xml}:
 * <pre>
 * &lt;handlerchain&gt;
 *     &lt;handler class="dev.tlsprovenance.requiretls.RequireTlsReceivingHook"/&gt;
 *     &lt;handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/&gt;
 * &lt;/handlerchain&gt;
 * </pre>
 * Known limit: James 3.8.1 keeps MAIL parameters' state when a MAIL command fails after the parameter was
 * read (e.g. a bad address); the next MAIL of that transaction then still counts REQUIRETLS (stricter, never
 * weaker). RSET clears it.
 */
public class RequireTlsReceivingHook implements EhloExtension, MailParametersHook, JamesMessageHook {
    /** Attribute and keyword name, as in James 3.9. */
    public static final String REQUIRETLS = "REQUIRETLS";
    public static final String TLS_REQUIRED_HEADER = "TLS-Required";
    public static final AttributeName REQUIRETLS_ATTRIBUTE = AttributeName.of(REQUIRETLS);

    private static final Logger LOGGER = LoggerFactory.getLogger(RequireTlsReceivingHook.class);
    private static final AttachmentKey<Boolean> REQUESTED = AttachmentKey.of("dev.tlsprovenance.requiretls", Boolean.class);
    private static final HookResult NEEDS_TLS = refusal("530", "5.7.10 REQUIRETLS needs a TLS session: issue STARTTLS first");
    private static final HookResult DUPLICATE = refusal("501", "5.5.4 REQUIRETLS may be given only once");
    private static final HookResult HAS_VALUE = refusal("501", "5.5.4 REQUIRETLS takes no value");

    @Override
    public List<String> getImplementedEsmtpFeatures(SMTPSession session) {
        return session.isTLSStarted() ? List.of(REQUIRETLS) : List.of();
    }

    @Override
    public String[] getMailParamNames() {
        // James 3.8.1 upper-cases a parameter name only when it has a value: accept the spellings clients use.
        return new String[] {REQUIRETLS, REQUIRETLS.toLowerCase(Locale.ROOT), "RequireTLS"};
    }

    @Override
    public HookResult doMailParameter(SMTPSession session, String paramName, String paramValue) {
        if (!session.isTLSStarted()) {
            return NEEDS_TLS;
        }
        if (paramValue != null && !paramValue.isEmpty()) {
            return HAS_VALUE;
        }
        if (session.getAttachment(REQUESTED, State.Transaction).isPresent()) {
            // Forget it so that a corrected MAIL command is judged afresh.
            session.removeAttachment(REQUESTED, State.Transaction);
            return DUPLICATE;
        }
        session.setAttachment(REQUESTED, true, State.Transaction);
        LOGGER.info("REQUIRETLS session={} remote={} user={}", session.getSessionID(),
            session.getRemoteAddress().getAddress().getHostAddress(),
            session.getUsername() == null ? "-" : session.getUsername().asString());
        return HookResult.DECLINED;
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (session.getAttachment(REQUESTED, State.Transaction).isPresent()) {
            mail.setAttribute(new Attribute(REQUIRETLS_ATTRIBUTE, AttributeValue.of(true)));
        } else if (waivesTls(mail)) {
            mail.setAttribute(new Attribute(REQUIRETLS_ATTRIBUTE, AttributeValue.of(false)));
        }
        return HookResult.DECLINED;
    }

    private static boolean waivesTls(Mail mail) {
        try {
            String[] values = mail.getMessage().getHeader(TLS_REQUIRED_HEADER);
            return values != null && values.length == 1 && values[0].trim().equalsIgnoreCase("No");
        } catch (MessagingException e) {
            LOGGER.debug("Cannot read the {} header of {}", TLS_REQUIRED_HEADER, mail.getName(), e);
            return false;
        }
    }

    private static HookResult refusal(String code, String description) {
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(code)
            .smtpDescription(description)
            .build();
    }
}
