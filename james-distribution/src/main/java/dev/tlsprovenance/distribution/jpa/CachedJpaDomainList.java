package dev.tlsprovenance.distribution.jpa;

import javax.inject.Inject;
import javax.inject.Singleton;
import javax.persistence.EntityManagerFactory;

import org.apache.james.core.Domain;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.domainlist.jpa.JPADomainList;

/**
 * James's JPA domain list with a {@link ReadCache} on "is this domain local?" (asked for every recipient of every
 * mail). James's own domain-list cache ({@code read.cache.enable}) is not used: it keeps a removed domain local
 * until it expires; this one forgets at the removal.
 */
@Singleton
public final class CachedJpaDomainList extends JPADomainList {
    private final ReadCache<Domain, Boolean> local = new ReadCache<>();

    @Inject
    public CachedJpaDomainList(DNSService dns, EntityManagerFactory entityManagerFactory) {
        super(dns, entityManagerFactory);
    }

    @Override
    protected boolean containsDomainInternal(Domain domain) throws DomainListException {
        return local.get(domain, super::containsDomainInternal);
    }

    @Override
    public void addDomain(Domain domain) throws DomainListException {
        try {
            super.addDomain(domain);
        } finally {
            local.invalidateAll();
        }
    }

    @Override
    public void doRemoveDomain(Domain domain) throws DomainListException {
        try {
            super.doRemoveDomain(domain);
        } finally {
            local.invalidateAll();
        }
    }
}
