package dev.tlsprovenance.distribution.jpa;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.user.jpa.JPAUsersRepository;

/**
 * James's JPA users repository with a {@link ReadCache} on "is this a user?" (asked for every local recipient of
 * every mail); adding or removing a user empties it.
 */
@Singleton
public final class CachedJpaUsersRepository extends JPAUsersRepository {
    private final ReadCache<Username, Boolean> exists = new ReadCache<>();

    @Inject
    public CachedJpaUsersRepository(DomainList domainList) {
        super(domainList);
    }

    @Override
    public boolean contains(Username name) throws UsersRepositoryException {
        return exists.get(name, super::contains);
    }

    @Override
    public void addUser(Username username, String password) throws UsersRepositoryException {
        try {
            super.addUser(username, password);
        } finally {
            exists.invalidateAll();
        }
    }

    @Override
    public void removeUser(Username name) throws UsersRepositoryException {
        try {
            super.removeUser(name);
        } finally {
            exists.invalidateAll();
        }
    }
}
