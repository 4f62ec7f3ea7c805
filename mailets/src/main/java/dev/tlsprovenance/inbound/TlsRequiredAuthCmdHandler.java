package dev.tlsprovenance.inbound;

import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James's {@code AUTH} command, refused before TLS on a listener with {@code <auth><requireSSL>true</requireSSL>}.
 * James 3.8.1 only hides AUTH from the EHLO reply there; a client that sends {@code AUTH PLAIN ...} anyway gets
 * its credentials checked in cleartext (235 or 535: a password oracle on the wire). This handler answers
 * {@value #REPLY_CODE} {@value #REPLY_TEXT} (RFC 4954 section 6) to every AUTH command in that state, whatever its
 * mechanism and without looking at its argument, so an initial response on the same line is never decoded and a
 * LOGIN/PLAIN continuation never starts. After STARTTLS, or on a listener without requireSSL, James's handler
 * runs unchanged.
 * <p>
 * Loaded by {@link TlsProvenanceCoreHandlers} in place of James's {@code AuthCmdHandler}; nothing to configure:
 * <pre>{@code
 * <smtpserver enabled="true">
 *     <auth>
 *         <announce>forUnauthorizedAddresses</announce>
 *         <requireSSL>true</requireSSL>
 *     </auth>
 *     <handlerchain coreHandlersPackage="dev.tlsprovenance.inbound.TlsProvenanceCoreHandlers"/>
 * </smtpserver>
 * }</pre>
 */
public class TlsRequiredAuthCmdHandler extends AuthCmdHandler {
    static final String REPLY_CODE = "538";
    static final String REPLY_TEXT = "5.7.11 Encryption required for requested authentication mechanism";
    private static final Logger LOGGER = LoggerFactory.getLogger(TlsRequiredAuthCmdHandler.class);
    private static final Response ENCRYPTION_REQUIRED = new SMTPResponse(REPLY_CODE, REPLY_TEXT).immutable();

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        if (!session.isTLSStarted() && ListenerAuthSettings.requiresTlsForAuth(session.getConfiguration())) {
            LOGGER.info("AUTH refused before TLS from {} (listener requires TLS for AUTH); credentials not read",
                session.getRemoteAddress().getAddress().getHostAddress());
            return ENCRYPTION_REQUIRED;
        }
        return super.onCommand(session, request);
    }
}
