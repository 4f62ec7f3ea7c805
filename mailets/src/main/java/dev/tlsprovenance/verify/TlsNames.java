package dev.tlsprovenance.verify;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.tlsprovenance.provenance.CipherSuites;

/**
 * The many spellings of TLS versions and cipher suites found in Received lines, mapped to one vocabulary:
 * protocol {@code TLSv1.0..TLSv1.3} (or {@code SSLv2}/{@code SSLv3}) and IANA suite names.
 *
 * <p>Suite names arrive as IANA ({@code TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}, Exchange, Exim 4.92+),
 * OpenSSL ({@code ECDHE-RSA-AES256-GCM-SHA384}, Postfix, Sendmail, Gmail, OpenSMTPD),
 * LibreSSL's TLS 1.3 aliases ({@code AEAD-AES256-GCM-SHA384}) and GnuTLS ({@code DHE_RSA_AES_256_CBC_SHA1},
 * old Exim; {@code ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM}, Exim on Debian with GnuTLS 3.6+, mapped with the
 * session's protocol; {@code AES_256_GCM_SHA384}). OpenSSL and GnuTLS names are translated by their regular structure, not a table, so that
 * an unusual but well-formed name still maps; anything unrecognised stays unmapped.
 */
public final class TlsNames {
    private static final Map<String, String> TLS13_ALIASES = Map.of(
        "AEAD-AES256-GCM-SHA384", "TLS_AES_256_GCM_SHA384",
        "AEAD-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256",
        "AEAD-CHACHA20-POLY1305-SHA256", "TLS_CHACHA20_POLY1305_SHA256");

    private static final java.util.Set<String> TLS13_SUITES = java.util.Set.of(
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256",
        "TLS_AES_128_CCM_8_SHA256");

    private TlsNames() {
    }

    /**
     * @return {@code TLSv1.0}..{@code TLSv1.3}, {@code SSLv2}, {@code SSLv3}, or empty for labels that do not
     *     name one version ({@code TLSv1/SSLv3} is OpenSSL's name of a cipher's minimum version, not the session's).
     */
    public static Optional<String> normaliseProtocol(String label) {
        if (label == null) {
            return Optional.empty();
        }
        String l = label.trim().toUpperCase(Locale.ROOT);
        if (l.contains("/")) {
            return Optional.empty();
        }
        if (l.startsWith("SSL")) {
            String digits = l.substring(3).replaceAll("[^0-9]", "");
            return digits.equals("3") ? Optional.of("SSLv3") : digits.equals("2") ? Optional.of("SSLv2") : Optional.empty();
        }
        if (!l.startsWith("TLS")) {
            return Optional.empty();
        }
        // TLSv1.2, TLS1_2, TLS1.2, TLS-1.2, TLSV1.2, TLSv1 (= 1.0), TLS1 (Gmail's name for 1.0)
        String rest = l.substring(3).replace("V", "").replace("-", "").replace("_", ".");
        switch (rest) {
            case "1":
            case "1.0":
                return Optional.of("TLSv1.0");
            case "1.1":
                return Optional.of("TLSv1.1");
            case "1.2":
                return Optional.of("TLSv1.2");
            case "1.3":
                return Optional.of("TLSv1.3");
            default:
                return Optional.empty();
        }
    }

    /** @return the IANA name of a suite written in any of the known styles, or empty when it cannot be mapped. */
    public static Optional<String> ianaName(String suite) {
        return ianaName(suite, null);
    }

    /**
     * As {@link #ianaName(String)}, knowing the session's protocol ({@code TLSv1.3}, ...; null when unknown). GnuTLS's
     * session description, as Exim on Debian writes it ({@code ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM}: key
     * exchange, signature, cipher), names the same parts in TLS 1.2 and 1.3, so only the protocol tells
     * {@code TLS_AES_256_GCM_SHA384} from {@code TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}; without it that style stays
     * unmapped.
     */
    public static Optional<String> ianaName(String suite, String protocol) {
        if (suite == null || suite.isEmpty()) {
            return Optional.empty();
        }
        String s = suite.trim().toUpperCase(Locale.ROOT);
        if (s.startsWith("TLS_") || s.startsWith("SSL_")) {
            return Optional.of("TLS_" + s.substring(4));
        }
        String alias = TLS13_ALIASES.get(s);
        if (alias != null) {
            return Optional.of(alias);
        }
        if (TLS13_SUITES.contains("TLS_" + s)) {
            // GnuTLS's TLS 1.3 suite names without the prefix: AES_256_GCM_SHA384.
            return Optional.of("TLS_" + s);
        }
        if (s.contains("__")) {
            return fromGnuTlsDescription(s, protocol);
        }
        if (s.indexOf('_') >= 0 && s.indexOf('-') < 0) {
            return fromGnuTls(s);
        }
        return fromOpenSsl(s);
    }

    /** Symmetric strength, preferring what the record states. */
    public static int strengthBits(String ianaOrOriginal) {
        return CipherSuites.strengthBits(ianaOrOriginal);
    }

    /**
     * Weak by today's standards: RC4, anonymous key exchange, export grade, NULL, single DES or 3DES
     * (Sweet32), fewer than 128 bits, or an SSL protocol.
     */
    public static boolean isWeak(String cipher, int bits, String protocol) {
        if (protocol != null && protocol.startsWith("SSL")) {
            return true;
        }
        if (bits > 0 && bits < 128) {
            return true;
        }
        if (cipher == null) {
            return false;
        }
        String c = cipher.toUpperCase(Locale.ROOT);
        return c.contains("RC4") || c.contains("ARCFOUR") || c.contains("ANON") || c.startsWith("ADH")
            || c.startsWith("AECDH") || c.contains("EXP") || c.contains("NULL") || c.contains("DES")
            || c.contains("RC2") || c.contains("MD5");
    }

    // ECDHE-RSA-AES256-GCM-SHA384, DHE-RSA-AES256-SHA, AES256-SHA, DES-CBC3-SHA, RC4-MD5, EXP-RC4-MD5,
    // ADH-AES256-SHA, ECDHE-RSA-CHACHA20-POLY1305, EDH-RSA-DES-CBC3-SHA, CAMELLIA256-SHA
    private static Optional<String> fromOpenSsl(String s) {
        String rest = s;
        boolean export = false;
        if (rest.startsWith("EXP-")) {
            export = true;
            rest = rest.substring(4);
        }
        String kx;
        if (rest.startsWith("ECDHE-RSA-")) {
            kx = "ECDHE_RSA";
        } else if (rest.startsWith("ECDHE-ECDSA-")) {
            kx = "ECDHE_ECDSA";
        } else if (rest.startsWith("DHE-RSA-") || rest.startsWith("EDH-RSA-")) {
            kx = "DHE_RSA";
        } else if (rest.startsWith("DHE-DSS-") || rest.startsWith("EDH-DSS-")) {
            kx = "DHE_DSS";
        } else if (rest.startsWith("ADH-")) {
            kx = "DH_anon";
        } else if (rest.startsWith("AECDH-")) {
            kx = "ECDH_anon";
        } else {
            kx = "RSA";
        }
        if (!kx.equals("RSA")) {
            int dashes = kx.contains("_") && !kx.endsWith("anon") ? 2 : 1;
            for (int i = 0; i < dashes; i++) {
                rest = rest.substring(rest.indexOf('-') + 1);
            }
        }
        String[] parts = rest.split("-");
        String bulk;
        int next;
        if (parts[0].startsWith("AES") || parts[0].startsWith("CAMELLIA") || parts[0].startsWith("ARIA")) {
            String name = parts[0].replaceAll("[0-9]+$", "");
            String size = parts[0].substring(name.length());
            if (size.isEmpty()) {
                return Optional.empty();
            }
            bulk = name + "_" + size;
            next = 1;
        } else if (parts[0].equals("CHACHA20") && parts.length > 1 && parts[1].equals("POLY1305")) {
            return Optional.of("TLS_" + kx + "_WITH_CHACHA20_POLY1305_SHA256");
        } else if (parts[0].equals("DES") && parts.length > 1 && parts[1].equals("CBC3")) {
            bulk = "3DES_EDE";
            next = 2;
        } else if (parts[0].equals("DES") && parts.length > 1 && parts[1].equals("CBC")) {
            bulk = export ? "DES40" : "DES";
            next = 2;
        } else if (parts[0].equals("RC4")) {
            return Optional.of("TLS_" + kx + (export ? "_EXPORT" : "") + "_WITH_RC4_" + (export ? "40" : "128")
                + "_" + (parts.length > 1 ? parts[1] : "SHA"));
        } else if (parts[0].equals("NULL")) {
            return parts.length > 1 ? Optional.of("TLS_" + kx + "_WITH_NULL_" + parts[1]) : Optional.empty();
        } else {
            return Optional.empty();
        }
        if (next >= parts.length) {
            return Optional.empty();
        }
        String mode;
        String mac;
        if (parts[next].equals("GCM") || parts[next].equals("CCM")) {
            mode = parts[next];
            mac = next + 1 < parts.length ? parts[next + 1] : "";
            if (mode.equals("CCM")) {
                return Optional.of("TLS_" + kx + "_WITH_" + bulk + "_CCM");
            }
        } else {
            mode = "CBC";
            mac = parts[next];
        }
        if (!mac.startsWith("SHA") && !mac.equals("MD5")) {
            return Optional.empty();
        }
        String exportPart = export ? "_EXPORT" : "";
        return Optional.of("TLS_" + kx + exportPart + "_WITH_" + bulk + "_" + mode + "_" + mac);
    }

    // GnuTLS 3.6+ session description with "__" between parts (Exim: tls_in_cipher):
    // TLS 1.3: ECDHE_X25519__RSA_PSS_RSAE_SHA256__AES_256_GCM -> TLS_AES_256_GCM_SHA384 (the suite names only the AEAD)
    // TLS 1.2: ECDHE_SECP256R1__RSA_SHA256__AES_128_GCM -> TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    //          ECDHE_SECP256R1__ECDSA_SECP256R1_SHA256__AES_256_CBC__SHA1 -> TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    //          RSA__AES_128_GCM -> TLS_RSA_WITH_AES_128_GCM_SHA256
    private static Optional<String> fromGnuTlsDescription(String s, String protocol) {
        if (protocol == null) {
            return Optional.empty();
        }
        String[] parts = s.split("__");
        if (parts.length < 2 || parts.length > 4) {
            return Optional.empty();
        }
        boolean tls13 = protocol.equals("TLSv1.3");
        String kxPart = parts[0];
        String cipherPart;
        String macPart = null;
        String sigPart = null;
        if (parts.length == 2) {
            cipherPart = parts[1];
        } else {
            sigPart = parts[1];
            cipherPart = parts[2];
            macPart = parts.length == 4 ? parts[3] : null;
        }
        String aead;
        switch (cipherPart) {
            case "AES_128_GCM":
                aead = "AES_128_GCM_SHA256";
                break;
            case "AES_256_GCM":
                aead = "AES_256_GCM_SHA384";
                break;
            case "CHACHA20_POLY1305":
                aead = "CHACHA20_POLY1305_SHA256";
                break;
            case "AES_128_CCM":
                aead = tls13 ? "AES_128_CCM_SHA256" : "AES_128_CCM";
                break;
            default:
                aead = null;
        }
        if (tls13) {
            return aead == null ? Optional.empty() : Optional.of("TLS_" + aead);
        }
        String kx;
        if (kxPart.startsWith("ECDHE")) {
            kx = "ECDHE";
        } else if (kxPart.startsWith("DHE")) {
            kx = "DHE";
        } else if (kxPart.equals("RSA")) {
            kx = "RSA";
        } else {
            return Optional.empty();
        }
        if (!kx.equals("RSA")) {
            if (sigPart == null) {
                return Optional.empty();
            }
            String auth = sigPart.startsWith("RSA") ? "RSA" : sigPart.startsWith("ECDSA") ? "ECDSA"
                : sigPart.startsWith("DSA") ? "DSS" : null;
            if (auth == null) {
                return Optional.empty();
            }
            kx = kx + "_" + auth;
        }
        if (aead != null) {
            return Optional.of("TLS_" + kx + "_WITH_" + aead);
        }
        if (cipherPart.endsWith("_CBC") && macPart != null) {
            String mac = macPart.equals("SHA1") ? "SHA" : macPart;
            if (!mac.equals("SHA") && !mac.equals("SHA256") && !mac.equals("SHA384")) {
                return Optional.empty();
            }
            return Optional.of("TLS_" + kx + "_WITH_" + cipherPart + "_" + mac);
        }
        return Optional.empty();
    }

    // GnuTLS: DHE_RSA_AES_256_CBC_SHA1, RSA_ARCFOUR_MD5, DHE_RSA_3DES_EDE_CBC_SHA, ECDHE_RSA_AES_256_GCM_SHA384
    private static Optional<String> fromGnuTls(String s) {
        String[] kxs = {"ECDHE_RSA", "ECDHE_ECDSA", "DHE_RSA", "DHE_DSS", "ANON_DH", "RSA"};
        for (String kx : kxs) {
            if (s.startsWith(kx + "_")) {
                String rest = s.substring(kx.length() + 1)
                    .replace("ARCFOUR_128", "RC4_128").replace("ARCFOUR", "RC4_128");
                if (rest.endsWith("_SHA1")) {
                    rest = rest.substring(0, rest.length() - 1);
                }
                String iana = kx.equals("ANON_DH") ? "DH_anon" : kx;
                return Optional.of("TLS_" + iana + "_WITH_" + rest);
            }
        }
        return Optional.empty();
    }
}
