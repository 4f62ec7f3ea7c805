package dev.tlsprovenance.distribution.jpa;

import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Singleton;
import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.jpa.mail.JPAUidProvider;
import org.apache.james.mailbox.jpa.mail.model.JPAMailbox;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;

/**
 * James's JPA UID provider with UIDs taken from reserved blocks ({@link ReservedSequences}): the
 * {@code lastUid} column of a mailbox is the reserved high-water mark, one commit per {@value ReservedSequences#BLOCK}
 * messages instead of one per message. Bound in place of {@link JPAUidProvider} (James's JPA message mapper asks
 * for that class).
 */
@Singleton
public final class ReservingJpaUidProvider extends JPAUidProvider {
    private final ReservedSequences uids;

    @Inject
    public ReservingJpaUidProvider(EntityManagerFactory factory) {
        super(factory);
        this.uids = new ReservedSequences(new MailboxColumn(factory, JPAMailbox::consumeUid, "findLastUid", "UID"));
    }

    @Override
    public Optional<MessageUid> lastUid(Mailbox mailbox) throws MailboxException {
        return last(mailbox.getMailboxId());
    }

    @Override
    public Optional<MessageUid> lastUid(Mailbox mailbox, EntityManager manager) throws MailboxException {
        return last(mailbox.getMailboxId());
    }

    @Override
    public MessageUid nextUid(Mailbox mailbox) throws MailboxException {
        return nextUid(mailbox.getMailboxId());
    }

    @Override
    public MessageUid nextUid(MailboxId mailboxId) throws MailboxException {
        long raw = ((JPAId) mailboxId).getRawId();
        try {
            return MessageUid.of(uids.next(raw));
        } catch (MailboxException e) {
            throw e;
        } catch (Exception e) {
            throw new MailboxException("Unable to reserve UIDs for mailbox " + mailboxId.serialize(), e);
        }
    }

    private Optional<MessageUid> last(MailboxId mailboxId) throws MailboxException {
        long raw = ((JPAId) mailboxId).getRawId();
        try {
            long last = uids.last(raw);
            return last == 0 ? Optional.empty() : Optional.of(MessageUid.of(last));
        } catch (MailboxException e) {
            throw e;
        } catch (Exception e) {
            throw new MailboxException("Unable to read the last UID of mailbox " + mailboxId.serialize(), e);
        }
    }
}
