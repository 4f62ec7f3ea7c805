package dev.tlsprovenance.distribution.jpa;

import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Singleton;
import javax.persistence.EntityManagerFactory;

import org.apache.james.core.Domain;
import org.apache.james.core.quota.QuotaCountLimit;
import org.apache.james.core.quota.QuotaSizeLimit;
import org.apache.james.mailbox.jpa.quota.JPAPerUserMaxQuotaDAO;
import org.apache.james.mailbox.model.QuotaRoot;
import org.apache.james.mailbox.quota.MaxQuotaManager.QuotaDetails;

/**
 * James's JPA store of quota limits; every change of a limit (user, domain or global; set or removed: James's JPA
 * quota manager writes them all through these six methods) empties the limits cache that
 * {@link CachedMaxQuotaManager} reads.
 */
@Singleton
public final class CachedMaxQuotaDao extends JPAPerUserMaxQuotaDAO {
    private final ReadCache<QuotaRoot, QuotaDetails> limits = new ReadCache<>();

    @Inject
    public CachedMaxQuotaDao(EntityManagerFactory entityManagerFactory) {
        super(entityManagerFactory);
    }

    /** The limits of each quota root, as {@link CachedMaxQuotaManager} last read them. */
    ReadCache<QuotaRoot, QuotaDetails> limits() {
        return limits;
    }

    @Override
    public void setMaxStorage(QuotaRoot quotaRoot, Optional<QuotaSizeLimit> maxStorageQuota) {
        try {
            super.setMaxStorage(quotaRoot, maxStorageQuota);
        } finally {
            limits.invalidateAll();
        }
    }

    @Override
    public void setMaxMessage(QuotaRoot quotaRoot, Optional<QuotaCountLimit> maxMessageCount) {
        try {
            super.setMaxMessage(quotaRoot, maxMessageCount);
        } finally {
            limits.invalidateAll();
        }
    }

    @Override
    public void setDomainMaxMessage(Domain domain, Optional<QuotaCountLimit> count) {
        try {
            super.setDomainMaxMessage(domain, count);
        } finally {
            limits.invalidateAll();
        }
    }

    @Override
    public void setDomainMaxStorage(Domain domain, Optional<QuotaSizeLimit> size) {
        try {
            super.setDomainMaxStorage(domain, size);
        } finally {
            limits.invalidateAll();
        }
    }

    @Override
    public void setGlobalMaxStorage(Optional<QuotaSizeLimit> globalMaxStorage) {
        try {
            super.setGlobalMaxStorage(globalMaxStorage);
        } finally {
            limits.invalidateAll();
        }
    }

    @Override
    public void setGlobalMaxMessage(Optional<QuotaCountLimit> globalMaxMessageCount) {
        try {
            super.setGlobalMaxMessage(globalMaxMessageCount);
        } finally {
            limits.invalidateAll();
        }
    }
}
