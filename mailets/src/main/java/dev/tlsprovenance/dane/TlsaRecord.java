package dev.tlsprovenance.dane;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * One TLSA record (RFC 6698 section 2.1): certificate usage, selector, matching type and certificate association
 * data, exactly as published. Values this server does not use are kept, so the record can be reported as published
 * (an RFC 8460 {@code policy-string} is the records in presentation form), and {@link #usability()} says why such a
 * record is skipped; nothing here throws on a record that arrived from DNS.
 * <p>
 * What is usable for SMTP (RFC 7672 section 3.1): usages DANE-TA(2) and DANE-EE(3), selectors Cert(0) and SPKI(1),
 * matching types Full(0), SHA2-256(1) and SHA2-512(2). A digest whose length is not the digest's (32 or 64 octets)
 * and an empty association data are malformed and unusable, as Postfix treats them: such a record could never match,
 * and counting it as usable would turn a publishing error into a hard failure instead of RFC 7672 section 2.2's
 * "mandatory TLS, unauthenticated".
 */
public final class TlsaRecord {
    public static final int PKIX_TA = 0;
    public static final int PKIX_EE = 1;
    public static final int DANE_TA = 2;
    public static final int DANE_EE = 3;
    public static final int SELECTOR_CERT = 0;
    public static final int SELECTOR_SPKI = 1;
    public static final int MATCHING_FULL = 0;
    public static final int MATCHING_SHA256 = 1;
    public static final int MATCHING_SHA512 = 2;

    /** Why a record is or is not used; the words go into logs and the ledger. */
    public enum Usability {
        USABLE("usable"),
        PKIX_USAGE("PKIX usage, unusable for SMTP (RFC 7672 3.1.3)"),
        UNKNOWN_USAGE("unknown certificate usage"),
        UNKNOWN_SELECTOR("unknown selector"),
        UNKNOWN_MATCHING_TYPE("unknown matching type"),
        EMPTY_DATA("empty certificate association data"),
        WRONG_DIGEST_LENGTH("digest length does not match the matching type");

        private final String description;

        Usability(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final int usage;
    private final int selector;
    private final int matchingType;
    private final byte[] associationData;

    private TlsaRecord(int usage, int selector, int matchingType, byte[] associationData) {
        this.usage = usage;
        this.selector = selector;
        this.matchingType = matchingType;
        this.associationData = associationData.clone();
    }

    /** @throws IllegalArgumentException when a field is outside 0..255 (a value no DNS answer can carry) */
    public static TlsaRecord of(int usage, int selector, int matchingType, byte[] associationData) {
        checkOctet("usage", usage);
        checkOctet("selector", selector);
        checkOctet("matching type", matchingType);
        return new TlsaRecord(usage, selector, matchingType, associationData);
    }

    /**
     * From the presentation form {@code 3 1 1 0123ab...} (RFC 6698 section 2.2; the hex may be split by white space,
     * as zone files do). Empty when the text is not a TLSA record at all (too few fields, a field above 255, odd or
     * non-hex data).
     */
    public static Optional<TlsaRecord> fromPresentation(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String[] fields = text.trim().split("\\s+");
        if (fields.length < 4) {
            return Optional.empty();
        }
        int[] numbers = new int[3];
        for (int i = 0; i < 3; i++) {
            if (!fields[i].matches("\\d{1,3}")) {
                return Optional.empty();
            }
            numbers[i] = Integer.parseInt(fields[i]);
            if (numbers[i] > 255) {
                return Optional.empty();
            }
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 3; i < fields.length; i++) {
            hex.append(fields[i]);
        }
        return hexBytes(hex.toString()).map(data -> new TlsaRecord(numbers[0], numbers[1], numbers[2], data));
    }

    /** From the record's wire RDATA (three octets, then the data). Empty when shorter than three octets. */
    public static Optional<TlsaRecord> fromWire(byte[] rdata) {
        if (rdata == null || rdata.length < 3) {
            return Optional.empty();
        }
        return Optional.of(new TlsaRecord(rdata[0] & 0xff, rdata[1] & 0xff, rdata[2] & 0xff,
            Arrays.copyOfRange(rdata, 3, rdata.length)));
    }

    /**
     * The record a server would publish for {@code certificate}, e.g. {@code 3 1 1} for its own leaf.
     * @throws IllegalArgumentException for a selector or matching type this code cannot compute
     */
    public static TlsaRecord forCertificate(int usage, int selector, int matchingType, X509Certificate certificate) {
        if (selector != SELECTOR_CERT && selector != SELECTOR_SPKI) {
            throw new IllegalArgumentException("unknown selector " + selector);
        }
        if (matchingType < MATCHING_FULL || matchingType > MATCHING_SHA512) {
            throw new IllegalArgumentException("unknown matching type " + matchingType);
        }
        byte[] selected = selectedContent(selector, certificate)
            .orElseThrow(() -> new IllegalArgumentException("certificate cannot be encoded"));
        return of(usage, selector, matchingType, digest(matchingType, selected));
    }

    public int usage() {
        return usage;
    }

    public int selector() {
        return selector;
    }

    public int matchingType() {
        return matchingType;
    }

    public byte[] associationData() {
        return associationData.clone();
    }

    public Usability usability() {
        if (usage == PKIX_TA || usage == PKIX_EE) {
            return Usability.PKIX_USAGE;
        }
        if (usage != DANE_TA && usage != DANE_EE) {
            return Usability.UNKNOWN_USAGE;
        }
        if (selector != SELECTOR_CERT && selector != SELECTOR_SPKI) {
            return Usability.UNKNOWN_SELECTOR;
        }
        if (matchingType > MATCHING_SHA512) {
            return Usability.UNKNOWN_MATCHING_TYPE;
        }
        if (associationData.length == 0) {
            return Usability.EMPTY_DATA;
        }
        if ((matchingType == MATCHING_SHA256 && associationData.length != 32)
            || (matchingType == MATCHING_SHA512 && associationData.length != 64)) {
            return Usability.WRONG_DIGEST_LENGTH;
        }
        return Usability.USABLE;
    }

    public boolean isUsable() {
        return usability() == Usability.USABLE;
    }

    /** True when this (usable) record's data is {@code certificate}'s selected content under its matching type. */
    public boolean matches(X509Certificate certificate) {
        if (!isUsable()) {
            return false;
        }
        return selectedContent(selector, certificate)
            .map(selected -> MessageDigest.isEqual(digest(matchingType, selected), associationData))
            .orElse(false);
    }

    /** The presentation form, hex in upper case as {@code dig} prints it and RFC 8460's examples show it. */
    public String presentation() {
        StringBuilder text = new StringBuilder().append(usage).append(' ').append(selector).append(' ')
            .append(matchingType).append(' ');
        for (byte b : associationData) {
            text.append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
        }
        return text.toString();
    }

    /** The DER certificate (selector 0) or its DER SubjectPublicKeyInfo as it appears in the certificate (1). */
    static Optional<byte[]> selectedContent(int selector, X509Certificate certificate) {
        try {
            if (selector == SELECTOR_CERT) {
                return Optional.of(certificate.getEncoded());
            }
            return Der.subjectPublicKeyInfo(certificate.getTBSCertificate());
        } catch (CertificateEncodingException unencodable) {
            return Optional.empty();
        }
    }

    private static byte[] digest(int matchingType, byte[] content) {
        if (matchingType == MATCHING_FULL) {
            return content;
        }
        try {
            return MessageDigest.getInstance(matchingType == MATCHING_SHA256 ? "SHA-256" : "SHA-512").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256 and SHA-512", e);
        }
    }

    private static Optional<byte[]> hexBytes(String hex) {
        if (hex.length() % 2 != 0) {
            return Optional.empty();
        }
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            int high = Character.digit(hex.charAt(2 * i), 16);
            int low = Character.digit(hex.charAt(2 * i + 1), 16);
            if (high < 0 || low < 0) {
                return Optional.empty();
            }
            bytes[i] = (byte) ((high << 4) | low);
        }
        return Optional.of(bytes);
    }

    private static void checkOctet(String field, int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("TLSA " + field + " must be 0..255: " + value);
        }
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof TlsaRecord)) {
            return false;
        }
        TlsaRecord that = (TlsaRecord) other;
        return usage == that.usage && selector == that.selector && matchingType == that.matchingType
            && Arrays.equals(associationData, that.associationData);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * usage + selector) + matchingType) + Arrays.hashCode(associationData);
    }

    @Override
    public String toString() {
        return presentation();
    }
}
