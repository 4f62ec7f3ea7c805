package dev.tlsprovenance.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JSON-lines ledger that knows whether it can be written. An outage (a failed probe or append) is logged once, at
 * ERROR with its cause; the first success after it once, at INFO; nothing in between, however many lines are
 * refused (an operator sees one line per outage, not one per mail). Callers that must not act without a record
 * ({@code TlsPolicyRemoteDelivery} for rows at or above {@code ledgerRequiredFrom}) {@link #isWritable() probe}
 * first and hold the action while it fails.
 */
public final class Ledger {
    private static final Logger LOGGER = LoggerFactory.getLogger(Ledger.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final JsonLinesFile file;
    private String outageCause;

    /** @param name what the log lines call it, e.g. {@code outbound ledger} */
    public Ledger(String name, JsonLinesFile file) {
        this.name = Objects.requireNonNull(name);
        this.file = Objects.requireNonNull(file);
    }

    /** What the log lines call it: {@code outbound ledger}, {@code inbound ledger}. */
    public String name() {
        return name;
    }

    public Path file() {
        return file.file();
    }

    /** A fresh JSON object to fill in, fields in insertion order. */
    public static ObjectNode newLine() {
        return JSON.createObjectNode();
    }

    /** Whether a line can be appended now (see {@link JsonLinesFile#probe()}); logs the start and end of an outage. */
    public boolean isWritable() {
        try {
            file.probe();
        } catch (IOException | RuntimeException e) {
            outage(e);
            return false;
        }
        recovered();
        return true;
    }

    /** Appends one line; false (and the outage logged, once) when it could not be written. */
    public boolean append(ObjectNode line) {
        String json;
        try {
            json = JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a ledger line of strings cannot fail to serialise", e);
        }
        try {
            file.append(json);
        } catch (IOException | RuntimeException e) {
            outage(e);
            return false;
        }
        recovered();
        return true;
    }

    private synchronized void outage(Exception cause) {
        if (outageCause == null) {
            outageCause = describe(cause);
            LOGGER.error("The {} {} cannot be written ({}); until it can, deliveries that require a record are deferred",
                name, file.file(), outageCause);
        }
    }

    private synchronized void recovered() {
        if (outageCause != null) {
            LOGGER.info("The {} {} can be written again (outage cause was: {})", name, file.file(), outageCause);
            outageCause = null;
        }
    }

    /** The cause as an operator needs it: the exception type says more than NIO's bare path message. */
    static String describe(Exception cause) {
        String message = cause.getMessage();
        String type = cause.getClass().getSimpleName();
        return message == null ? type : type + ": " + message;
    }
}
