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
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tlsprovenance.metrics.TlsMetrics;
import dev.tlsprovenance.policy.ClientCertificateVerifier;
import dev.tlsprovenance.policy.InboundDecision;
import dev.tlsprovenance.policy.InboundTlsEnforcer;
import dev.tlsprovenance.policy.TlsPolicySource;
import dev.tlsprovenance.policy.TlsPolicyTable;

/**
 * Enforces the inbound column of {@code conf/tls-policy.conf} while the SMTP transaction is open:
 * <ul>
 *   <li>{@code RCPT TO} an address whose namespace has {@code inbound=require} on a cleartext session:
 *       {@code 450 4.7.0 Must issue a STARTTLS command first} (the row's {@code cleartext-reply}, default
 *       temporary; {@code 530 5.7.0} with {@code cleartext-reply=permanent}), for that recipient only. The same
 *       for an address that James's recipient rewrite table (alias, forward, group, domain alias, regex, address
 *       mappings, at any hop) turns into an address of such a namespace: the rule follows the final recipients;</li>
 *   <li>{@code MAIL FROM} an address whose namespace has {@code require-tls-from-senders} on a cleartext
 *       session: {@code 450 4.7.10} / {@code 530 5.7.10 TLS required for sender namespace ...};</li>
 *   <li>{@code inbound=require-verified-client-cert}: also a client certificate passing the row's checks,
 *       else {@code 550 5.7.1 Client certificate check failed (<check>) ...}.</li>
 * </ul>
 * When the rewrite table cannot be read and a row could refuse the session, the recipient gets
 * {@code 451 4.3.0} (try again later) rather than an unchecked 250. Each decision is one log line (session, remote address, row, decision, reason): INFO when a row
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
    private final RewrittenRecipients rewriting;
    private TlsMetrics metrics = TlsMetrics.NONE;

    /** Built by James's Guice injector: the policy from our module, the rewrite table James binds in every server. */
    @Inject
    public RequireTlsForNamespacesHook(TlsPolicySource policies, RecipientRewriteTable recipientRewriteTable) {
        this(policies, new InboundTlsEnforcer(new ClientCertificateVerifier(Clock.systemUTC())), recipientRewriteTable);
    }

    RequireTlsForNamespacesHook(TlsPolicySource policies, InboundTlsEnforcer enforcer,
                                RecipientRewriteTable recipientRewriteTable) {
        this.policies = policies;
        this.enforcer = enforcer;
        this.rewriting = new RewrittenRecipients(recipientRewriteTable);
    }

    /** Counts refusals (docs/posture.md, "Metrics"); Guice calls it. */
    @Inject
    public void setMetrics(TlsMetrics metrics) {
        this.metrics = metrics;
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
        countRefusal(decision, false);
        return answer(session, "MAIL FROM", sender.asString(), decision);
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress recipient) {
        TlsPolicyTable table = policies.current();
        if (!table.hasInboundRequirements()) {
            return HookResult.DECLINED;
        }
        InboundDecision decision;
        try {
            decision = enforcer.forRewrittenRecipient(table, recipient.asString(), () -> rewrittenAddresses(recipient),
                    session.isTLSStarted(), clientChain(session));
        } catch (RewriteTableUnavailable e) {
            LOGGER.warn("TLS policy session={} command=RCPT TO address={} decision=refuse 451 4.3.0 reason=recipient"
                    + " rewrite table unavailable: {}", session.getSessionID(), recipient.asString(), e.getMessage());
            return HookResult.builder()
                .hookReturnCode(HookReturnCode.denySoft())
                .smtpReturnCode("451")
                .smtpDescription("4.3.0 Cannot check the TLS requirements of this recipient now, try again later")
                .build();
        }
        countRefusal(decision, true);
        return answer(session, "RCPT TO", recipient.asString(), decision);
    }

    private void countRefusal(InboundDecision decision, boolean recipient) {
        if (!decision.accepted()) {
            metrics.inboundPolicyRefusal(recipient);
        }
    }

    private List<String> rewrittenAddresses(MailAddress recipient) {
        try {
            return rewriting.of(recipient);
        } catch (RecipientRewriteTableException | RuntimeException e) {
            throw new RewriteTableUnavailable(e);
        }
    }

    /** The rewrite table could not be read: the decision cannot be taken now. */
    private static final class RewriteTableUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RewriteTableUnavailable(Exception cause) {
            super(cause.toString(), cause);
        }
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
