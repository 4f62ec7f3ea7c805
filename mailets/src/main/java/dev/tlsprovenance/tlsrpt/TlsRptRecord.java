package dev.tlsprovenance.tlsrpt;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A domain's TLS-RPT policy, the TXT record at {@code _smtp._tls.<domain>} (RFC 8460 §3):
 * <pre>
 * tlsrpt-record    = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
 * field-delim      = *WSP ";" *WSP
 * tlsrpt-field     = tlsrpt-rua / tlsrpt-extension
 * tlsrpt-version   = %s"v=TLSRPTv1"
 * tlsrpt-rua       = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
 * tlsrpt-extension = tlsrpt-ext-name "=" tlsrpt-ext-value
 * tlsrpt-ext-name  = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
 * tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)
 * </pre>
 * The record is read as those tokens, left to right; anything outside the grammar makes it invalid (no record).
 * Extensions are accepted and ignored (§3: "unknown fields SHALL be ignored"); {@code rua} must be there exactly
 * once. Destinations with a scheme other than {@code mailto:} and {@code https:} are ignored; a record left with
 * none is of no use to us and reads as none. Several TXT records beginning with the version: none (§3, "If the number
 * of resulting records is not one, senders MUST assume the recipient domain does not implement TLSRPT").
 */
public final class TlsRptRecord {
    public static final String VERSION = "v=TLSRPTv1";
    public static final String LABEL = "_smtp._tls.";

    private final List<Destination> destinations;

    private TlsRptRecord(List<Destination> destinations) {
        this.destinations = List.copyOf(destinations);
    }

    /** The {@code mailto:} and {@code https:} destinations of {@code rua}, in the record's order. */
    public List<Destination> destinations() {
        return destinations;
    }

    /** The record of {@code domain} (an A-label), or empty when it publishes none, or none we can use. */
    public static Optional<TlsRptRecord> lookup(TxtLookup dns, String domain) throws IOException {
        return select(dns.txt(LABEL + domain));
    }

    /** §3: of the TXT records at the name, those that start with the version; exactly one must remain and parse. */
    public static Optional<TlsRptRecord> select(List<String> txtRecords) {
        List<String> candidates = new ArrayList<>();
        for (String record : txtRecords) {
            if (startsWithVersion(record)) {
                candidates.add(record);
            }
        }
        if (candidates.size() != 1) {
            return Optional.empty();
        }
        return parse(candidates.get(0));
    }

    private static boolean startsWithVersion(String record) {
        if (!record.startsWith(VERSION)) {
            return false;
        }
        int i = VERSION.length();
        while (i < record.length() && isWsp(record.charAt(i))) {
            i++;
        }
        return i < record.length() && record.charAt(i) == ';';
    }

    /** One record, by the grammar above; empty when it does not follow it or has no usable destination. */
    public static Optional<TlsRptRecord> parse(String record) {
        Scanner in = new Scanner(record);
        if (!in.take(VERSION)) {
            return Optional.empty();
        }
        List<Destination> destinations = null;
        boolean sawField = false;
        while (!in.atEnd()) {
            if (!in.fieldDelimiter()) {
                return Optional.empty();
            }
            if (in.atEnd()) {
                break; // the optional trailing field-delim
            }
            Optional<String> name = in.extensionName();
            if (name.isEmpty() || !in.take("=")) {
                return Optional.empty();
            }
            sawField = true;
            if (name.get().equals("rua")) {
                if (destinations != null) {
                    return Optional.empty();
                }
                Optional<List<Destination>> rua = in.ruaValue();
                if (rua.isEmpty()) {
                    return Optional.empty();
                }
                destinations = rua.get();
            } else if (in.extensionValue().isEmpty()) {
                return Optional.empty();
            }
        }
        if (!sawField || destinations == null || destinations.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TlsRptRecord(destinations));
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isAlphaDigit(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isValueChar(char c) {
        return (c >= 0x21 && c <= 0x3A) || c == 0x3C || (c >= 0x3E && c <= 0x7E);
    }

    /** A URI (RFC 3986) is visible ASCII; "," and ";" end it (the record's delimiters; inside a URI, encoded). */
    private static boolean isUriChar(char c) {
        return c >= 0x21 && c <= 0x7E && c != ',' && c != ';';
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TlsRptRecord && destinations.equals(((TlsRptRecord) other).destinations);
    }

    @Override
    public int hashCode() {
        return destinations.hashCode();
    }

    @Override
    public String toString() {
        return VERSION + "; rua=" + destinations;
    }

    /** Where reports go: a mail address ({@code mailto:}) or an HTTPS URL ({@code https:}). */
    public static final class Destination {
        public enum Kind { MAILTO, HTTPS }

        private final Kind kind;
        private final URI uri;
        private final String mailbox;

        private Destination(Kind kind, URI uri, String mailbox) {
            this.kind = kind;
            this.uri = uri;
            this.mailbox = mailbox;
        }

        /** A {@code mailto:} or {@code https:} URI; empty for other schemes or a URI that is not one. */
        public static Optional<Destination> of(String text) {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                return Optional.empty();
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("https")) {
                return uri.getHost() == null ? Optional.empty() : Optional.of(new Destination(Kind.HTTPS, uri, ""));
            }
            if (scheme.equals("mailto")) {
                String raw = uri.getRawSchemeSpecificPart();
                int query = raw.indexOf('?');
                String address = URLDecoder.decode(query < 0 ? raw : raw.substring(0, query), StandardCharsets.UTF_8);
                int at = address.lastIndexOf('@');
                if (at <= 0 || at == address.length() - 1 || address.indexOf(',') >= 0 || address.chars().anyMatch(c -> c <= ' ')) {
                    return Optional.empty();
                }
                return Optional.of(new Destination(Kind.MAILTO, uri, address));
            }
            return Optional.empty();
        }

        public Kind kind() {
            return kind;
        }

        public URI uri() {
            return uri;
        }

        /** The address of a {@code mailto:} destination, "" for {@code https:}. */
        public String mailbox() {
            return mailbox;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Destination && uri.equals(((Destination) other).uri);
        }

        @Override
        public int hashCode() {
            return Objects.hash(uri);
        }

        @Override
        public String toString() {
            return uri.toString();
        }
    }

    /** The record's tokens, read left to right. */
    private static final class Scanner {
        private final String text;
        private int at;

        Scanner(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return at >= text.length();
        }

        boolean take(String literal) {
            if (text.startsWith(literal, at)) {
                at += literal.length();
                return true;
            }
            return false;
        }

        void skipWsp() {
            while (!atEnd() && isWsp(text.charAt(at))) {
                at++;
            }
        }

        boolean fieldDelimiter() {
            skipWsp();
            if (!take(";")) {
                return false;
            }
            skipWsp();
            return true;
        }

        Optional<String> extensionName() {
            int start = at;
            if (atEnd() || !isAlphaDigit(text.charAt(at))) {
                return Optional.empty();
            }
            at++;
            while (!atEnd() && at - start < 32) {
                char c = text.charAt(at);
                if (!isAlphaDigit(c) && c != '_' && c != '-' && c != '.') {
                    break;
                }
                at++;
            }
            return Optional.of(text.substring(start, at));
        }

        Optional<String> extensionValue() {
            int start = at;
            while (!atEnd() && isValueChar(text.charAt(at))) {
                at++;
            }
            return at > start ? Optional.of(text.substring(start, at)) : Optional.empty();
        }

        /** {@code tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)}; a URI runs to the next WSP, "," or ";". */
        Optional<List<Destination>> ruaValue() {
            java.util.Set<Destination> destinations = new java.util.LinkedHashSet<>();
            while (true) {
                int start = at;
                while (!atEnd() && isUriChar(text.charAt(at))) {
                    at++;
                }
                if (at == start) {
                    return Optional.empty();
                }
                String uri = text.substring(start, at);
                if (uri.indexOf(':') < 1) {
                    return Optional.empty(); // not a URI: no scheme
                }
                Destination.of(uri).ifPresent(destinations::add);
                int beforeWsp = at;
                skipWsp();
                if (!take(",")) {
                    at = beforeWsp;
                    return Optional.of(new ArrayList<>(destinations));
                }
                skipWsp();
            }
        }
    }
}
