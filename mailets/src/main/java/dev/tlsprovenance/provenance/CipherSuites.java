package dev.tlsprovenance.provenance;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Symmetric strength of a cipher suite from its name, for the {@code (256/256 bits)} that
 * administrators know from Postfix logs. Accepts IANA/JSSE names ({@code TLS_AES_256_GCM_SHA384},
 * {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}) and OpenSSL names ({@code ECDHE-RSA-AES256-GCM-SHA384}).
 */
public final class CipherSuites {
    // The key size sits right after the bulk cipher's name; the MAC's digits (SHA256) must not be read as it.
    private static final Pattern SIZED_BULK_CIPHER = Pattern.compile("(?:^|_)(?:AES|CAMELLIA|ARIA)_?(128|256)(?:_|$)");

    /** Suites seen so far: a server negotiates a handful, and the regular expressions below cost a few us a mail. */
    private static final Map<String, Integer> KNOWN = new ConcurrentHashMap<>();
    private static final int MAX_KNOWN = 1024;

    private CipherSuites() {
    }

    /** @return the bits of the bulk cipher, 0 when unknown or for NULL suites. */
    public static int strengthBits(String suite) {
        if (suite == null || suite.isEmpty()) {
            return 0;
        }
        Integer known = KNOWN.get(suite);
        if (known != null) {
            return known;
        }
        int bits = computeStrengthBits(suite);
        if (KNOWN.size() < MAX_KNOWN) { // names read from other servers' headers must not grow it without bound
            KNOWN.put(suite, bits);
        }
        return bits;
    }

    private static int computeStrengthBits(String suite) {
        String name = suite.toUpperCase(Locale.ROOT).replace('-', '_');
        int with = name.indexOf("_WITH_");
        String bulk = with >= 0 ? name.substring(with + "_WITH_".length()) : name;
        if (name.contains("EXPORT") || name.startsWith("EXP_") || bulk.contains("DES40") || bulk.contains("_40")) {
            return 40;
        }
        if (bulk.startsWith("NULL") || bulk.contains("_NULL") || name.contains("NULL_")) {
            return 0;
        }
        Matcher sized = SIZED_BULK_CIPHER.matcher(bulk);
        if (sized.find()) {
            return Integer.parseInt(sized.group(1));
        }
        if (bulk.contains("CHACHA20")) {
            return 256;
        }
        if (bulk.contains("3DES") || bulk.contains("DES_CBC3") || bulk.contains("DES_EDE")) {
            return 112;
        }
        if (bulk.matches("(?:.*_)?DES(?:_CBC)?(?:_.*)?")) {
            return 56;
        }
        if (bulk.contains("RC4") || bulk.contains("SEED") || bulk.contains("IDEA")) {
            return 128;
        }
        return 0;
    }
}
