package dev.tlsprovenance.distribution;

import javax.inject.Inject;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryFactory;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.mailrepository.file.FileMailRepository;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

/**
 * Lets {@code mailrepositorystore.xml} declare {@code file://} mail repositories (error, quarantine, relay-denied)
 * that live on disk under {@code var/mail/}. James's store configures and initialises each repository itself
 * with the repository URL; this factory only hands it a new {@link FileMailRepository} wired to James's file system.
 */
final class FileMailRepositoryModule extends AbstractModule {

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), MailRepositoryFactory.class).addBinding().to(Factory.class);
    }

    static final class Factory implements MailRepositoryFactory {
        private final FileSystem fileSystem;

        @Inject
        Factory(FileSystem fileSystem) {
            this.fileSystem = fileSystem;
        }

        @Override
        public Class<? extends MailRepository> mailRepositoryClass() {
            return FileMailRepository.class;
        }

        @Override
        public MailRepository create(MailRepositoryUrl url) {
            FileMailRepository repository = new FileMailRepository();
            repository.setFileSystem(fileSystem);
            return repository;
        }
    }
}
