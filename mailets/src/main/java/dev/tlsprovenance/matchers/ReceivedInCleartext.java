package dev.tlsprovenance.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.tlsprovenance.mail.ProvenanceAttributes;
import dev.tlsprovenance.provenance.MalformedProvenanceException;
import dev.tlsprovenance.provenance.TlsProvenance;

/**
 * Matches mail that cannot be shown to have arrived encrypted: its inbound record (the
 * {@code dev.tlsprovenance.inbound} attribute) says cleartext, or it has no record at all.
 *
 * <p>Why mail without a record matches by default: this matcher exists to catch what lacks TLS, and a missing
 * record proves nothing (mail created by a mailet, a bounce, or a listener without the recording hook), so it
 * fails closed. Condition {@code recordedOnly} restricts it to mail that has a record saying cleartext, e.g. to
 * leave James's own bounces alone. Sample {@code mailetcontainer.xml}:
 * <pre>{@code
 * <mailet match="dev.tlsprovenance.matchers.ReceivedInCleartext" class="ToRepository">
 *     <repositoryPath>memory://var/mail/cleartext/</repositoryPath>
 * </mailet>
 * <mailet match="dev.tlsprovenance.matchers.ReceivedInCleartext=recordedOnly" class="LogMessage"/>
 * }</pre>
 */
public class ReceivedInCleartext extends GenericMatcher {

    public static final String RECORDED_ONLY = "recordedOnly";

    private boolean recordedOnly;

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
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        Optional<TlsProvenance> hop;
        try {
            hop = ProvenanceAttributes.inbound(mail);
        } catch (MalformedProvenanceException e) {
            throw new MessagingException("Unreadable " + ProvenanceAttributes.INBOUND.asString() + " attribute on " + mail.getName(), e);
        }
        boolean matches = hop.map(record -> !record.isEncrypted()).orElse(!recordedOnly);
        return matches ? mail.getRecipients() : List.of();
    }
}
