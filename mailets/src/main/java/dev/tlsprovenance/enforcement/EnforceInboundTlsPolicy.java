package dev.tlsprovenance.enforcement;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
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

import dev.tlsprovenance.ledger.InboundLedgerLine;
import dev.tlsprovenance.ledger.JsonLinesFile;
import dev.tlsprovenance.ledger.Ledger;
import dev.tlsprovenance.ledger.MailIdentity;
import dev.tlsprovenance.posture.LedgerLocations;
import dev.tlsprovenance.mail.InboundRecord;
import dev.tlsprovenance.mail.InboundRecords;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.RecordedInboundCheck;
import dev.tlsprovenance.policy.TlsPolicySource;
import dev.tlsprovenance.policy.TlsPolicyTable;
import dev.tlsprovenance.provenance.Direction;
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
 * &lt;!-- in the root processor: also append one line per received mail to the inbound ledger --&gt;
 * &lt;mailet match="All" class="dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy"&gt;
 *     &lt;onViolation&gt;bounce&lt;/onViolation&gt;
 *     &lt;inboundLedger&gt;file://var/tls-ledger/inbound.jsonl&lt;/inboundLedger&gt;  &lt;!-- default: none --&gt;
 *     &lt;inboundLedgerMaxBytes&gt;10485760&lt;/inboundLedgerMaxBytes&gt;         &lt;!-- rotated to .1 .. .5 --&gt;
 * &lt;/mailet&gt;
 * &lt;mailet match="All" class="dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy"&gt;
 *     &lt;onViolation&gt;quarantine&lt;/onViolation&gt;
 *     &lt;quarantineRepository&gt;file://var/mail/quarantine/&lt;/quarantineRepository&gt;
 * &lt;/mailet&gt;
 * </pre>
 * Bounced copies carry {@code delivery-error} = {@code 550 5.7.10 ...}, which {@code dev.tlsprovenance.dsn.Rfc3464Bounce}
 * writes as {@code Status: 5.7.10} and {@code Diagnostic-Code: x-tls-provenance; Encryption needed: ...}. Quarantined copies carry {@value #VIOLATION} with the reasons.
 * With {@code inboundLedger}, every mail that carries an inbound record (sealed, or one this server refused to
 * believe) gets one {@link InboundLedgerLine}: the record, mail name, Message-ID, sender, and per recipient its row,
 * rule and decision (accepted, bounced, quarantined). The ledger is written here, not by a mailet after this one,
 * because a mail all of whose recipients are bounced leaves the processor here and no later mailet sees it. Set it
 * on the root processor's instance only: the one after RecipientRewriteTable would write a second line per mail.
 * DSNs made inside James keep the original's record but start in the transport processor, so they get no line.
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
    private final FileSystem fileSystem;
    private OnViolation onViolation;
    private Optional<Ledger> inboundLedger = Optional.empty();
    private String bounceProcessor;
    private MailRepository quarantine;
    private Optional<LedgerLocations> ledgerLocations = Optional.empty();

    @Inject
    public EnforceInboundTlsPolicy(TlsPolicySource policies, MailRepositoryStore repositories, InboundRecords records,
                                   FileSystem fileSystem) {
        this.policies = policies;
        this.repositories = repositories;
        this.records = records;
        this.fileSystem = fileSystem;
    }

    /** Without James's FileSystem: an {@code inboundLedger} is then a plain path. */
    public EnforceInboundTlsPolicy(TlsPolicySource policies, MailRepositoryStore repositories, InboundRecords records) {
        this(policies, repositories, records, null);
    }

    /** Where the inbound ledger is told to the posture ({@code GET /tls/posture}) and the ledger health check; Guice calls it. */
    @Inject
    public void setLedgerLocations(LedgerLocations locations) {
        this.ledgerLocations = Optional.of(locations);
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
        inboundLedger = readInboundLedger();
        inboundLedger.ifPresent(l -> ledgerLocations.ifPresent(locations -> locations.register(Direction.INBOUND, l)));
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

    private Optional<Ledger> readInboundLedger() throws MessagingException {
        String location = getInitParameter("inboundLedger", "none").trim();
        if (location.isEmpty() || location.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        String maxBytes = getInitParameter("inboundLedgerMaxBytes", "10485760").trim();
        long max;
        try {
            max = Long.parseLong(maxBytes);
        } catch (NumberFormatException e) {
            max = -1;
        }
        if (max < 1024) {
            throw new MessagingException("Invalid value for parameter inboundLedgerMaxBytes: '" + maxBytes
                + "' (expected a whole number >= 1024)");
        }
        Path file;
        try {
            file = fileSystem != null && (location.startsWith("file://") || location.startsWith("classpath:"))
                ? fileSystem.getFile(location).toPath() : Path.of(location.replaceFirst("^file://", ""));
        } catch (IOException | RuntimeException e) {
            throw new MessagingException("Invalid value for parameter inboundLedger: '" + location + "' (" + e.getMessage() + ")", e);
        }
        return Optional.of(new Ledger("inbound ledger", new JsonLinesFile(file, max, JsonLinesFile.KEPT_ROTATIONS)));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (dev.tlsprovenance.tlsrpt.TlsRptMail.isReport(mail)) {
            return; // a TLS-RPT report is made here, never received: no inbound hop to hold to the rules (docs/tls-rpt.md)
        }
        TlsPolicyTable table = policies.current();
        InboundRecord record = records.read(mail);
        Optional<TlsProvenance> recorded = record.vouchedHop();
        Map<MailAddress, String> violations = new LinkedHashMap<>();
        List<MailAddress> received = new ArrayList<>(mail.getRecipients());
        for (MailAddress recipient : received) {
            RecordedInboundCheck.violation(table.lookup(recipient.getDomain().asString()), recorded)
                .ifPresent(reason -> violations.put(recipient, reason));
        }
        enforce(mail, violations);
        // after the decision took effect: a bounce that failed (the mail then goes to the error processor) is no decision
        inboundLedger.ifPresent(ledger -> recorded.ifPresent(hop ->
            ledger.append(ledgerLine(mail, record, hop, table, received, violations).toJson())));
    }

    private InboundLedgerLine ledgerLine(Mail mail, InboundRecord record, TlsProvenance hop, TlsPolicyTable table,
                                         List<MailAddress> received, Map<MailAddress, String> violations) {
        InboundLedgerLine.Decision refused = onViolation == OnViolation.BOUNCE
            ? InboundLedgerLine.Decision.BOUNCED : InboundLedgerLine.Decision.QUARANTINED;
        List<InboundLedgerLine.Recipient> recipients = new ArrayList<>();
        for (MailAddress recipient : received) {
            NamespacePolicy row = table.lookup(recipient.getDomain().asString());
            String reason = violations.get(recipient);
            recipients.add(new InboundLedgerLine.Recipient(recipient.asString(), row.source(), row.inbound().token(),
                reason == null ? InboundLedgerLine.Decision.ACCEPTED : refused, reason == null ? "" : reason));
        }
        Optional<String> messageId;
        try {
            messageId = Optional.ofNullable(mail.getMessage() == null ? null : mail.getMessage().getMessageID());
        } catch (MessagingException | RuntimeException e) {
            messageId = Optional.empty();
        }
        return new InboundLedgerLine(hop, record.trusted().isPresent(),
            new MailIdentity(mail.getName(), messageId, mail.getMaybeSender().asString("")), recipients);
    }

    private void enforce(Mail mail, Map<MailAddress, String> violations) throws MessagingException {
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
