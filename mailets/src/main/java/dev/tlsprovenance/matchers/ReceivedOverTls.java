package dev.tlsprovenance.matchers;

import java.util.Collection;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.tlsprovenance.mail.InboundRecords;

/**
 * Matches mail whose inbound hop (the {@code dev.tlsprovenance.inbound} attribute set by
 * {@code RecordTlsProvenanceHook}) was encrypted, optionally with a minimum protocol version and/or a client
 * certificate the listener verified. Mail without a record does not match: nothing proves it was encrypted; nor
 * does mail whose record this server did not seal (see {@code InboundRecords}).
 * The record key comes from {@code InboundRecords} (bound by {@code TlsProvenanceModule}).
 *
 * <p>Condition: empty (any TLS), or a comma list of {@code minProtocol=TLSv1.2} (one of SSLv3, TLSv1, TLSv1.1,
 * TLSv1.2, TLSv1.3) and {@code verifiedClientCert}. Sample {@code mailetcontainer.xml}:
 * <pre>{@code
 * <mailet match="dev.tlsprovenance.matchers.ReceivedOverTls=minProtocol=TLSv1.2,verifiedClientCert"
 *         class="SetMailAttribute">
 *     <partner.mtls>true</partner.mtls>
 * </mailet>
 * }</pre>
 * The opposite selection is {@link ReceivedInCleartext} (or James's {@code Not} composite matcher).
 */
public class ReceivedOverTls extends GenericMatcher {

    private final InboundRecords records;
    private TlsRequirement requirement;

    @Inject
    public ReceivedOverTls(InboundRecords records) {
        this.records = records;
    }

    @Override
    public void init() throws MessagingException {
        String condition = getCondition() == null ? "" : getCondition();
        try {
            requirement = TlsRequirement.parse(condition);
        } catch (IllegalArgumentException e) {
            throw new MessagingException("Invalid condition '" + condition + "' for matcher "
                + getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        boolean matches = records.read(mail).trusted().map(requirement::isMetBy).orElse(false);
        return matches ? mail.getRecipients() : List.of();
    }
}
