package dev.tlsprovenance.distribution.jpa;

import javax.inject.Singleton;

import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.rrt.jpa.JPARecipientRewriteTable;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.rrt.lib.Mappings;

/**
 * James's JPA recipient rewrite table with a {@link ReadCache} on the stored mappings of a source (James asks for
 * the recipient's and its domain's mappings, one query each, for every recipient of every mail). Every add and
 * remove of a mapping empties the whole cache: a domain alias or a group changes the answer for many sources.
 */
@Singleton
public final class CachedJpaRecipientRewriteTable extends JPARecipientRewriteTable {
    private final ReadCache<MappingSource, Mappings> stored = new ReadCache<>();

    @Override
    public Mappings getStoredMappings(MappingSource source) throws RecipientRewriteTableException {
        return stored.get(source, super::getStoredMappings);
    }

    @Override
    public void addMapping(MappingSource source, Mapping mapping) throws RecipientRewriteTableException {
        stored.invalidateAll();
        try {
            super.addMapping(source, mapping);
        } finally {
            stored.invalidateAll();
        }
    }

    @Override
    public void removeMapping(MappingSource source, Mapping mapping) throws RecipientRewriteTableException {
        stored.invalidateAll();
        try {
            super.removeMapping(source, mapping);
        } finally {
            stored.invalidateAll();
        }
    }
}
