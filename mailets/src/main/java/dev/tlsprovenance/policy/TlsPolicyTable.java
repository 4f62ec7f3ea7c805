package dev.tlsprovenance.policy;

import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLS policy table: namespace rows and the lookup that picks the most specific one for a domain.
 * Exact names beat parent-domain suffixes, a longer suffix beats a shorter one, and the default row
 * (or the built-in default: inbound none, outbound may) catches the rest. A lookup costs one hash probe
 * per label of the queried domain, whatever the size of the table.
 */
public final class TlsPolicyTable {
    private static final TlsPolicyTable EMPTY = new TlsPolicyTable(List.of());

    private final NamespaceIndex index;
    private final NamespacePolicy defaultPolicy;
    private final List<NamespacePolicy> rows;
    private final boolean hasInboundRequirements;
    private final boolean hasRecipientTlsRequirements;
    private final boolean hasClientCertificateRequirements;

    private TlsPolicyTable(List<NamespacePolicy> rows) {
        Map<String, NamespacePolicy> exactRows = new HashMap<>();
        Map<String, NamespacePolicy> suffixRows = new HashMap<>();
        NamespacePolicy defaultRow = NamespacePolicy.builtInDefault();
        boolean defaultSeen = false;
        for (NamespacePolicy row : rows) {
            String namespace = row.namespace();
            NamespacePolicy previous;
            if (row.isDefault()) {
                previous = defaultSeen ? defaultRow : null;
                defaultRow = row;
                defaultSeen = true;
            } else if (namespace.startsWith(".")) {
                previous = suffixRows.putIfAbsent(namespace, row);
            } else {
                previous = exactRows.putIfAbsent(namespace, row);
            }
            if (previous != null) {
                throw new IllegalArgumentException("duplicate namespace '" + namespace + "' at " + row.source()
                        + " (already at " + previous.source() + ")");
            }
        }
        List<NamespacePolicy> indexed = new ArrayList<>(exactRows.values());
        indexed.addAll(suffixRows.values());
        this.index = new NamespaceIndex(indexed);
        this.defaultPolicy = defaultRow;
        this.rows = List.copyOf(rows);
        this.hasInboundRequirements = rows.stream()
                .anyMatch(row -> row.inbound().requiresTls() || row.requireTlsFromSenders());
        this.hasRecipientTlsRequirements = rows.stream().anyMatch(row -> row.inbound().requiresTls());
        this.hasClientCertificateRequirements = rows.stream().anyMatch(row -> row.inbound().requiresClientCertificate());
    }

    /**
     * @param rows namespaces in canonical form (see {@link NamespacePolicy#namespace()})
     * @throws IllegalArgumentException when a namespace appears twice
     */
    public static TlsPolicyTable of(Collection<NamespacePolicy> rows) {
        return new TlsPolicyTable(new ArrayList<>(rows));
    }

    public static TlsPolicyTable empty() {
        return EMPTY;
    }

    /** Parses a policy file; relative paths in it are resolved against the working directory. */
    public static TlsPolicyTable parse(String sourceName, Reader reader) throws PolicyFileException {
        return parse(sourceName, reader, PolicyPathResolver.relativeTo(Path.of("")));
    }

    /**
     * Parses a policy file; any error rejects the whole file.
     *
     * @param sourceName file name used in row sources and error messages ({@code tls-policy.conf})
     */
    public static TlsPolicyTable parse(String sourceName, Reader reader, PolicyPathResolver paths) throws PolicyFileException {
        return new TlsPolicyTable(new TlsPolicyFileParser(sourceName, paths).parse(reader));
    }

    /**
     * The row that governs {@code domain}: case-insensitive, IDN-aware (A-labels), trailing dot ignored.
     * Never null: falls back to {@link #defaultPolicy()}.
     */
    public NamespacePolicy lookup(String domain) {
        NamespacePolicy row = index.find(DomainNames.canonical(domain));
        return row != null ? row : defaultPolicy;
    }

    /** The default row of the file, or the built-in default (inbound none, outbound may). */
    public NamespacePolicy defaultPolicy() {
        return defaultPolicy;
    }

    /** Number of rows written in the file, the default row included. */
    public int size() {
        return rows.size();
    }

    /** The rows in file order. */
    public List<NamespacePolicy> rows() {
        return rows;
    }

    /** Whether any row (default included) demands TLS inbound, so hooks can skip work when none does. */
    public boolean hasInboundRequirements() {
        return hasInboundRequirements;
    }

    /** Whether any row's inbound rule is require or require-verified-client-cert. */
    public boolean hasRecipientTlsRequirements() {
        return hasRecipientTlsRequirements;
    }

    /** Whether any row's inbound rule is require-verified-client-cert. */
    public boolean hasClientCertificateRequirements() {
        return hasClientCertificateRequirements;
    }

    @Override
    public String toString() {
        return "TlsPolicyTable{" + rows.size() + " rows, default " + defaultPolicy.source() + "}";
    }
}
