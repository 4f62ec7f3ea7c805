package dev.tlsprovenance.distribution.jpa;

import java.sql.DriverManager;
import java.sql.SQLException;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database behind every persistent store: opened once at start-up, closed on a clean stop. Embedded Derby is shut
 * down after the entity manager factory closes, so a clean stop leaves no log to replay at the next start (after
 * {@code kill -9} Derby replays its transaction log: every committed delivery is there).
 */
public final class JamesDatabase {
    static final String PERSISTENCE_UNIT = "Global";
    private static final Logger LOGGER = LoggerFactory.getLogger(JamesDatabase.class);

    private final JamesDatabaseSettings settings;
    private final EntityManagerFactory entityManagerFactory;

    /**
     * Constructor-injected (not a provider method) so that James's lifecycle calls {@link #close()} on a clean stop:
     * created before the stores that use it, it is closed after them.
     */
    @Inject
    JamesDatabase(JamesDatabaseSettings settings) {
        this.settings = settings;
        this.entityManagerFactory = Persistence.createEntityManagerFactory(PERSISTENCE_UNIT, settings.openJpaProperties());
        // OpenJPA connects lazily; connecting here makes a wrong URL or password fail the start-up, not the first mail.
        EntityManager connection = entityManagerFactory.createEntityManager();
        try {
            connection.getTransaction().begin();
            connection.getTransaction().rollback();
        } finally {
            connection.close();
        }
        LOGGER.info("Persistent store: {} ({})", settings.url().replaceAll(";.*", ""), settings.driverClassName());
    }

    EntityManagerFactory entityManagerFactory() {
        return entityManagerFactory;
    }

    @PreDestroy
    public void close() {
        if (entityManagerFactory.isOpen()) {
            entityManagerFactory.close();
        }
        if (settings.isEmbeddedDerby()) {
            shutDownDerby();
        }
    }

    private static void shutDownDerby() {
        try {
            DriverManager.getConnection("jdbc:derby:;shutdown=true").close();
        } catch (SQLException e) {
            // Derby reports a successful system shut-down as SQLState XJ015.
            if (!"XJ015".equals(e.getSQLState())) {
                LOGGER.warn("Derby did not shut down cleanly ({}); it will replay its log at the next start", e.getMessage());
            }
        }
    }
}
