package dev.tlsprovenance.inbound;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.api.RecipientRewriteTable.ErrorMappingException;
import org.apache.james.rrt.api.RecipientRewriteTableConfiguration;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.rrt.lib.Mappings;

/**
 * Every address James's recipient rewrite table makes of an RCPT address: the final recipients, exactly as James's
 * {@code RecipientRewriteTable} mailet will compute them ({@link RecipientRewriteTable#getResolvedMappings}, the call
 * James's own {@code ValidRcptHandler} makes at RCPT), and the addresses passed on the way (an alias of an alias, a
 * forward that keeps a local copy, each member of a group). James's resolution only returns the last hop, so the
 * hops in between are walked here one stored mapping at a time, as James's tables look them up (the user's own
 * mappings, else its domain's), within the table's mapping limit. Only collects addresses; what they mean for TLS
 * is decided by {@code InboundTlsEnforcer}.
 */
final class RewrittenRecipients {
    private static final int DEFAULT_MAPPING_LIMIT = 10;

    private final RecipientRewriteTable table;

    RewrittenRecipients(RecipientRewriteTable table) {
        this.table = table;
    }

    /**
     * @return the addresses reached from {@code recipient}, without it, in discovery order (final recipients first)
     * @throws RecipientRewriteTableException when the table cannot be read
     */
    List<String> of(MailAddress recipient) throws RecipientRewriteTableException {
        Set<String> reached = new LinkedHashSet<>();
        try {
            Mappings finals = table.getResolvedMappings(recipient.getLocalPart(), recipient.getDomain());
            finals.asStream().map(Mapping::asMailAddress).flatMap(Optional::stream)
                .forEach(address -> reached.add(address.asString()));
        } catch (ErrorMappingException e) {
            // An error mapping (or a loop past the limit): James bounces these; the walk still shows the hops before it.
        }
        RecipientRewriteTableConfiguration configuration = table.getConfiguration();
        boolean recursive = configuration == null || configuration.isRecursive();
        int limit = configuration == null ? DEFAULT_MAPPING_LIMIT : configuration.getMappingLimit();
        walk(Username.fromMailAddress(recipient), recursive ? limit : 1, reached);
        reached.remove(recipient.asString());
        return new ArrayList<>(reached);
    }

    private void walk(Username user, int hopsLeft, Set<String> reached) throws RecipientRewriteTableException {
        if (hopsLeft <= 0 || user.getDomainPart().isEmpty()) {
            return;
        }
        Mappings stored = table.getStoredMappings(MappingSource.fromUser(user));
        if (stored.isEmpty()) {
            stored = table.getStoredMappings(MappingSource.fromDomain(user.getDomainPart().get()));
        }
        for (Mapping mapping : (Iterable<Mapping>) stored.asStream()::iterator) {
            Optional<Username> next = rewrite(mapping, user);
            if (next.isEmpty() || next.get().equals(user)) {
                continue;
            }
            if (reached.add(next.get().asString())) {
                walk(next.get(), hopsLeft - 1, reached);
            }
        }
    }

    private static Optional<Username> rewrite(Mapping mapping, Username user) {
        try {
            return mapping.rewriteUser(user).map(rewritten -> rewritten.withDefaultDomainFromUser(user));
        } catch (AddressException | ErrorMappingException | RuntimeException notAnAddress) {
            return Optional.empty();
        }
    }
}
