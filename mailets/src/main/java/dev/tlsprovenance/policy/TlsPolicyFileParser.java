package dev.tlsprovenance.policy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the Postfix-like policy file: one row per namespace, {@code key=value} settings, {@code #}
 * comments, a line starting with white space continues the row above. See {@code conf/tls-policy.conf}.
 */
final class TlsPolicyFileParser {
    private static final List<String> KEYS = List.of(
            "inbound", "require-tls-from-senders", "cleartext-reply", "client-ca", "client-crl", "client-names", "client-pins",
            "outbound", "match", "pins", "ca", "crl", "min-protocol", "client-cert", "client-cert-password", "route");
    private static final String PEM_CRL_HEADER = "-----BEGIN X509 CRL-----";
    private static final List<String> PROTOCOLS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private final String sourceName;
    private final PolicyPathResolver paths;
    /** A bundle referenced by many rows is read once per parse. */
    private final Map<Path, String> checkedFiles = new HashMap<>();

    TlsPolicyFileParser(String sourceName, PolicyPathResolver paths) {
        this.sourceName = sourceName;
        this.paths = paths;
    }

    List<NamespacePolicy> parse(Reader reader) throws PolicyFileException {
        List<NamespacePolicy> policies = new ArrayList<>();
        Map<String, Integer> namespaceLines = new HashMap<>();
        for (Row row : readRows(reader)) {
            NamespacePolicy policy = toPolicy(row);
            Integer firstLine = namespaceLines.putIfAbsent(policy.namespace(), row.line);
            if (firstLine != null) {
                throw error(row.line, "duplicate namespace '" + row.namespace + "' (already defined at line " + firstLine + ")");
            }
            policies.add(policy);
        }
        return policies;
    }

    private List<Row> readRows(Reader reader) throws PolicyFileException {
        List<Row> rows = new ArrayList<>();
        BufferedReader lines = new BufferedReader(reader);
        int lineNumber = 0;
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNumber++;
                List<String> tokens = tokens(line);
                if (tokens.isEmpty()) {
                    continue;
                }
                boolean continuation = Character.isWhitespace(line.charAt(0));
                if (continuation) {
                    if (rows.isEmpty()) {
                        throw error(lineNumber, "indented line continues no row (a row starts with its namespace in column 1)");
                    }
                    rows.get(rows.size() - 1).addSettings(tokens, lineNumber, this);
                } else {
                    Row row = new Row(tokens.get(0), lineNumber);
                    row.addSettings(tokens.subList(1, tokens.size()), lineNumber, this);
                    rows.add(row);
                }
            }
        } catch (IOException e) {
            throw new PolicyFileException(sourceName, lineNumber, "cannot read: " + e.getMessage(), e);
        }
        for (Row row : rows) {
            if (row.values.isEmpty()) {
                // Also what a file cut in the middle of a row's first line looks like: never read it as a default row.
                throw error(row.line, "namespace '" + row.namespace + "' has no key=value settings (a row needs at least"
                        + " one, e.g. inbound=none; was the file cut short?)");
            }
        }
        return rows;
    }

    private static List<String> tokens(String line) {
        List<String> tokens = new ArrayList<>();
        for (String token : line.trim().split("\\s+")) {
            if (token.startsWith("#")) {
                break;
            }
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    private NamespacePolicy toPolicy(Row row) throws PolicyFileException {
        NamespacePolicy.Builder policy = NamespacePolicy.builder(namespace(row), sourceName + ":" + row.line);

        InboundRule inbound = InboundRule.NONE;
        if (row.has("inbound")) {
            inbound = parseWith(row, "inbound", InboundRule::parse);
        }
        policy.inbound(inbound);
        boolean fromSenders = inbound.requiresTls();
        if (row.has("require-tls-from-senders")) {
            fromSenders = yesNo(row, "require-tls-from-senders");
            policy.requireTlsFromSenders(fromSenders);
        }
        if (row.has("cleartext-reply")) {
            if (!inbound.requiresTls() && !fromSenders) {
                throw error(row.lineOf("cleartext-reply"), "cleartext-reply= only applies to a row that refuses cleartext"
                        + " (inbound=require, inbound=require-verified-client-cert or require-tls-from-senders=yes)");
            }
            policy.cleartextReply(parseWith(row, "cleartext-reply", CleartextReply::parse));
        }
        for (String key : List.of("client-ca", "client-crl", "client-names", "client-pins")) {
            if (row.has(key) && !inbound.requiresClientCertificate()) {
                throw error(row.lineOf(key), key + "= only applies to inbound=require-verified-client-cert");
            }
        }
        if (inbound.requiresClientCertificate()) {
            policy.clientCertificate(ClientCertificateConstraints.of(
                    optionalPemBundle(row, "client-ca"), names(row, "client-names"), pins(row, "client-pins"),
                    optionalCrlFile(row, "client-crl")));
        }
        policy.outbound(outbound(row));
        return policy.build();
    }

    private String namespace(Row row) throws PolicyFileException {
        String written = row.namespace;
        if (written.equals("*") || written.equalsIgnoreCase("default")) {
            return NamespacePolicy.DEFAULT_NAMESPACE;
        }
        boolean suffix = written.startsWith(".") || written.startsWith("*.");
        String domain = written.startsWith("*.") ? written.substring(2) : suffix ? written.substring(1) : written;
        Optional<String> canonical = domain.contains("*") || domain.contains("@")
                ? Optional.empty() : DomainNames.strictCanonical(domain);
        if (canonical.isEmpty()) {
            throw error(row.line, "invalid namespace '" + written
                    + "' (expected a domain, .parent.domain, *.parent.domain, * or default)");
        }
        return suffix ? "." + canonical.get() : canonical.get();
    }

    private OutboundPolicy outbound(Row row) throws PolicyFileException {
        OutboundPolicy.Builder outbound = OutboundPolicy.builder();
        OutboundLevel level = OutboundLevel.MAY;
        if (row.has("outbound")) {
            level = parseWith(row, "outbound", OutboundLevel::parse);
        }
        outbound.level(level);
        if (row.has("match")) {
            if (level != OutboundLevel.VERIFY && level != OutboundLevel.SECURE) {
                throw error(row.lineOf("match"), "match= only applies to outbound=verify or outbound=secure (level is '"
                        + level.token() + "'" + (level == OutboundLevel.FINGERPRINT ? "; pin with pins=" : "") + ")");
            }
            outbound.matchNames(names(row, "match"));
        }
        if (level == OutboundLevel.FINGERPRINT && !row.has("pins")) {
            throw error(row.lineOf("outbound"), "outbound=fingerprint needs pins=<sha256>[,<sha256>...]");
        }
        if (row.has("pins")) {
            if (level != OutboundLevel.FINGERPRINT) {
                throw error(row.lineOf("pins"), "pins= only applies to outbound=fingerprint (level is '" + level.token() + "')");
            }
            outbound.pinsSha256(pins(row, "pins"));
        }
        if (row.has("ca")) {
            if (level != OutboundLevel.VERIFY && level != OutboundLevel.SECURE) {
                throw error(row.lineOf("ca"), "ca= only applies to outbound=verify or outbound=secure (level is '"
                        + level.token() + "')");
            }
            outbound.trustAnchors(optionalPemBundle(row, "ca").orElseThrow());
        }
        if (row.has("crl")) {
            if (level != OutboundLevel.VERIFY && level != OutboundLevel.SECURE) {
                throw error(row.lineOf("crl"), "crl= only applies to outbound=verify or outbound=secure (level is '"
                        + level.token() + "')");
            }
            outbound.revocationLists(optionalCrlFile(row, "crl").orElseThrow());
        }
        if (row.has("min-protocol")) {
            String written = row.value("min-protocol");
            String protocol = PROTOCOLS.stream().filter(p -> p.equalsIgnoreCase(written)).findFirst()
                    .orElseThrow(() -> error(row.lineOf("min-protocol"), "unknown min-protocol '" + written
                            + "' (expected one of " + String.join(", ", PROTOCOLS) + ")"));
            outbound.minProtocol(protocol);
        }
        if (row.has("client-cert-password") && !row.has("client-cert")) {
            throw error(row.lineOf("client-cert-password"), "client-cert-password= without client-cert=");
        }
        if (row.has("client-cert")) {
            String password = row.has("client-cert-password") ? row.value("client-cert-password") : "";
            Path keyStore = existingFile(row, "client-cert");
            checkPkcs12(row, keyStore, password);
            outbound.clientIdentity(ClientIdentity.of(keyStore, password));
        }
        if (row.has("route")) {
            List<Smarthost> routes = new ArrayList<>();
            for (String hop : list(row, "route")) {
                routes.add(parseWith(row, "route", hop, Smarthost::parse));
            }
            outbound.routes(routes);
        }
        return outbound.build();
    }

    private boolean yesNo(Row row, String key) throws PolicyFileException {
        String value = row.value(key).toLowerCase(Locale.ROOT);
        if (Set.of("yes", "true").contains(value)) {
            return true;
        }
        if (Set.of("no", "false").contains(value)) {
            return false;
        }
        throw error(row.lineOf(key), key + " must be yes or no, not '" + row.value(key) + "'");
    }

    private List<String> names(Row row, String key) throws PolicyFileException {
        List<String> names = new ArrayList<>();
        if (!row.has(key)) {
            return names;
        }
        for (String name : list(row, key)) {
            boolean wildcard = name.startsWith("*.");
            Optional<String> canonical = DomainNames.strictCanonical(wildcard ? name.substring(2) : name);
            if (canonical.isEmpty()) {
                throw error(row.lineOf(key), key + ": invalid name '" + name + "' (expected host.domain or *.domain)");
            }
            names.add(wildcard ? "*." + canonical.get() : canonical.get());
        }
        return names;
    }

    private List<String> pins(Row row, String key) throws PolicyFileException {
        List<String> pins = new ArrayList<>();
        if (!row.has(key)) {
            return pins;
        }
        for (String pin : list(row, key)) {
            pins.add(Sha256Pins.canonical(pin).orElseThrow(() -> error(row.lineOf(key), key + ": '" + pin
                    + "' is not a SHA-256 fingerprint (64 hex characters, colons allowed)")));
        }
        return pins;
    }

    private List<String> list(Row row, String key) throws PolicyFileException {
        List<String> items = new ArrayList<>();
        for (String item : row.value(key).split(",", -1)) {
            if (item.isEmpty()) {
                throw error(row.lineOf(key), key + ": empty item in '" + row.value(key) + "'");
            }
            items.add(item);
        }
        return items;
    }

    private Optional<Path> optionalPemBundle(Row row, String key) throws PolicyFileException {
        if (!row.has(key)) {
            return Optional.empty();
        }
        Path bundle = existingFile(row, key);
        String problem = checkedFiles.computeIfAbsent(bundle, TlsPolicyFileParser::pemBundleProblem);
        if (!problem.isEmpty()) {
            throw error(row.lineOf(key), key + " file '" + bundle + "' " + problem);
        }
        return Optional.of(bundle);
    }

    private Optional<Path> optionalCrlFile(Row row, String key) throws PolicyFileException {
        if (!row.has(key)) {
            return Optional.empty();
        }
        Path file = existingFile(row, key);
        String problem = checkedFiles.computeIfAbsent(file, TlsPolicyFileParser::crlFileProblem);
        if (!problem.isEmpty()) {
            throw error(row.lineOf(key), key + " file '" + file + "' " + problem);
        }
        return Optional.of(file);
    }

    private static String crlFileProblem(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            if (CertificateFactory.getInstance("X.509").generateCRLs(in).isEmpty()) {
                return "holds no PEM X.509 CRL";
            }
            return "";
        } catch (IOException | GeneralSecurityException e) {
            return "is not a PEM X.509 CRL file: " + e.getMessage();
        }
    }

    private static String pemBundleProblem(Path bundle) {
        try (InputStream in = Files.newInputStream(bundle)) {
            // One place for revocation lists: a CRL hidden in a CA bundle would look like checking that never happens.
            if (new String(Files.readAllBytes(bundle), StandardCharsets.ISO_8859_1).contains(PEM_CRL_HEADER)) {
                return "holds a CRL (" + PEM_CRL_HEADER + "); CA bundles hold certificates only, CRLs go in their own"
                        + " file named by crl= (outbound) or client-crl= (inbound)";
            }
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                return "holds no PEM certificate";
            }
            return "";
        } catch (IOException | GeneralSecurityException e) {
            return "is not a PEM certificate bundle: " + e.getMessage();
        }
    }

    private void checkPkcs12(Row row, Path keyStore, String password) throws PolicyFileException {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            boolean hasKey = false;
            for (String alias : java.util.Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw error(row.lineOf("client-cert"), "client-cert file '" + keyStore + "' holds no private key");
            }
        } catch (IOException | GeneralSecurityException e) {
            throw error(row.lineOf("client-cert"), "client-cert file '" + keyStore
                    + "' cannot be opened as PKCS#12 with client-cert-password: " + e.getMessage());
        }
    }

    private Path existingFile(Row row, String key) throws PolicyFileException {
        Path file = paths.resolve(row.value(key));
        if (!Files.isRegularFile(file)) {
            throw error(row.lineOf(key), key + " file '" + file + "' does not exist");
        }
        if (!Files.isReadable(file)) {
            throw error(row.lineOf(key), key + " file '" + file + "' is not readable");
        }
        return file;
    }

    private <T> T parseWith(Row row, String key, Parser<T> parser) throws PolicyFileException {
        return parseWith(row, key, row.value(key), parser);
    }

    private <T> T parseWith(Row row, String key, String value, Parser<T> parser) throws PolicyFileException {
        try {
            return parser.parse(value);
        } catch (IllegalArgumentException e) {
            throw error(row.lineOf(key), e.getMessage());
        }
    }

    private PolicyFileException error(int line, String problem) {
        return new PolicyFileException(sourceName, line, problem);
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(String text);
    }

    /** One namespace row, possibly spread over continuation lines; remembers the line of every key. */
    private static final class Row {
        private final String namespace;
        private final int line;
        private final Map<String, String> values = new LinkedHashMap<>();
        private final Map<String, Integer> lines = new HashMap<>();

        Row(String namespace, int line) {
            this.namespace = namespace;
            this.line = line;
        }

        void addSettings(List<String> tokens, int lineNumber, TlsPolicyFileParser parser) throws PolicyFileException {
            for (String token : tokens) {
                int equals = token.indexOf('=');
                if (equals <= 0) {
                    throw parser.error(lineNumber, "expected key=value but got '" + token + "'");
                }
                String key = token.substring(0, equals).toLowerCase(Locale.ROOT);
                String value = token.substring(equals + 1);
                if (!KEYS.contains(key)) {
                    throw parser.error(lineNumber, "unknown key '" + key + "' (expected one of " + String.join(", ", KEYS) + ")");
                }
                if (value.isEmpty()) {
                    throw parser.error(lineNumber, "key '" + key + "' has an empty value");
                }
                if (values.containsKey(key)) {
                    throw parser.error(lineNumber, "key '" + key + "' given twice for namespace '" + namespace
                            + "' (first at line " + lines.get(key) + ")");
                }
                values.put(key, value);
                lines.put(key, lineNumber);
            }
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        String value(String key) {
            return values.get(key);
        }

        int lineOf(String key) {
            return lines.getOrDefault(key, line);
        }
    }
}
