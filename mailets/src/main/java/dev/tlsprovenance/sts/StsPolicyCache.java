package dev.tlsprovenance.sts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * MTA-STS policies by domain, in memory and on disk ({@code <directory>/<domain>.json}, one file per domain), so
 * that a restart keeps every policy until it expires (RFC 8461 section 5.1: a sender keeps a policy for its
 * {@code max_age}). A file holds {@code domain}, {@code id}, {@code fetched}, {@code expires} (ISO-8601 instants)
 * and {@code policy} (the policy text, read again with {@link StsPolicyParser} on start: one parser).
 *
 * <p>Files are written to a temporary file in the same directory and moved over the old one atomically, so a
 * crash leaves the old policy or the new one, never half of either. All files are read at construction; a file
 * that cannot be read (not JSON, a field missing, a policy that does not parse, a name that is not its domain's)
 * is skipped with one WARN naming it and left in place until a new policy for that domain replaces it. An expired
 * policy is dropped (memory and file) when it is next asked for. Thread-safe.
 *
 * <p>{@link #readOnly} is the same cache for a reader that is not the server ({@code tls-provenance check-peer}): it
 * loads the files as the server would and never creates, writes or deletes one; what it is given is kept in memory.
 */
public final class StsPolicyCache {
    private static final Logger LOGGER = LoggerFactory.getLogger(StsPolicyCache.class);
    private static final String SUFFIX = ".json";

    private final Path directory;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, CachedStsPolicy> entries = new ConcurrentHashMap<>();
    private final boolean writable;

    /**
     * @param directory where the files live (created when missing), e.g. {@code var/mta-sts}
     * @throws IllegalArgumentException when the directory cannot be created or listed
     */
    public StsPolicyCache(Path directory, Clock clock) {
        this(directory, clock, true);
    }

    private StsPolicyCache(Path directory, Clock clock, boolean writable) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.writable = writable;
        if (writable) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new IllegalArgumentException("MTA-STS cache directory " + directory + " cannot be created: " + e, e);
            }
        }
        if (writable || Files.isDirectory(directory)) {
            load();
        }
    }

    /**
     * The policies in {@code directory} as the server would read them, for a reader that must leave the server's
     * files alone: a missing directory is an empty cache, nothing is ever written or deleted, and {@link #put} keeps
     * the policy in memory only.
     *
     * @throws IllegalArgumentException when the directory exists but cannot be listed
     */
    public static StsPolicyCache readOnly(Path directory, Clock clock) {
        return new StsPolicyCache(directory, clock, false);
    }

    /** False for {@link #readOnly}: the files are the server's. */
    public boolean writable() {
        return writable;
    }

    public Path directory() {
        return directory;
    }

    /** The unexpired policy of {@code domain}; an expired one is removed and not returned. */
    public Optional<CachedStsPolicy> get(String domain) {
        String key = MxPattern.canonical(domain);
        CachedStsPolicy entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.isExpired(clock.instant())) {
            if (entries.remove(key, entry) && writable) {
                delete(key);
            }
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    /**
     * Keeps {@code policy}, fetched now under TXT {@code id}, until now + {@code max_age}; written through to disk
     * (a write failure is logged and the policy kept in memory).
     */
    public CachedStsPolicy put(String domain, String id, StsPolicy policy) {
        String key = MxPattern.canonical(domain);
        if (MxPattern.domainProblem(key).isPresent()) {
            throw new IllegalArgumentException("not a domain: " + domain);
        }
        Instant now = clock.instant();
        CachedStsPolicy entry = new CachedStsPolicy(key, id, policy, now, now.plus(policy.maxAge()));
        entries.put(key, entry);
        if (writable) {
            write(entry);
        }
        return entry;
    }

    /** How many policies are held (expired ones not yet asked for included). */
    public int size() {
        return entries.size();
    }

    private void load() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                read(file).ifPresent(entry -> entries.put(entry.domain(), entry));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("MTA-STS cache directory " + directory + " cannot be read: " + e, e);
        }
    }

    private Optional<CachedStsPolicy> read(Path file) {
        String name = file.getFileName().toString();
        String domain = name.substring(0, name.length() - SUFFIX.length());
        try {
            if (MxPattern.domainProblem(domain).isPresent() || !MxPattern.canonical(domain).equals(domain)) {
                throw new IllegalArgumentException("the file name is not a lower-case domain");
            }
            JsonNode node = json.readTree(Files.readAllBytes(file));
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            String recorded = text(node, "domain");
            if (!recorded.equals(domain)) {
                throw new IllegalArgumentException("holds domain '" + recorded + "', not '" + domain + "'");
            }
            StsPolicy policy = StsPolicyParser.parse(text(node, "policy"));
            return Optional.of(new CachedStsPolicy(domain, text(node, "id"), policy,
                    Instant.parse(text(node, "fetched")), Instant.parse(text(node, "expires"))));
        } catch (JsonProcessingException e) {
            LOGGER.warn("Ignoring MTA-STS cache file {}: not JSON: {}", file, e.getOriginalMessage());
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
            LOGGER.warn("Ignoring MTA-STS cache file {}: {}", file, e.getMessage());
        } catch (StsSyntaxException e) {
            LOGGER.warn("Ignoring MTA-STS cache file {}: its policy does not parse: {}", file, e.getMessage());
        }
        return Optional.empty();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' missing or not a string");
        }
        return value.asText();
    }

    private void write(CachedStsPolicy entry) {
        ObjectNode node = json.createObjectNode();
        node.put("domain", entry.domain());
        node.put("id", entry.id());
        node.put("fetched", entry.fetched().toString());
        node.put("expires", entry.expires().toString());
        node.put("policy", entry.policy().text());
        Path target = directory.resolve(entry.domain() + SUFFIX);
        Path temp = null;
        try {
            temp = Files.createTempFile(directory, "." + entry.domain() + "-", ".tmp");
            Files.write(temp, json.writerWithDefaultPrettyPrinter().writeValueAsString(node)
                    .getBytes(StandardCharsets.UTF_8));
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOGGER.warn("MTA-STS policy of {} kept in memory only: cannot write {}: {}", entry.domain(), target,
                    e.toString());
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the temporary file is named for its domain and replaced or removed by the next write
                }
            }
        }
    }

    private void delete(String domain) {
        try {
            Files.deleteIfExists(directory.resolve(domain + SUFFIX));
        } catch (IOException e) {
            LOGGER.warn("Cannot remove expired MTA-STS cache file {}: {}", directory.resolve(domain + SUFFIX),
                    e.toString());
        }
    }
}
