package dev.tlsprovenance.provenance;

/** A provenance record (attribute or header) that cannot be read back; the message names the field. */
public final class MalformedProvenanceException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedProvenanceException(String message) {
        super(message);
    }

    public MalformedProvenanceException(String message, Throwable cause) {
        super(message, cause);
    }
}
