package dev.tlsprovenance.distribution.jpa;

import java.util.function.ToLongFunction;

import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.EntityTransaction;

import org.apache.james.backends.jpa.EntityManagerUtils;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.mail.model.JPAMailbox;

/**
 * One counter column of James's JPA mailbox row ({@code lastUid} or {@code highestModSeq}) as the reserved
 * high-water mark of {@link ReservedSequences}: read with James's own named query, raised with the entity's own
 * increment method in one committed transaction.
 */
final class MailboxColumn implements ReservedSequences.Store {
    private final EntityManagerFactory factory;
    private final ToLongFunction<JPAMailbox> increment;
    private final String readQuery;
    private final String what;

    MailboxColumn(EntityManagerFactory factory, ToLongFunction<JPAMailbox> increment, String readQuery, String what) {
        this.factory = factory;
        this.increment = increment;
        this.readQuery = readQuery;
        this.what = what;
    }

    @Override
    public long reserved(long mailboxId) {
        EntityManager manager = factory.createEntityManager();
        try {
            return (Long) manager.createNamedQuery(readQuery).setParameter("idParam", mailboxId).getSingleResult();
        } finally {
            EntityManagerUtils.safelyClose(manager);
        }
    }

    @Override
    public long reserve(long mailboxId, long count) throws MailboxException {
        EntityManager manager = factory.createEntityManager();
        EntityTransaction transaction = manager.getTransaction();
        try {
            transaction.begin();
            JPAMailbox mailbox = manager.find(JPAMailbox.class, mailboxId);
            if (mailbox == null) {
                throw new MailboxException("no mailbox with id " + mailboxId + " to reserve a " + what + " in");
            }
            long mark = 0;
            for (long i = 0; i < count; i++) {
                mark = increment.applyAsLong(mailbox);
            }
            manager.persist(mailbox);
            transaction.commit();
            return mark;
        } finally {
            if (transaction.isActive()) {
                transaction.rollback();
            }
            EntityManagerUtils.safelyClose(manager);
        }
    }
}
