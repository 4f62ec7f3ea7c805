package dev.tlsprovenance.inbound;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;

/**
 * James's {@code maxmessagesize} enforcement with one reply for both places it refuses: {@value #TOO_BIG}.
 * James 3.8.1 says exactly that at {@code MAIL FROM:<...> SIZE=n}, but a message sent without SIZE= that grows past
 * the limit during DATA ends with a bare {@code 552 Quota exceeded} (no enhanced status code, and a word that means
 * a mailbox quota to most clients). The counting, the discarding of every line past the limit (the excess is never
 * stored) and the SIZE EHLO keyword stay James's. Loaded by {@link TlsProvenanceCoreHandlers} in place of James's
 * {@code MailSizeEsmtpExtension}; the limit is the listener's {@code <maxmessagesize>} (KB, or with a K/M/G suffix):
 * <pre>{@code
 * <smtpserver enabled="true">
 *     <maxmessagesize>35M</maxmessagesize>
 *     <handlerchain coreHandlersPackage="dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers"/>
 * </smtpserver>
 * }</pre>
 */
public class MailSizeWithEnhancedStatus extends MailSizeEsmtpExtension {
    static final String TOO_BIG = "552 5.3.4 Message size exceeds fixed maximum message size";
    private static final Response MESSAGE_TOO_BIG = new SMTPResponse(SMTPRetCode.QUOTA_EXCEEDED,
        TOO_BIG.substring(SMTPRetCode.QUOTA_EXCEEDED.length() + 1)).immutable();

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        Response response = super.onLine(session, line, next);
        if (response != null && SMTPRetCode.QUOTA_EXCEEDED.equals(response.getRetCode())) {
            return MESSAGE_TOO_BIG;
        }
        return response;
    }
}
