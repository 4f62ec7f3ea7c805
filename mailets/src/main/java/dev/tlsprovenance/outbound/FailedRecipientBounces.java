package dev.tlsprovenance.outbound;

import java.time.Clock;
import java.time.Instant;
import dev.tlsprovenance.dsn.RecipientStatusAttribute;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the sender about recipients {@link TlsPolicyRemoteDelivery} gave up on: our RFC 3464 DSN to the sender,
 * or, with {@code bounceProcessor}, a copy of the mail for those recipients sent to that processor with the
 * per-recipient facts of {@link RecipientStatusAttribute} (read by {@code dev.tlsprovenance.dsn.Rfc3464Bounce}) and
 * the attributes James's own bounce mailets read ({@code delivery-error}, {@code delivery-error-code}). Recipients
 * whose next hop was this server itself (5.4.6) go, with {@code loopProcessor}, to that processor instead (a
 * repository copy and a DSN there). A mail with the null sender gets no DSN; it is never dropped either: its copy
 * goes to the bounce processor (which keeps it), else to the error processor. If even that fails, the copy goes to
 * the error processor: never a retry, which would send the message again to recipients already delivered. If the
 * error processor cannot take it either, the caller is told, and keeps the mail in its queue.
 */
final class FailedRecipientBounces {
    static final AttributeName DELIVERY_ERROR = AttributeName.of("delivery-error");
    static final AttributeName DELIVERY_ERROR_CODE = AttributeName.of("delivery-error-code");
    private static final Logger LOGGER = LoggerFactory.getLogger(TlsPolicyRemoteDelivery.class);

    private final MailetContext context;
    private final String reportingMta;
    private final Optional<String> bounceProcessor;
    private final Optional<String> loopProcessor;
    private final Clock clock;

    FailedRecipientBounces(MailetContext context, String reportingMta, Optional<String> bounceProcessor,
                           Optional<String> loopProcessor, Clock clock) {
        this.context = context;
        this.reportingMta = reportingMta;
        this.bounceProcessor = bounceProcessor;
        this.loopProcessor = loopProcessor;
        this.clock = clock;
    }

    /**
     * @throws MessagingException when neither the bounce nor the error processor took the failed recipients (e.g. the
     *     spool is on a full disk): the caller keeps the mail in its queue instead, so they are not lost
     */
    void bounceOrHandToError(Mail mail, Map<MailAddress, DeliveryStatusReport.FailedRecipient> failed) throws MessagingException {
        try {
            bounce(mail, failed);
        } catch (MessagingException | RuntimeException e) {
            LOGGER.error("Mail {}: cannot bounce {}; handing it to the error processor", mail.getName(), failed.keySet(), e);
            try {
                sendCopy(mail, failed, Mail.ERROR);
            } catch (MessagingException | RuntimeException again) {
                again.addSuppressed(e);
                throw again instanceof MessagingException ? (MessagingException) again
                    : new MessagingException("cannot hand " + mail.getName() + " to the error processor: " + again, again);
            }
        }
    }

    private void bounce(Mail mail, Map<MailAddress, DeliveryStatusReport.FailedRecipient> all) throws MessagingException {
        all.values().forEach(f -> LOGGER.warn("Mail {}: giving up on <{}>: {}", mail.getName(), f.address(), f.failure()));
        Map<MailAddress, DeliveryStatusReport.FailedRecipient> failed = new LinkedHashMap<>(all);
        if (loopProcessor.isPresent()) {
            Map<MailAddress, DeliveryStatusReport.FailedRecipient> loops = new LinkedHashMap<>();
            all.forEach((recipient, f) -> {
                if (f.failure().enhancedStatus().equals(DeliveryFailure.ROUTING_LOOP)) {
                    loops.put(recipient, f);
                }
            });
            if (!loops.isEmpty()) {
                sendCopy(mail, loops, loopProcessor.get());
                loops.keySet().forEach(failed::remove);
            }
            if (failed.isEmpty()) {
                return;
            }
        }
        if (!mail.hasSender()) {
            String keeper = bounceProcessor.orElse(Mail.ERROR);
            LOGGER.warn("Mail {} has the null sender: no DSN for {}; kept by processor {}", mail.getName(), failed.keySet(), keeper);
            sendCopy(mail, failed, keeper);
            return;
        }
        if (bounceProcessor.isPresent()) {
            sendCopy(mail, failed, bounceProcessor.get());
            return;
        }
        Instant arrival = mail.getAttribute(TlsPolicyRemoteDelivery.ARRIVAL).flatMap(a -> a.getValue().valueAs(Long.class))
            .map(Instant::ofEpochMilli).orElse(clock.instant());
        DeliveryStatusReport report = new DeliveryStatusReport(reportingMta, arrival, clock.instant(), new ArrayList<>(failed.values()));
        context.sendMail(MailAddress.nullSender(), List.of(mail.getMaybeSender().get()), DsnMessages.build(report, mail, postmaster()));
    }

    /**
     * James 3.8.1's {@code duplicate()} copies the whole message into a new source, and {@code sendMail} spools its
     * own copy: ours is disposed here, or James's leak detector reports it ("Leak detected!") once it is collected.
     */
    private void sendCopy(Mail mail, Map<MailAddress, DeliveryStatusReport.FailedRecipient> failed, String processor)
            throws MessagingException {
        Mail copy = copyFor(mail, failed);
        try {
            context.sendMail(copy, processor);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }

    private static Mail copyFor(Mail mail, Map<MailAddress, DeliveryStatusReport.FailedRecipient> failed) throws MessagingException {
        Mail copy = mail.duplicate();
        copy.setRecipients(new ArrayList<>(failed.keySet()));
        copy.setAttribute(RecipientStatusAttribute.of(failed.values().stream()
            .map(DeliveryStatusReport.FailedRecipient::status).collect(Collectors.toList())));
        DeliveryFailure first = failed.values().iterator().next().failure();
        copy.setAttribute(new Attribute(DELIVERY_ERROR, AttributeValue.of(first.toString())));
        if (first.remoteCode() > 0) {
            copy.setAttribute(new Attribute(DELIVERY_ERROR_CODE, AttributeValue.of(first.remoteCode())));
        }
        return copy;
    }

    private MailAddress postmaster() throws MessagingException {
        MailAddress postmaster = context.getPostmaster();
        return postmaster != null ? postmaster : new MailAddress("postmaster@" + reportingMta);
    }
}
