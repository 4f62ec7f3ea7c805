package dev.tlsprovenance.testing.james;

import java.util.Map;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.rrt.lib.Mappings;
import org.apache.james.utils.GuiceProbe;

/**
 * James's own recipient rewrite table, as the running server uses it: mappings are added through James's typed
 * calls (with their validation: managed source domain, no loops, no shadowed users), exactly as WebAdmin's
 * {@code /address/aliases}, {@code /address/forwards}, {@code /address/groups}, {@code /domains/.../aliases} and
 * {@code /mappings} routes add them. James's {@code DataProbeImpl} has no forward or regex call, hence this probe.
 */
public class RecipientRewriteTableProbe implements GuiceProbe {
    private final RecipientRewriteTable table;

    @Inject
    public RecipientRewriteTableProbe(RecipientRewriteTable table) {
        this.table = table;
    }

    public void addAlias(String alias, String user) throws RecipientRewriteTableException {
        table.addAliasMapping(user(alias), user);
    }

    public void addForward(String from, String to) throws RecipientRewriteTableException {
        table.addForwardMapping(user(from), to);
    }

    public void addGroupMember(String group, String member) throws RecipientRewriteTableException {
        table.addGroupMapping(user(group), member);
    }

    /** Every address of {@code aliasDomain} is also an address of {@code domain}. */
    public void addDomainAlias(String aliasDomain, String domain) throws RecipientRewriteTableException {
        table.addDomainAliasMapping(MappingSource.fromDomain(Domain.of(aliasDomain)), Domain.of(domain));
    }

    /** The technical domain rewrite ({@code domain:}). */
    public void addDomainMapping(String fromDomain, String toDomain) throws RecipientRewriteTableException {
        table.addDomainMapping(MappingSource.fromDomain(Domain.of(fromDomain)), Domain.of(toDomain));
    }

    /** {@code regex} as James writes it: {@code <regular expression>:<replacement with ${1}...>}. */
    public void addRegex(String from, String regex) throws RecipientRewriteTableException {
        table.addRegexMapping(user(from), regex);
    }

    public void addAddress(String from, String to) throws RecipientRewriteTableException {
        table.addAddressMapping(user(from), to);
    }

    /** Removes every mapping, so a per-class server starts each test with an empty table. */
    public void removeAll() throws RecipientRewriteTableException {
        for (Map.Entry<MappingSource, Mappings> entry : table.getAllMappings().entrySet()) {
            for (Mapping mapping : (Iterable<Mapping>) entry.getValue().asStream()::iterator) {
                table.removeMapping(entry.getKey(), mapping);
            }
        }
    }

    public RecipientRewriteTable table() {
        return table;
    }

    private static MappingSource user(String address) {
        return MappingSource.fromUser(Username.of(address));
    }
}
