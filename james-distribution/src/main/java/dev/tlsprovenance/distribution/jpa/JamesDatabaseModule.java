package dev.tlsprovenance.distribution.jpa;

import java.io.FileNotFoundException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import javax.inject.Singleton;
import javax.persistence.EntityManagerFactory;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;

/**
 * The one JPA entity manager factory every James store of this server shares, built from
 * {@code conf/james-database.properties} with the keys of James's own JPA server (3.8.1 {@code jpa-app}):
 *
 * <pre>
 * database.driverClassName=org.apache.derby.jdbc.EmbeddedDriver
 * database.url=jdbc:derby:var/store/derby;create=true
 * database.username=app
 * database.password=app
 * vendorAdapter.database=DERBY
 * openjpa.streaming=false
 * # optional: datasource.testOnBorrow, datasource.validationQuery, datasource.validationQueryTimeoutSec,
 * #           datasource.maxTotal, openjpa.* (passed to OpenJPA as they are), datasource.* (connection properties)
 * </pre>
 *
 * The persistence unit ({@code META-INF/persistence.xml} of the distribution jar, unit {@code Global}) lists James's
 * entities and lets OpenJPA create missing tables at start-up, as James's JPA server does. James 3.8.1 does not
 * publish its JPA Guice modules, so this class reads the file itself ({@link JamesDatabaseSettings}).
 */
public final class JamesDatabaseModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(JamesDatabase.class).in(Scopes.SINGLETON);
    }

    @Provides
    @Singleton
    JamesDatabaseSettings settings(PropertiesProvider properties) throws FileNotFoundException, ConfigurationException {
        Configuration file = properties.getConfiguration(JamesDatabaseSettings.FILE_NAME);
        Map<String, String> values = new HashMap<>();
        for (Iterator<String> keys = file.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            values.put(key, file.getString(key));
        }
        return JamesDatabaseSettings.from(values);
    }

    @Provides
    @Singleton
    EntityManagerFactory entityManagerFactory(JamesDatabase database) {
        return database.entityManagerFactory();
    }
}
