package dev.tlsprovenance.distribution.jpa;

import java.util.Map;

import javax.inject.Inject;
import javax.inject.Singleton;
import javax.persistence.EntityManagerFactory;

import org.apache.james.core.quota.QuotaCountLimit;
import org.apache.james.core.quota.QuotaSizeLimit;
import org.apache.james.mailbox.jpa.quota.JPAPerUserMaxQuotaManager;
import org.apache.james.mailbox.model.Quota;
import org.apache.james.mailbox.model.QuotaRoot;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * James's JPA quota-limit manager with the limits of a quota root read through a cache ({@link CachedMaxQuotaDao}
 * empties it on every change). Why: James reads the user's, the domain's and the global limits of messages and of
 * storage (six queries) twice per delivered mail, once to check the quota and once, under the mailbox lock, to
 * announce the new usage.
 */
@Singleton
public final class CachedMaxQuotaManager extends JPAPerUserMaxQuotaManager {
    private final CachedMaxQuotaDao dao;

    @Inject
    public CachedMaxQuotaManager(EntityManagerFactory entityManagerFactory, CachedMaxQuotaDao dao) {
        super(entityManagerFactory, dao);
        this.dao = dao;
    }

    @Override
    public QuotaDetails quotaDetails(QuotaRoot quotaRoot) {
        return dao.limits().get(quotaRoot, root -> new QuotaDetails(super.listMaxMessagesDetails(root),
            super.listMaxStorageDetails(root)));
    }

    @Override
    public Publisher<QuotaDetails> quotaDetailsReactive(QuotaRoot quotaRoot) {
        return Mono.fromCallable(() -> quotaDetails(quotaRoot)).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Map<Quota.Scope, QuotaCountLimit> listMaxMessagesDetails(QuotaRoot quotaRoot) {
        return quotaDetails(quotaRoot).getMaxMessageDetails();
    }

    @Override
    public Map<Quota.Scope, QuotaSizeLimit> listMaxStorageDetails(QuotaRoot quotaRoot) {
        return quotaDetails(quotaRoot).getMaxStorageDetails();
    }
}
