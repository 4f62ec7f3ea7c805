package dev.tlsprovenance.inbound;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import javax.inject.Inject;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tlsprovenance.policy.ClientCertificateVerifier;
import dev.tlsprovenance.policy.InboundDecision;
import dev.tlsprovenance.policy.InboundTlsEnforcer;
import dev.tlsprovenance.policy.TlsPolicySource;
import dev.tlsprovenance.policy.TlsPolicyTable;

/**
 * Enforces the inbound column of {@code conf/tls-policy.conf} while the SMTP transaction is open:
 * <ul>
 *   <li>{@code RCPT TO} an address whose namespace has {@code inbound=require} on a cleartext session:
 *       {@code 530 5.7.0 Must issue a STARTTLS command first}, for that recipient only;</li>
 *   <li>{@code MAIL FROM} an address whose namespace has {@code require-tls-from-senders} on a cleartext
 *       session: {@code 530 5.7.10 TLS required for sender namespace ...};</li>
 *   <li>{@code inbound=require-verified-client-cert}: also a client certificate passing the row's checks,
 *       else {@code 550 5.7.1 Client certificate check failed (<check>) ...}.</li>
 * </ul>
 * Each decision is one log line (session, remote address, row, decision, reason): INFO when a row
 * demanded something, DEBUG otherwise. Sample {@code smtpserver.xml}:
 * <pre>
 * &lt;handlerchain&gt;
 *     &lt;handler class="dev.tlsprovenance.inbound.RequireTlsForNamespacesHook"/&gt;
 *     &lt;handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/&gt;
 * &lt;/handlerchain&gt;
 * </pre>
 * Needs {@code guice.extension.module=dev.tlsprovenance.guice.TlsProvenanceModule} in
 * {@code extensions.properties}.
 */
public class RequireTlsForNamespacesHook implements RcptHook, MailHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(RequireTlsForNamespacesHook.class);

    private final TlsPolicySource policies;
    private final InboundTlsEnforcer enforcer;

    @Inject
    public RequireTlsForNamespacesHook(TlsPolicySource policies) {
        this(policies, new InboundTlsEnforcer(new ClientCertificateVerifier(Clock.systemUTC())));
    }

    RequireTlsForNamespacesHook(TlsPolicySource policies, InboundTlsEnforcer enforcer) {
        this.policies = policies;
        this.enforcer = enforcer;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (sender.isNullSender()) {
            return HookResult.DECLINED;
        }
        TlsPolicyTable table = policies.current();
        if (!table.hasInboundRequirements()) {
            return HookResult.DECLINED;
        }
        String domain = sender.get().getDomain().asString();
        InboundDecision decision = enforcer.forSender(table, domain, session.isTLSStarted(), clientChain(session));
        return answer(session, "MAIL FROM", sender.asString(), decision);
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress recipient) {
        TlsPolicyTable table = policies.current();
        if (!table.hasInboundRequirements()) {
            return HookResult.DECLINED;
        }
        InboundDecision decision = enforcer.forRecipient(table, recipient.getDomain().asString(),
                session.isTLSStarted(), clientChain(session));
        return answer(session, "RCPT TO", recipient.asString(), decision);
    }

    private static HookResult answer(SMTPSession session, String command, String address, InboundDecision decision) {
        boolean ruleApplied = !decision.accepted() || decision.row().inbound().requiresTls()
                || decision.row().requireTlsFromSenders();
        if (ruleApplied || LOGGER.isDebugEnabled()) {
            String line = "TLS policy session={} remote={} command={} address={} row={} ({}) decision={} reason={}";
            Object[] values = {session.getSessionID(), session.getRemoteAddress().getAddress().getHostAddress(), command,
                address, decision.row().namespace(), decision.row().source(),
                decision.accepted() ? "accept" : "refuse " + decision.replyCode() + " " + decision.enhancedCode(),
                decision.reason()};
            if (ruleApplied) {
                LOGGER.info(line, values);
            } else {
                LOGGER.debug(line, values);
            }
        }
        if (decision.accepted()) {
            decision.clientCertificateVerification().ifPresent(verified -> SmtpSessionProvenance.rememberRuleVerification(session, verified));
            return HookResult.DECLINED;
        }
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(decision.replyCode())
            .smtpDescription(decision.smtpDescription().orElseThrow())
            .build();
    }

    /** The client's certificates, read only when a row asks for them. */
    static Supplier<List<X509Certificate>> clientChain(SMTPSession session) {
        return () -> {
            Optional<SSLSession> ssl = session.isTLSStarted() ? session.getSSLSession() : Optional.empty();
            List<X509Certificate> chain = new ArrayList<>();
            if (ssl.isPresent()) {
                try {
                    for (Certificate certificate : ssl.get().getPeerCertificates()) {
                        if (certificate instanceof X509Certificate) {
                            chain.add((X509Certificate) certificate);
                        }
                    }
                } catch (SSLPeerUnverifiedException noCertificate) {
                    return List.of();
                }
            }
            return chain;
        };
    }
}
