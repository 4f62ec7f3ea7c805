package dev.tlsprovenance.matchers;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.tlsprovenance.policy.InboundRule;
import dev.tlsprovenance.policy.TlsPolicySource;
import dev.tlsprovenance.policy.TlsPolicyTable;

/**
 * Selects the recipients whose namespace row in {@code conf/tls-policy.conf} has one of the given inbound
 * rules ({@code none}, {@code require}, {@code require-verified-client-cert}; comma-separated):
 * <pre>
 * &lt;mailet match="dev.tlsprovenance.matchers.RecipientNamespaceInboundRuleIs=require,require-verified-client-cert"
 *         class="dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy"/&gt;
 * </pre>
 * Needs {@code guice.extension.module=dev.tlsprovenance.guice.TlsProvenanceModule}.
 */
public class RecipientNamespaceInboundRuleIs extends GenericMatcher {
    private final TlsPolicySource policies;
    private Set<InboundRule> rules;

    @Inject
    public RecipientNamespaceInboundRuleIs(TlsPolicySource policies) {
        this.policies = policies;
    }

    @Override
    public void init() throws MessagingException {
        String condition = getCondition() == null ? "" : getCondition().trim();
        if (condition.isEmpty()) {
            throw new MessagingException("RecipientNamespaceInboundRuleIs needs a condition: one or more of "
                + Arrays.stream(InboundRule.values()).map(InboundRule::token).collect(Collectors.joining(", ")));
        }
        Set<InboundRule> parsed = EnumSet.noneOf(InboundRule.class);
        for (String token : condition.split(",")) {
            try {
                parsed.add(InboundRule.parse(token));
            } catch (IllegalArgumentException e) {
                throw new MessagingException("RecipientNamespaceInboundRuleIs condition '" + condition + "': " + e.getMessage());
            }
        }
        rules = Set.copyOf(parsed);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        TlsPolicyTable table = policies.current();
        return mail.getRecipients().stream()
            .filter(recipient -> rules.contains(table.lookup(recipient.getDomain().asString()).inbound()))
            .collect(Collectors.toList());
    }
}
