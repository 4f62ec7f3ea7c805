package dev.tlsprovenance.matchers;

import java.util.Collection;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.tlsprovenance.mail.InboundRecord;
import dev.tlsprovenance.mail.InboundRecords;

/**
 * Matches mail that cannot be shown to have arrived encrypted: its inbound record (the
 * {@code dev.tlsprovenance.inbound} attribute) says cleartext, or it has no record at all.
 *
 * <p>Why mail without a record matches by default: this matcher exists to catch what lacks TLS, and a missing
 * record proves nothing (mail created by a mailet, a bounce, or a listener without the recording hook), so it
 * fails closed. Condition {@code recordedOnly} restricts it to mail that has a record saying cleartext, e.g. to
 * leave James's own bounces alone. A record this server did not seal (see {@code InboundRecords}) matches in both
 * forms: it is no proof of TLS, and not one of James's own mails either. The record key comes from
 * {@code InboundRecords} (bound by {@code TlsProvenanceModule}). Sample {@code mailetcontainer.xml}:
 * <pre>{@code
 * <mailet match="dev.tlsprovenance.matchers.ReceivedInCleartext" class="ToRepository">
 *     <repositoryPath>memory://var/mail/cleartext/</repositoryPath>
 * </mailet>
 * <mailet match="dev.tlsprovenance.matchers.ReceivedInCleartext=recordedOnly" class="LogMessage"/>
 * }</pre>
 */
public class ReceivedInCleartext extends GenericMatcher {

    public static final String RECORDED_ONLY = "recordedOnly";

    private final InboundRecords records;
    private boolean recordedOnly;

    @Inject
    public ReceivedInCleartext(InboundRecords records) {
        this.records = records;
    }

    @Override
    public void init() throws MessagingException {
        String condition = getCondition() == null ? "" : getCondition().trim();
        if (!condition.isEmpty() && !condition.equalsIgnoreCase(RECORDED_ONLY)) {
            throw new MessagingException("Invalid condition '" + condition + "' for matcher "
                + getClass().getSimpleName() + ": expected nothing or '" + RECORDED_ONLY + "'");
        }
        recordedOnly = !condition.isEmpty();
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        InboundRecord inbound = records.read(mail);
        boolean matches = inbound.isRejected() || inbound.trusted().map(record -> !record.isEncrypted()).orElse(!recordedOnly);
        return matches ? mail.getRecipients() : List.of();
    }
}
