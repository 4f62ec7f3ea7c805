package dev.tlsprovenance.provenance;

import java.nio.file.Path;

/** A record key file that cannot be used; the message names the file and what is wrong with it. */
public final class RecordKeyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public RecordKeyException(Path file, String problem) {
        super("Record key file " + file + ": " + problem);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
