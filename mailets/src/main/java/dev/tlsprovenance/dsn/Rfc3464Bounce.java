package dev.tlsprovenance.dsn;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.AttributeName;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tlsprovenance.mail.ProvenanceAttributes;

/**
 * Sends the sender an RFC 3464 delivery status notification for the mail's recipients, in place of James's
 * {@code DSNBounce} and {@code Bounce}: {@code Status:} the enhanced code alone, {@code Diagnostic-Code: smtp; <reply>}
 * when a server replied, {@code x-tls-provenance; <reason>} when this server decided on its own,
 * {@code Remote-MTA: dns; <host>} when a server was tried, {@code Reporting-MTA: dns; <reportingMta>}, and the
 * original's header section as a {@code text/rfc822-headers} part only (see {@link DsnMessage}).
 *
 * <p>Per recipient the facts come from, in order: the attribute {@value RecipientStatusAttribute#NAME}
 * ({@code TlsPolicyRemoteDelivery}); James's {@code delivery-error} (a leading SMTP code and enhanced status are
 * read, e.g. {@code 550 5.7.10 Encryption needed: ...} of {@code EnforceInboundTlsPolicy}; with
 * {@code delivery-error-code} it is a server's reply); the mail's error message (a {@code ToProcessor notice});
 * else the {@code status} and {@code diagnostic} parameters.
 *
 * <p>The DSN is a new mail from the postmaster with the null sender (RFC 3464 section 3: no DSN is ever sent about
 * a DSN). It is handed to {@code dsnProcessor} (default {@code transport}), after {@code root}: the header mailet
 * there would otherwise stamp the original's inbound record on it as its own {@code X-TLS-Provenance}, a record of a
 * hop the DSN never made. Of the original's attributes it keeps only that sealed inbound record, so the per-namespace
 * inbound rules judge the DSN by the hop its content (the original's headers) arrived on.
 *
 * <p>A mail with the null sender gets no DSN: it is logged at WARN and left as it is (never ghosted, whatever
 * {@code passThrough} says), so the next mailet of the processor must keep it, e.g. in a repository.
 * Sample configuration:
 * <pre>{@code
 * <processor state="bounces" enableJmx="false">
 *   <mailet match="SenderIsNull" class="ToRepository">
 *     <repositoryPath>file://var/mail/undeliverable-dsn/</repositoryPath>
 *   </mailet>
 *   <mailet match="All" class="dev.tlsprovenance.dsn.Rfc3464Bounce">
 *     <reportingMta>${sys:james.hostname:-localhost}</reportingMta>  <!-- default: the server's hello name -->
 *     <status>5.0.0</status>                <!-- when the mail gives none -->
 *     <diagnostic>delivery failed</diagnostic>  <!-- when the mail gives none -->
 *     <dsnProcessor>transport</dsnProcessor>
 *     <passThrough>false</passThrough>      <!-- true: the mail goes on in this processor after its DSN -->
 *   </mailet>
 * </processor>
 * }</pre>
 */
public class Rfc3464Bounce extends GenericMailet {
    static final AttributeName DELIVERY_ERROR = AttributeName.of("delivery-error");
    static final AttributeName DELIVERY_ERROR_CODE = AttributeName.of("delivery-error-code");
    /** First arrival at TlsPolicyRemoteDelivery (epoch millis), for Arrival-Date. */
    static final AttributeName OUTBOUND_ARRIVAL = AttributeName.of("dev.tlsprovenance.outbound.arrival");
    private static final Logger LOGGER = LoggerFactory.getLogger(Rfc3464Bounce.class);
    /** "550 5.7.10 text", "550-5.7.10 text", "5.7.10 text", "550 - text", "text". */
    private static final Pattern ERROR_TEXT = Pattern.compile("(?s)\\s*(?:(\\d{3})(?:[ -]+|$))?(?:([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s+|$))?(.*)");

    private final Clock clock;
    private String reportingMta;
    private String defaultStatus;
    private String defaultDiagnostic;
    private String dsnProcessor;
    private boolean passThrough;

    @Inject
    public Rfc3464Bounce() {
        this(Clock.systemUTC());
    }

    public Rfc3464Bounce(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        reportingMta = getInitParameter("reportingMta", "").trim();
        if (reportingMta.isEmpty()) {
            Object helo = getMailetContext().getAttribute("org.apache.james.HelloName");
            reportingMta = helo == null || helo.toString().isBlank() ? "localhost" : helo.toString().trim();
        }
        if (!reportingMta.matches("[A-Za-z0-9.:\\[\\]_-]+")) {
            throw new MessagingException("Invalid value '" + reportingMta + "' for parameter 'reportingMta' of "
                + getClass().getSimpleName() + ": not a host name");
        }
        defaultStatus = getInitParameter("status", "5.0.0").trim();
        if (!RecipientStatus.isStatusCode(defaultStatus) || defaultStatus.startsWith("2")) {
            throw new MessagingException("Invalid value '" + defaultStatus + "' for parameter 'status' of "
                + getClass().getSimpleName() + ": expected an enhanced status code of a failure, e.g. 5.4.6");
        }
        defaultDiagnostic = DiagnosticCode.oneLine(getInitParameter("diagnostic", "delivery failed"));
        dsnProcessor = getInitParameter("dsnProcessor", "transport").trim();
        if (dsnProcessor.isEmpty()) {
            throw new MessagingException("Invalid value '' for parameter 'dsnProcessor' of " + getClass().getSimpleName()
                + ": it must name a processor");
        }
        String through = getInitParameter("passThrough", "false").trim().toLowerCase(Locale.ROOT);
        if (!through.equals("true") && !through.equals("false")) {
            throw new MessagingException("Invalid value '" + through + "' for parameter 'passThrough' of "
                + getClass().getSimpleName() + ": expected true or false");
        }
        passThrough = Boolean.parseBoolean(through);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getRecipients().isEmpty()) {
            return;
        }
        List<RecipientStatus> statuses = statusesOf(mail);
        if (!mail.hasSender()) {
            LOGGER.warn("Mail {} has the null sender: no DSN (none is ever sent to <>); not delivered to {}: {}", mail.getName(),
                mail.getRecipients(), summary(statuses));
            return;
        }
        MailAddress sender = mail.getMaybeSender().get();
        DeliveryStatusNotification report = new DeliveryStatusNotification(reportingMta, envelopeId(mail), arrival(mail),
            clock.instant(), statuses);
        MimeMessage message = DsnMessage.build(report, mail.getMessage(), postmaster(), new InternetAddress(sender.asString(), false));
        MailImpl.Builder dsn = MailImpl.builder()
            .name(MailImpl.getId())
            .sender(MaybeSender.nullSender())
            .addRecipient(sender)
            .mimeMessage(message);
        mail.getAttribute(ProvenanceAttributes.INBOUND).ifPresent(dsn::addAttribute);
        MailImpl built = dsn.build();
        try {
            getMailetContext().sendMail(built, dsnProcessor);
            LOGGER.warn("Mail {} from <{}> not delivered to {}: {}; DSN {} sent to <{}>", mail.getName(), sender.asString(),
                mail.getRecipients(), summary(statuses), built.getName(), sender.asString());
        } finally {
            LifecycleUtil.dispose(built);
        }
        if (!passThrough) {
            mail.setState(Mail.GHOST);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Sends an RFC 3464 delivery status notification to the sender";
    }

    private List<RecipientStatus> statusesOf(Mail mail) {
        Map<String, RecipientStatus> recorded = RecipientStatusAttribute.read(mail);
        List<RecipientStatus> statuses = new ArrayList<>();
        for (MailAddress recipient : mail.getRecipients()) {
            RecipientStatus status = recorded.get(recipient.asString());
            statuses.add(status != null ? status : fromErrorText(mail, recipient.asString()));
        }
        return statuses;
    }

    private RecipientStatus fromErrorText(Mail mail, String recipient) {
        Optional<String> deliveryError = mail.getAttribute(DELIVERY_ERROR).map(a -> String.valueOf(a.getValue().value()))
            .filter(text -> !text.isBlank());
        Optional<String> text = deliveryError.or(() -> Optional.ofNullable(mail.getErrorMessage()).filter(t -> !t.isBlank()));
        if (text.isEmpty()) {
            return new RecipientStatus(recipient, defaultStatus, Optional.empty(), DiagnosticCode.own(defaultDiagnostic), defaultDiagnostic);
        }
        Matcher parts = ERROR_TEXT.matcher(DiagnosticCode.oneLine(text.get()));
        parts.matches();
        String status = parts.group(2) != null ? parts.group(2) : defaultStatus;
        String reason = parts.group(3).isBlank() ? defaultDiagnostic : parts.group(3).trim();
        Optional<Integer> replyCode = deliveryError.isPresent()
            ? mail.getAttribute(DELIVERY_ERROR_CODE).flatMap(a -> a.getValue().valueAs(Integer.class)) : Optional.empty();
        if (replyCode.isPresent()) {
            String reply = parts.group(1) != null ? DiagnosticCode.oneLine(text.get()) : replyCode.get() + " " + DiagnosticCode.oneLine(text.get());
            return new RecipientStatus(recipient, status, Optional.empty(), DiagnosticCode.smtp(reply), reason);
        }
        return new RecipientStatus(recipient, status, Optional.empty(), DiagnosticCode.own(reason), reason);
    }

    private static Optional<String> envelopeId(Mail mail) {
        return mail.dsnParameters().flatMap(DsnParameters::getEnvIdParameter).map(DsnParameters.EnvId::asString);
    }

    private static Optional<Instant> arrival(Mail mail) {
        return mail.getAttribute(OUTBOUND_ARRIVAL).flatMap(a -> a.getValue().valueAs(Long.class)).map(Instant::ofEpochMilli);
    }

    private InternetAddress postmaster() throws MessagingException {
        MailAddress postmaster = getMailetContext().getPostmaster();
        return new InternetAddress(postmaster != null ? postmaster.asString() : "postmaster@" + reportingMta, false);
    }

    private static String summary(List<RecipientStatus> statuses) {
        StringBuilder text = new StringBuilder();
        for (RecipientStatus status : statuses) {
            if (text.length() > 0) {
                text.append("; ");
            }
            text.append('<').append(status.recipient()).append("> ").append(status.status()).append(' ').append(status.diagnostic());
        }
        return text.toString();
    }
}
