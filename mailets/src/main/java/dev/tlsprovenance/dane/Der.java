package dev.tlsprovenance.dane;

import java.util.Arrays;
import java.util.Optional;

/**
 * The little DER reading TLSA needs. {@link #subjectPublicKeyInfo}: the SubjectPublicKeyInfo of a certificate, byte
 * for byte as the certificate carries it (RFC 5280 section 4.1).
 * {@code PublicKey.getEncoded()} would re-encode the key, which for some key types (explicit EC parameters, RSA-PSS)
 * differs from the published bytes that a TLSA {@code x 1 x} record hashes; so the DER of the TBSCertificate is
 * walked instead: version [0] (optional), serialNumber, signature, issuer, validity, subject, then the SPKI.
 */
final class Der {
    private static final int SEQUENCE = 0x30;
    private static final int EXPLICIT_VERSION = 0xa0;
    private static final int FIELDS_BEFORE_SPKI = 5;

    private Der() {
    }

    /**
     * True when {@code data} is exactly one DER SEQUENCE, nothing before or after: the JDK's certificate and key
     * parsers ignore trailing octets, and a record whose data is more than the anchor must not count as the anchor.
     */
    static boolean isOneSequence(byte[] data) {
        if (data.length < 2 || (data[0] & 0xff) != SEQUENCE) {
            return false;
        }
        int[] element = header(data, 0);
        return element != null && element[0] + element[1] == data.length;
    }

    static Optional<byte[]> subjectPublicKeyInfo(byte[] tbsCertificate) {
        if (tbsCertificate.length < 2 || (tbsCertificate[0] & 0xff) != SEQUENCE) {
            return Optional.empty();
        }
        int[] outer = header(tbsCertificate, 0);
        if (outer == null) {
            return Optional.empty();
        }
        int position = outer[0];
        int[] element = header(tbsCertificate, position);
        if (element != null && (tbsCertificate[position] & 0xff) == EXPLICIT_VERSION) {
            position = element[0] + element[1];
        }
        for (int skipped = 0; skipped < FIELDS_BEFORE_SPKI; skipped++) {
            element = header(tbsCertificate, position);
            if (element == null) {
                return Optional.empty();
            }
            position = element[0] + element[1];
        }
        element = header(tbsCertificate, position);
        if (element == null || (tbsCertificate[position] & 0xff) != SEQUENCE) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOfRange(tbsCertificate, position, element[0] + element[1]));
    }

    /** {content offset, content length} of the DER element at {@code offset}, or null when it does not fit. */
    private static int[] header(byte[] der, int offset) {
        if (offset + 2 > der.length) {
            return null;
        }
        int first = der[offset + 1] & 0xff;
        int contentOffset = offset + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int octets = first & 0x7f;
            if (octets == 0 || octets > 4 || contentOffset + octets > der.length) {
                return null;
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (der[contentOffset + i] & 0xff);
            }
            contentOffset += octets;
        }
        if (contentOffset + length > der.length) {
            return null;
        }
        return new int[] {contentOffset, (int) length};
    }
}
