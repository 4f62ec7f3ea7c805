package dev.tlsprovenance.verify;

/** One unfolded header field: name as written, value with folding line breaks removed. */
public final class HeaderField {
    private final String name;
    private final String value;

    public HeaderField(String name, String value) {
        this.name = name;
        this.value = value;
    }

    public String name() {
        return name;
    }

    /** The unfolded value, RFC 2047 encoded-words left as they are. */
    public String value() {
        return value;
    }

    /** The value with RFC 2047 encoded-words decoded where they decode cleanly. */
    public String decodedValue() {
        return EncodedWords.decode(value);
    }

    public boolean is(String headerName) {
        return name.equals(headerName) || name.equalsIgnoreCase(headerName);
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
