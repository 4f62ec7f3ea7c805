package dev.tlsprovenance.mail;

import java.io.FileNotFoundException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableMap;

import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.MalformedProvenanceException;
import dev.tlsprovenance.provenance.RecordKeyException;
import dev.tlsprovenance.provenance.RecordKeyFile;
import dev.tlsprovenance.provenance.RecordSeal;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

/**
 * The only way in and out of the inbound record attribute ({@code dev.tlsprovenance.inbound}): the SMTP hook
 * {@link #record}s it sealed under this deployment's key, and every reader (the header mailet, the enforcement
 * mailet, the matchers) {@link #read}s it back, believing it only when the seal verifies.
 *
 * <p>A record that does not verify (no seal, a wrong one, another deployment's, altered fields, not even a map)
 * was put there by something other than our SMTP hook: it is logged at WARN and replaced, on the mail, by the
 * attribute {@value #REJECTED_NAME} holding the reason, so that the readers after the first treat the mail alike
 * (no TLS, stamped {@code transport=unknown}) without a WARN each. James 3.9's protocol/cipher attributes, which the
 * hook sets with the record, go too.
 *
 * <p>One instance per server, bound by {@code TlsProvenanceModule}; on a James without that module Guice builds the
 * same singleton on demand, so the recording hook never writes an unsealed record. The key is read from
 * {@value #DEFAULT_KEY_FILE} (a James file URL, under the working directory), generated there at the first start;
 * the system property {@value #KEY_FILE_PROPERTY} names a shared key file instead, which must exist (see
 * {@link RecordKeyFile} and {@code docs/inbound-tls-policy.md}).
 */
@Singleton
public final class InboundRecords {
    public static final String KEY_FILE_PROPERTY = "tls.provenance.record.keyFile";
    public static final String DEFAULT_KEY_FILE = "file://var/tls-provenance/record-key";
    public static final String REJECTED_NAME = "dev.tlsprovenance.inbound.rejected";
    /** Why the mail's inbound record was not believed (string); set by {@link #read}. */
    public static final AttributeName REJECTED = AttributeName.of(REJECTED_NAME);
    private static final Logger LOGGER = LoggerFactory.getLogger(InboundRecords.class);
    private static final int LOGGED_CHARACTERS = 600;
    /** Bound of {@link #verified}; a full memo is emptied (records of mails still in flight are verified again). */
    private static final int MEMO_ENTRIES = 1024;

    private final RecordSeal seal;
    private final Clock clock;
    /**
     * Records whose seal verified, by their exact fields: a mail's record is read by several mailets in a row (the
     * enforcement and header mailets, matchers, the inbound ledger), and each read was an HMAC and a parse of every
     * field (about 10% of the spool's time in the into-mailbox benchmark). Only an identical field map is answered
     * from here, so an altered record is verified (and refused) like any other.
     */
    private final Map<Map<String, String>, InboundRecord> verified = new ConcurrentHashMap<>();
    /**
     * The last record each thread found trusted, by the very attribute value it was read from: the readers after the
     * first (matchers, the enforcement mailet) are answered without converting and hashing the field map again
     * (about 5% of the spool's samples). Only values whose map cannot change are kept (the Guava ImmutableMap James's
     * queue deserialises them into), so an identical object is an identical record.
     */
    private final ThreadLocal<LastTrusted> lastTrusted = new ThreadLocal<>();
    private volatile String localHostName;

    /** Reads (or at the first start generates) the key as the class comment says; a bad key stops James here. */
    @Inject
    public InboundRecords(FileSystem fileSystem) throws RecordKeyException {
        this(configuredSeal(fileSystem));
    }

    public InboundRecords(RecordSeal seal) {
        this(seal, Clock.systemUTC());
    }

    InboundRecords(RecordSeal seal, Clock clock) {
        this.seal = Objects.requireNonNull(seal, "seal");
        this.clock = clock;
    }

    private static RecordSeal configuredSeal(FileSystem fileSystem) throws RecordKeyException {
        String configured = System.getProperty(KEY_FILE_PROPERTY);
        String location = configured != null ? configured.trim() : DEFAULT_KEY_FILE;
        Path file = resolve(fileSystem, location);
        RecordSeal seal = configured != null ? RecordKeyFile.load(file) : RecordKeyFile.loadOrCreate(file);
        LOGGER.info("Inbound TLS records are sealed with key {} from {}{}", seal.currentKeyId(), file,
            seal.keyIds().size() > 1 ? " (older keys still accepted: " + seal.keyIds().subList(1, seal.keyIds().size()) + ")" : "");
        return seal;
    }

    private static Path resolve(FileSystem fileSystem, String location) throws RecordKeyException {
        if (!location.startsWith(FileSystem.FILE_PROTOCOL) && !location.startsWith(FileSystem.CLASSPATH_PROTOCOL)) {
            return Path.of(location);
        }
        try {
            return fileSystem.getFile(location).toPath();
        } catch (FileNotFoundException e) {
            throw new RecordKeyException(Path.of(location), "cannot be resolved through the James file system (" + e.getMessage() + ")");
        }
    }

    /** The id of the key records are sealed with (for logs; never the secret). */
    public String keyId() {
        return seal.currentKeyId();
    }

    /** Puts the sealed record of the hop the mail arrived on. */
    public void record(Mail mail, TlsProvenance hop) {
        ProvenanceAttributes.recordInbound(mail, hop, seal);
    }

    /** What the mail's inbound record is worth; see the class comment for what happens to one that is not. */
    public InboundRecord read(Mail mail) {
        Optional<Attribute> attribute = mail.getAttribute(ProvenanceAttributes.INBOUND);
        if (attribute.isEmpty()) {
            return mail.getAttribute(REJECTED)
                .map(rejected -> InboundRecord.rejected(unknownHop(mail, String.valueOf(rejected.getValue().value()))))
                .orElse(InboundRecord.ABSENT);
        }
        AttributeValue<?> value = attribute.get().getValue();
        LastTrusted last = lastTrusted.get();
        if (last != null && last.value == value) {
            return last.record;
        }
        String reason;
        try {
            Map<String, String> fields = ProvenanceAttributes.fieldsOf(value);
            InboundRecord known = verified.get(fields);
            if (known != null) {
                remember(value, known);
                return known;
            }
            RecordSeal.Verdict verdict = seal.verify(fields);
            if (verdict.valid()) {
                InboundRecord trusted = InboundRecord.trusted(TlsProvenance.fromFields(fields));
                if (verified.size() >= MEMO_ENTRIES) {
                    verified.clear();
                }
                verified.put(Map.copyOf(fields), trusted);
                remember(value, trusted);
                return trusted;
            }
            reason = verdict.reason();
        } catch (MalformedProvenanceException e) {
            reason = "the record is malformed: " + e.getMessage();
        }
        LOGGER.warn("Mail {} carries an inbound TLS record that this server did not seal ({}); treated as no record, "
                + "stamped transport=unknown, never as TLS. Something other than the SMTP hook set {}: {}",
            mail.getName(), reason, ProvenanceAttributes.INBOUND.asString(), forLog(attribute.get().getValue()));
        mail.removeAttribute(ProvenanceAttributes.INBOUND);
        mail.removeAttribute(ProvenanceAttributes.JAMES_SSL_PROTOCOL);
        mail.removeAttribute(ProvenanceAttributes.JAMES_SSL_CIPHER);
        mail.setAttribute(new Attribute(REJECTED, AttributeValue.of(reason)));
        return InboundRecord.rejected(unknownHop(mail, reason));
    }

    private void remember(AttributeValue<?> value, InboundRecord trusted) {
        if (value.value() instanceof ImmutableMap) {
            lastTrusted.set(new LastTrusted(value, trusted));
        }
    }

    /** A trusted record and the attribute value object it was read from. */
    private static final class LastTrusted {
        final AttributeValue<?> value;
        final InboundRecord record;

        LastTrusted(AttributeValue<?> value, InboundRecord record) {
            this.value = value;
            this.record = record;
        }
    }

    /** The forged value for the log line: attacker-controlled text, so on one line, escaped and bounded. */
    private static String forLog(AttributeValue<?> value) {
        String text;
        try {
            text = ProvenanceAttributes.fieldsOf(value).toString();
        } catch (MalformedProvenanceException notAStringMap) {
            text = String.valueOf(value.value());
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), LOGGED_CHARACTERS) + 16);
        int i = 0;
        for (; i < text.length() && out.length() < LOGGED_CHARACTERS; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return i < text.length() ? out.append("...").toString() : out.toString();
    }

    /** What this server can say about a hop whose record it does not believe: nothing but that. */
    private TlsProvenance unknownHop(Mail mail, String reason) {
        return TlsProvenance.builder(Direction.INBOUND)
            .transport(Transport.UNKNOWN)
            .localHost(localHostName())
            .remoteAddress(Optional.ofNullable(mail.getRemoteAddr()).filter(address -> !address.isBlank()).orElse("unknown"))
            .peerVerification(CertificateVerification.notChecked("no inbound TLS record sealed by this server: " + reason))
            .time(clock.instant())
            .build();
    }

    /** Looked up on the first rejected record only: an unusual event, and the lookup may be slow. */
    private String localHostName() {
        String known = localHostName;
        if (known == null) {
            try {
                known = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                known = "localhost";
            }
            localHostName = known;
        }
        return known;
    }
}
