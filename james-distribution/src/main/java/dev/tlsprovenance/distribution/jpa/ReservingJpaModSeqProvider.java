package dev.tlsprovenance.distribution.jpa;

import javax.inject.Inject;
import javax.inject.Singleton;
import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;

import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.jpa.mail.JPAModSeqProvider;
import org.apache.james.mailbox.jpa.mail.model.JPAMailbox;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;

/**
 * James's JPA mod-sequence provider with mod-sequences taken from reserved blocks ({@link ReservedSequences}), as
 * {@link ReservingJpaUidProvider} does for UIDs: the {@code highestModSeq} column is the reserved high-water mark.
 * Bound in place of {@link JPAModSeqProvider}.
 */
@Singleton
public final class ReservingJpaModSeqProvider extends JPAModSeqProvider {
    private final ReservedSequences modSeqs;

    @Inject
    public ReservingJpaModSeqProvider(EntityManagerFactory factory) {
        super(factory);
        this.modSeqs = new ReservedSequences(
            new MailboxColumn(factory, JPAMailbox::consumeModSeq, "findHighestModSeq", "mod-sequence"));
    }

    @Override
    public ModSeq highestModSeq(Mailbox mailbox) throws MailboxException {
        return highestModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq highestModSeq(MailboxId mailboxId) throws MailboxException {
        try {
            return ModSeq.of(modSeqs.last(raw(mailboxId)));
        } catch (MailboxException e) {
            throw e;
        } catch (Exception e) {
            throw new MailboxException("Unable to read the highest mod-sequence of mailbox " + mailboxId.serialize(), e);
        }
    }

    @Override
    public ModSeq highestModSeq(MailboxId mailboxId, EntityManager manager) throws MailboxException {
        return highestModSeq(mailboxId);
    }

    @Override
    public ModSeq nextModSeq(Mailbox mailbox) throws MailboxException {
        return nextModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq nextModSeq(MailboxId mailboxId) throws MailboxException {
        try {
            return ModSeq.of(modSeqs.next(raw(mailboxId)));
        } catch (MailboxException e) {
            throw e;
        } catch (Exception e) {
            throw new MailboxException("Unable to reserve mod-sequences for mailbox " + mailboxId.serialize(), e);
        }
    }

    private static long raw(MailboxId mailboxId) {
        return ((JPAId) mailboxId).getRawId();
    }
}
