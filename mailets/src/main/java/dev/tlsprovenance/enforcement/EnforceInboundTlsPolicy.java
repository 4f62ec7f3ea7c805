package dev.tlsprovenance.enforcement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tlsprovenance.mail.InboundRecords;
import dev.tlsprovenance.policy.RecordedInboundCheck;
import dev.tlsprovenance.policy.TlsPolicySource;
import dev.tlsprovenance.policy.TlsPolicyTable;
import dev.tlsprovenance.provenance.TlsProvenance;

/**
 * Checks every recipient's namespace rule ({@code conf/tls-policy.conf}) against the TLS record of the hop
 * the mail arrived on (attribute {@code dev.tlsprovenance.inbound}, written by
 * {@code RecordTlsProvenanceHook}). Recipients whose rule is not met are split off and either bounced with
 * a DSN (enhanced status {@code 5.7.10}, the reason as diagnostic) or stored in a quarantine repository;
 * the mail goes on for the other recipients. Nothing is ever dropped. A mail without a TLS record
 * (generated inside James, or received without the recording hook) violates every {@code require} rule, and so
 * does one whose record this server did not seal (see {@code InboundRecords}).
 * <pre>
 * &lt;mailet match="All" class="dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy"&gt;
 *     &lt;onViolation&gt;bounce&lt;/onViolation&gt;              &lt;!-- bounce (default) | quarantine --&gt;
 *     &lt;bounceProcessor&gt;bounces&lt;/bounceProcessor&gt;     &lt;!-- processor running Rfc3464Bounce; default bounces --&gt;
 * &lt;/mailet&gt;
 * &lt;mailet match="All" class="dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy"&gt;
 *     &lt;onViolation&gt;quarantine&lt;/onViolation&gt;
 *     &lt;quarantineRepository&gt;file://var/mail/quarantine/&lt;/quarantineRepository&gt;
 * &lt;/mailet&gt;
 * </pre>
 * Bounced copies carry {@code delivery-error} = {@code 550 5.7.10 ...}, which {@code dev.tlsprovenance.dsn.Rfc3464Bounce}
 * writes as {@code Status: 5.7.10} and {@code Diagnostic-Code: x-tls-provenance; Encryption needed: ...}. Quarantined copies carry {@value #VIOLATION} with the reasons.
 * Needs {@code guice.extension.module=dev.tlsprovenance.guice.TlsProvenanceModule}.
 */
public class EnforceInboundTlsPolicy extends GenericMailet {
    public static final String VIOLATION = "dev.tlsprovenance.policy.violation";
    /** The attribute James's RemoteDelivery and DSNBounce use for the delivery error. */
    static final AttributeName DELIVERY_ERROR = AttributeName.of("delivery-error");
    private static final Logger LOGGER = LoggerFactory.getLogger(EnforceInboundTlsPolicy.class);

    enum OnViolation { BOUNCE, QUARANTINE }

    private final TlsPolicySource policies;
    private final MailRepositoryStore repositories;
    private final InboundRecords records;
    private OnViolation onViolation;
    private String bounceProcessor;
    private MailRepository quarantine;

    @Inject
    public EnforceInboundTlsPolicy(TlsPolicySource policies, MailRepositoryStore repositories, InboundRecords records) {
        this.policies = policies;
        this.repositories = repositories;
        this.records = records;
    }

    @Override
    public void init() throws MessagingException {
        String action = getInitParameter("onViolation", "bounce").trim().toLowerCase(Locale.ROOT);
        switch (action) {
            case "bounce":
                onViolation = OnViolation.BOUNCE;
                break;
            case "quarantine":
                onViolation = OnViolation.QUARANTINE;
                break;
            default:
                throw new MessagingException("onViolation must be bounce or quarantine, not '" + action + "'");
        }
        bounceProcessor = getInitParameter("bounceProcessor", "bounces").trim();
        if (bounceProcessor.isEmpty()) {
            throw new MessagingException("bounceProcessor must name a processor, not ''");
        }
        String repository = getInitParameter("quarantineRepository", "").trim();
        if (onViolation == OnViolation.QUARANTINE) {
            if (repository.isEmpty()) {
                throw new MessagingException("quarantineRepository is required with onViolation=quarantine");
            }
            try {
                quarantine = repositories.select(MailRepositoryUrl.from(repository));
            } catch (RuntimeException | MailRepositoryStore.MailRepositoryStoreException e) {
                throw new MessagingException("quarantineRepository '" + repository + "' cannot be used: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        TlsPolicyTable table = policies.current();
        Optional<TlsProvenance> recorded = records.read(mail).vouchedHop();
        Map<MailAddress, String> violations = new LinkedHashMap<>();
        for (MailAddress recipient : mail.getRecipients()) {
            RecordedInboundCheck.violation(table.lookup(recipient.getDomain().asString()), recorded)
                .ifPresent(reason -> violations.put(recipient, reason));
        }
        if (violations.isEmpty()) {
            return;
        }
        String reasons = String.join("; ", new LinkedHashMap<>(invert(violations)).keySet());
        LOGGER.info("TLS policy mail={} sender={} violating={} action={} reason={}", mail.getName(),
            mail.getMaybeSender().asString(), violations.keySet(), onViolation.name().toLowerCase(Locale.ROOT), reasons);
        Mail split = mail.duplicate();
        try {
            split.setRecipients(new ArrayList<>(violations.keySet()));
            if (onViolation == OnViolation.BOUNCE) {
                String error = "550 5.7.10 Encryption needed: " + reasons;
                split.setAttribute(new Attribute(DELIVERY_ERROR, AttributeValue.of(error)));
                split.setErrorMessage(error);
                getMailetContext().sendMail(split, bounceProcessor);
            } else {
                split.setAttribute(new Attribute(AttributeName.of(VIOLATION), AttributeValue.of(reasons)));
                quarantine.store(split);
            }
        } finally {
            LifecycleUtil.dispose(split);
        }
        List<MailAddress> compliant = new ArrayList<>(mail.getRecipients());
        compliant.removeAll(violations.keySet());
        if (compliant.isEmpty()) {
            mail.setState(Mail.GHOST);
        } else {
            mail.setRecipients(compliant);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Bounces or quarantines recipients whose namespace requires TLS the mail did not arrive with";
    }

    /** Distinct reasons in first-seen order. */
    private static Map<String, MailAddress> invert(Map<MailAddress, String> violations) {
        Map<String, MailAddress> byReason = new LinkedHashMap<>();
        violations.forEach((recipient, reason) -> byReason.putIfAbsent(reason, recipient));
        return byReason;
    }
}
