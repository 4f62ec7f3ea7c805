package dev.tlsprovenance.sts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code _mta-sts.<domain>} TXT record of RFC 8461 section 3.1: {@code v=STSv1; id=<1-32 letters or digits>;}
 * plus any extension fields.
 *
 * <p>Read as the grammar's tokens: fields are separated by {@code ;} (neither a field nor an extension value may
 * contain {@code ;}, space or a control character), with optional spaces or tabs on both sides of each
 * {@code ;}; {@code v=STSv1} must open the record; one trailing {@code ;} is allowed. Names are case-sensitive
 * ({@code %s} in the ABNF). A second {@code id} field makes the record invalid (the RFC does not say which one
 * would count). Immutable.
 */
public final class StsTxtRecord {
    static final String VERSION = "v=STSv1";
    private static final int MAX_ID = 32;
    private static final int MAX_EXT_NAME = 32;

    private final String id;
    private final Map<String, String> extensions;

    private StsTxtRecord(String id, Map<String, String> extensions) {
        this.id = id;
        this.extensions = Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }

    /** The policy instance id: a new id says the policy changed (RFC 8461 section 3.1). */
    public String id() {
        return id;
    }

    /** Extension fields in record order (the first occurrence of a name); ignored by MTA-STS itself. */
    public Map<String, String> extensions() {
        return extensions;
    }

    /**
     * Parses one record (its character-strings already concatenated).
     *
     * @throws StsSyntaxException naming the field and what is wrong
     */
    public static StsTxtRecord parse(String record) throws StsSyntaxException {
        Objects.requireNonNull(record, "record");
        List<String> segments = split(record);
        String first = segments.get(0);
        if (!stripTrailingWsp(first).equals(VERSION)) {
            throw new StsSyntaxException(0, "v", "the record must begin with '" + VERSION + "'");
        }
        String id = null;
        Map<String, String> extensions = new LinkedHashMap<>();
        int last = segments.size() - 1;
        for (int i = 1; i <= last; i++) {
            String raw = segments.get(i);
            String field = stripTrailingWsp(stripLeadingWsp(raw));
            if (field.isEmpty()) {
                if (i == last && i > 1) {
                    break;
                }
                throw new StsSyntaxException(0, "", "empty field " + i + " (two ';' in a row, or no field)");
            }
            if (i == last && !stripTrailingWsp(raw).equals(raw)) {
                throw new StsSyntaxException(0, "", "white space after the last field (allowed only before ';')");
            }
            int equals = field.indexOf('=');
            if (equals < 0) {
                throw new StsSyntaxException(0, "", "field " + i + " is not name=value: '" + field + "'");
            }
            String name = field.substring(0, equals);
            String value = field.substring(equals + 1);
            if ("id".equals(name)) {
                if (id != null) {
                    throw new StsSyntaxException(0, "id", "appears twice");
                }
                id = checkId(value);
            } else {
                checkExtension(name, value);
                extensions.putIfAbsent(name, value);
            }
        }
        if (id == null) {
            throw new StsSyntaxException(0, "id", "missing");
        }
        return new StsTxtRecord(id, extensions);
    }

    /**
     * Applies RFC 8461 section 3.1 to every TXT record at {@code _mta-sts.<domain>}: records that do not begin
     * with the version field are discarded; exactly one must remain and be valid, otherwise the domain has no
     * MTA-STS policy.
     *
     * @param records each TXT record with its character-strings concatenated
     */
    public static Selection select(List<String> records) {
        List<String> candidates = new ArrayList<>();
        for (String record : records) {
            if (beginsWithVersion(record)) {
                candidates.add(record);
            }
        }
        if (candidates.isEmpty()) {
            return new Selection(null, "no TXT record beginning with " + VERSION);
        }
        if (candidates.size() > 1) {
            return new Selection(null, candidates.size() + " TXT records beginning with " + VERSION
                    + " (RFC 8461 section 3.1 wants exactly one)");
        }
        try {
            return new Selection(parse(candidates.get(0)), "");
        } catch (StsSyntaxException e) {
            return new Selection(null, "invalid TXT record: " + e.getMessage());
        }
    }

    /**
     * The version token, then a delimiter or the end. RFC 8461 says "begin with {@code v=STSv1;}", its grammar
     * allows white space before the {@code ;} (erratum 6285 notes the clash); we discard by the grammar's token,
     * so such a record is counted and then parsed.
     */
    private static boolean beginsWithVersion(String record) {
        if (!record.startsWith(VERSION)) {
            return false;
        }
        if (record.length() == VERSION.length()) {
            return true;
        }
        char next = record.charAt(VERSION.length());
        return next == ';' || next == ' ' || next == '\t';
    }

    private static String checkId(String value) throws StsSyntaxException {
        if (value.isEmpty() || value.length() > MAX_ID) {
            throw new StsSyntaxException(0, "id", "must be 1 to " + MAX_ID + " letters or digits, has "
                    + value.length() + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isAlphaDigit(value.charAt(i))) {
                throw new StsSyntaxException(0, "id", "character " + describe(value.charAt(i)) + " at position "
                        + (i + 1) + " is not a letter or digit");
            }
        }
        return value;
    }

    private static void checkExtension(String name, String value) throws StsSyntaxException {
        if (name.isEmpty() || name.length() > MAX_EXT_NAME || !isAlphaDigit(name.charAt(0))) {
            throw new StsSyntaxException(0, name, "not an extension name (a letter or digit, then up to 31 of"
                    + " letters, digits, '_', '-', '.')");
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlphaDigit(c) && c != '_' && c != '-' && c != '.') {
                throw new StsSyntaxException(0, name, "character " + describe(c) + " in the extension name");
            }
        }
        if (value.isEmpty()) {
            throw new StsSyntaxException(0, name, "empty value");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '=' || c == ';') {
                throw new StsSyntaxException(0, name, "character " + describe(c) + " in the value");
            }
        }
    }

    private static List<String> split(String record) {
        List<String> segments = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < record.length(); i++) {
            if (record.charAt(i) == ';') {
                segments.add(record.substring(start, i));
                start = i + 1;
            }
        }
        segments.add(record.substring(start));
        return segments;
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    private static String stripLeadingWsp(String s) {
        int i = 0;
        while (i < s.length() && isWsp(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    private static String stripTrailingWsp(String s) {
        int end = s.length();
        while (end > 0 && isWsp(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    static boolean isAlphaDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    static String describe(char c) {
        return c >= 0x21 && c <= 0x7e ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StsTxtRecord && ((StsTxtRecord) o).id.equals(id)
                && ((StsTxtRecord) o).extensions.equals(extensions);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return VERSION + "; id=" + id + ";";
    }

    /** What {@link #select(List)} found: the one valid record, or why the domain has no policy. */
    public static final class Selection {
        private final StsTxtRecord record;
        private final String reason;

        private Selection(StsTxtRecord record, String reason) {
            this.record = record;
            this.reason = reason;
        }

        public Optional<StsTxtRecord> record() {
            return Optional.ofNullable(record);
        }

        /** Empty when a record was found. */
        public String reason() {
            return reason;
        }

        @Override
        public String toString() {
            return record != null ? record.toString() : reason;
        }
    }
}
