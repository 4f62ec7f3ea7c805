package dev.tlsprovenance.provenance;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proof that an inbound record was written by this deployment's SMTP hook: an HMAC-SHA256 over the record's
 * fields under a secret only this deployment's servers hold. Anything else that can put a record on a mail (another
 * mailet, a message injected into a queue) cannot compute it, so a record whose seal does not verify is no record.
 *
 * <p>The seal travels as one more field of the record's string map, {@value #FIELD}, written
 * {@code v1:<key-id>:<base64url MAC>}. The MAC input is unambiguous whatever the values contain: a domain tag and
 * the version, the key id, the number of fields, then every other field of the map sorted by name, each name and
 * value as a 4-byte big-endian length followed by its UTF-8 bytes. Every field is covered, also ones this version
 * does not know, and the map's order does not matter (James's JSON round trip may reorder it).
 *
 * <p>Several keys can be held for rotation: the first seals, all of them verify (the key id says which applies).
 * Pure Java, immutable, thread-safe: each key holds one {@link Mac} initialised at construction, never used itself,
 * and every seal or verification works on a clone of it. Looking a Mac up and initialising it per call was about half
 * of the seal's cost in the packaged server's profile (provider search, key check); a clone copies the keyed state.
 */
public final class RecordSeal {
    /** The record field that carries the seal. */
    public static final String FIELD = "seal";
    /** Shorter keys are refused: HMAC-SHA256's security needs a key of at least its output size. */
    public static final int MINIMUM_SECRET_BYTES = 32;
    static final String VERSION = "v1";
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] DOMAIN_TAG = "dev.tlsprovenance.inbound-record-seal".getBytes(StandardCharsets.US_ASCII);

    private final List<Key> keys;

    private RecordSeal(List<Key> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a record seal needs at least one key");
        }
        this.keys = List.copyOf(keys);
    }

    /** @param secrets the current secret first, then older ones still accepted; each at least 32 bytes */
    public static RecordSeal of(List<byte[]> secrets) {
        List<Key> keys = new ArrayList<>();
        for (byte[] secret : secrets) {
            keys.add(new Key(secret));
        }
        return new RecordSeal(keys);
    }

    public static RecordSeal of(byte[] secret) {
        return of(List.of(secret));
    }

    /** The id of the key that seals, e.g. {@code 3f9a1c2e4b5d6f70}: shown in logs and docs, never the secret. */
    public String currentKeyId() {
        return keys.get(0).id;
    }

    public List<String> keyIds() {
        List<String> ids = new ArrayList<>();
        keys.forEach(key -> ids.add(key.id));
        return List.copyOf(ids);
    }

    /** The fields with {@value #FIELD} added (replacing any there was), in their order. */
    public Map<String, String> seal(Map<String, String> fields) {
        Map<String, String> sealed = new LinkedHashMap<>(fields);
        sealed.remove(FIELD);
        Key key = keys.get(0);
        sealed.put(FIELD, VERSION + ":" + key.id + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(key, sealed)));
        return sealed;
    }

    /** Checks the {@value #FIELD} field of a sealed map against all its other fields. */
    public Verdict verify(Map<String, String> sealedFields) {
        String seal = sealedFields.get(FIELD);
        if (seal == null) {
            return Verdict.rejected("the record has no seal");
        }
        String[] parts = seal.split(":", -1);
        if (parts.length != 3 || !VERSION.equals(parts[0])) {
            return Verdict.rejected("the seal is not of the form " + VERSION + ":<key-id>:<mac>");
        }
        Optional<Key> key = keys.stream().filter(candidate -> candidate.id.equals(parts[1])).findFirst();
        if (key.isEmpty()) {
            return Verdict.rejected("the seal names key " + parts[1] + ", which this server does not hold (a record from another deployment?)");
        }
        byte[] claimed;
        try {
            claimed = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return Verdict.rejected("the seal's MAC is not base64url");
        }
        if (!MessageDigest.isEqual(claimed, mac(key.get(), sealedFields))) {
            return Verdict.rejected("the seal does not match the record's fields (altered, or sealed with another secret)");
        }
        return Verdict.VALID;
    }

    /** The canonical MAC input; package-visible so tests can show that distinct maps never share it. */
    static byte[] canonicalInput(String keyId, Map<String, String> fields) {
        String[] names = fields.keySet().stream().filter(name -> !FIELD.equals(name)).toArray(String[]::new);
        Arrays.sort(names);
        List<byte[]> parts = new ArrayList<>(3 + 2 * names.length);
        parts.add(DOMAIN_TAG);
        parts.add(VERSION.getBytes(StandardCharsets.US_ASCII));
        parts.add(keyId.getBytes(StandardCharsets.US_ASCII));
        int size = 4;
        for (String name : names) {
            parts.add(name.getBytes(StandardCharsets.UTF_8));
            parts.add(Objects.requireNonNull(fields.get(name), name).getBytes(StandardCharsets.UTF_8));
        }
        for (byte[] part : parts) {
            size += 4 + part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(names.length);
        for (byte[] part : parts) {
            out.putInt(part.length).put(part);
        }
        return out.array();
    }

    private static byte[] mac(Key key, Map<String, String> fields) {
        return key.newMac().doFinal(canonicalInput(key.id, fields));
    }

    /** Whether a seal verified, and if not, why, in words for the log. */
    public static final class Verdict {
        static final Verdict VALID = new Verdict(true, "");

        private final boolean valid;
        private final String reason;

        private Verdict(boolean valid, String reason) {
            this.valid = valid;
            this.reason = reason;
        }

        static Verdict rejected(String reason) {
            return new Verdict(false, reason);
        }

        public boolean valid() {
            return valid;
        }

        /** Empty when valid. */
        public String reason() {
            return reason;
        }

        @Override
        public String toString() {
            return valid ? "valid" : "rejected: " + reason;
        }
    }

    private static final class Key {
        final String id;
        /** Initialised with the secret and never updated: only cloned, which reads it (see the class comment). */
        private final Mac keyed;

        Key(byte[] secret) {
            if (secret.length < MINIMUM_SECRET_BYTES) {
                throw new IllegalArgumentException("a record key must have at least " + MINIMUM_SECRET_BYTES
                    + " bytes, this one has " + secret.length);
            }
            this.id = keyId(secret);
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(new SecretKeySpec(secret.clone(), ALGORITHM));
                this.keyed = mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(ALGORITHM + " is part of every Java platform", e);
            }
        }

        /** A Mac keyed with this secret, for one computation. */
        Mac newMac() {
            try {
                return (Mac) keyed.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("the JDK's " + ALGORITHM + " (" + keyed.getProvider() + ") cannot be cloned", e);
            }
        }

        /** Derived from the secret, so a key file holds nothing but secrets and two nodes agree on the id. */
        private static String keyId(byte[] secret) {
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                digest.update(DOMAIN_TAG);
                digest.update((byte) 0);
                byte[] hash = digest.digest(secret);
                return Fingerprints.hex(Arrays.copyOf(hash, 8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 is part of every Java platform", e);
            }
        }
    }
}
