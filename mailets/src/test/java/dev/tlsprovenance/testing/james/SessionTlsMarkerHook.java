package dev.tlsprovenance.testing.james;

import java.util.List;
import java.util.Map;

import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * A fixture hook proving the harness wires test hooks into the handler chain: it marks each mail with the
 * session's TLS state as a map attribute. Returns DECLINED so the mail is still queued.
 */
public class SessionTlsMarkerHook implements JamesMessageHook {
    public static final String ATTRIBUTE = "dev.tlsprovenance.testing.session";

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        String protocol = session.getSSLSession().map(ssl -> ssl.getProtocol()).orElse("");
        mail.setAttribute(new Attribute(AttributeName.of(ATTRIBUTE), AttributeValue.of(Map.<String, AttributeValue<?>>of(
            "tls", AttributeValue.of(session.isTLSStarted()),
            "protocol", AttributeValue.of(protocol),
            "ports", AttributeValue.of(List.<AttributeValue<?>>of(AttributeValue.of(session.getLocalAddress().getPort())))))));
        return HookResult.DECLINED;
    }
}
