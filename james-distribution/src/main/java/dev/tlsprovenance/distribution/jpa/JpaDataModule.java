package dev.tlsprovenance.distribution.jpa;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.CoreDataModule;
import org.apache.james.DefaultVacationService;
import org.apache.james.dlp.api.DLPConfigurationStore;
import org.apache.james.dlp.eventsourcing.EventSourcingDLPConfigurationStore;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.jpa.JPADomainList;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.mailrepository.api.MailRepositoryFactory;
import org.apache.james.mailrepository.api.MailRepositoryUrlStore;
import org.apache.james.mailrepository.api.Protocol;
import org.apache.james.mailrepository.jpa.JPAMailRepositoryUrlStore;
import org.apache.james.mailrepository.memory.MailRepositoryStoreConfiguration;
import org.apache.james.mailrepository.memory.MemoryMailRepository;
import org.apache.james.mailrepository.memory.MemoryMailRepositoryFactory;
import org.apache.james.modules.data.SieveFileRepositoryModule;
import org.apache.james.rrt.api.AliasReverseResolver;
import org.apache.james.rrt.api.CanSendFrom;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.jpa.JPARecipientRewriteTable;
import org.apache.james.rrt.lib.AliasReverseResolverImpl;
import org.apache.james.rrt.lib.CanSendFromImpl;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.jpa.JPAUsersRepository;
import org.apache.james.util.date.DefaultZonedDateTimeProvider;
import org.apache.james.util.date.ZonedDateTimeProvider;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;
import org.apache.james.vacation.api.NotificationRegistry;
import org.apache.james.vacation.api.VacationRepository;
import org.apache.james.vacation.api.VacationService;
import org.apache.james.vacation.memory.MemoryNotificationRegistry;
import org.apache.james.vacation.memory.MemoryVacationRepository;

import com.google.common.collect.ImmutableList;
import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * Domains ({@code domainlist.xml}), users ({@code usersrepository.xml}), recipient rewrites (aliases, forwards,
 * groups, domain aliases; {@code recipientrewritetable.xml}) and the list of known mail repositories in James 3.8.1's
 * JPA stores ({@link JamesDatabaseModule}), bound as James's own JPA server binds them.
 *
 * <p>What stays as in James's memory server, because this server exposes none of it: vacation replies and their
 * notification registry (JMAP only), the DLP rule store (event-sourced, no WebAdmin route here), and {@code memory://}
 * mail repositories for whoever declares one. Sieve scripts are files ({@code var/sieve}), as before.
 *
 * <p>Domains, users and rewrites are James's JPA classes with a read cache each ({@link ReadCache}): writes through
 * WebAdmin or the CLI apply to the next mail; a change made in the database by hand within {@code ReadCache.MAX_AGE}.
 */
public final class JpaDataModule extends AbstractModule {

    @Override
    protected void configure() {
        install(new SieveFileRepositoryModule());
        install(new CoreDataModule());

        bind(CachedJpaDomainList.class).in(Scopes.SINGLETON);
        bind(JPADomainList.class).to(CachedJpaDomainList.class);
        bind(DomainList.class).to(CachedJpaDomainList.class);

        bind(CachedJpaUsersRepository.class).in(Scopes.SINGLETON);
        bind(JPAUsersRepository.class).to(CachedJpaUsersRepository.class);
        bind(UsersRepository.class).to(CachedJpaUsersRepository.class);

        bind(CachedJpaRecipientRewriteTable.class).in(Scopes.SINGLETON);
        bind(JPARecipientRewriteTable.class).to(CachedJpaRecipientRewriteTable.class);
        bind(RecipientRewriteTable.class).to(CachedJpaRecipientRewriteTable.class);
        bind(AliasReverseResolverImpl.class).in(Scopes.SINGLETON);
        bind(AliasReverseResolver.class).to(AliasReverseResolverImpl.class);
        bind(CanSendFromImpl.class).in(Scopes.SINGLETON);
        bind(CanSendFrom.class).to(CanSendFromImpl.class);

        bind(JPAMailRepositoryUrlStore.class).in(Scopes.SINGLETON);
        bind(MailRepositoryUrlStore.class).to(JPAMailRepositoryUrlStore.class);
        bind(MailRepositoryStoreConfiguration.Item.class)
            .toProvider(() -> new MailRepositoryStoreConfiguration.Item(
                ImmutableList.of(new Protocol("memory")),
                MemoryMailRepository.class.getName(),
                new BaseHierarchicalConfiguration()));
        Multibinder.newSetBinder(binder(), MailRepositoryFactory.class).addBinding().to(MemoryMailRepositoryFactory.class);

        bind(EventSourcingDLPConfigurationStore.class).in(Scopes.SINGLETON);
        bind(DLPConfigurationStore.class).to(EventSourcingDLPConfigurationStore.class);
        bind(DefaultVacationService.class).in(Scopes.SINGLETON);
        bind(VacationService.class).to(DefaultVacationService.class);
        bind(MemoryVacationRepository.class).in(Scopes.SINGLETON);
        bind(VacationRepository.class).to(MemoryVacationRepository.class);
        bind(MemoryNotificationRegistry.class).in(Scopes.SINGLETON);
        bind(NotificationRegistry.class).to(MemoryNotificationRegistry.class);
        bind(DefaultZonedDateTimeProvider.class).in(Scopes.SINGLETON);
        bind(ZonedDateTimeProvider.class).to(DefaultZonedDateTimeProvider.class);
    }

    @ProvidesIntoSet
    InitializationOperation configureDomainList(DomainListConfiguration configuration, CachedJpaDomainList domainList) {
        return InitilizationOperationBuilder.forClass(CachedJpaDomainList.class)
            .init(() -> domainList.configure(configuration));
    }

    @ProvidesIntoSet
    InitializationOperation configureUsers(ConfigurationProvider configuration, CachedJpaUsersRepository users) {
        return InitilizationOperationBuilder.forClass(CachedJpaUsersRepository.class)
            .init(() -> users.configure(configuration.getConfiguration("usersrepository")));
    }

    @ProvidesIntoSet
    InitializationOperation configureRecipientRewrites(ConfigurationProvider configuration,
            CachedJpaRecipientRewriteTable table) {
        return InitilizationOperationBuilder.forClass(CachedJpaRecipientRewriteTable.class)
            .init(() -> table.configure(configuration.getConfiguration("recipientrewritetable")));
    }
}
