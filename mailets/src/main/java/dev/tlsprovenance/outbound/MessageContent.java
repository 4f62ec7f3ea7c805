package dev.tlsprovenance.outbound;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The RFC 5322 message to transfer; written once per transaction, only after the server said 354. */
@FunctionalInterface
public interface MessageContent {
    void writeTo(OutputStream out) throws IOException;

    static MessageContent of(String rfc5322) {
        byte[] bytes = rfc5322.getBytes(StandardCharsets.UTF_8);
        return out -> out.write(bytes);
    }
}
