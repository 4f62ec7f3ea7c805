package dev.tlsprovenance.mail;

import java.nio.charset.StandardCharsets;

import org.apache.mailet.Mail;

import dev.tlsprovenance.provenance.RecordSeal;
import dev.tlsprovenance.provenance.TlsProvenance;

/** A fixed record key for tests that build mails by hand (never a key of a running server). */
public final class TestRecords {
    public static final RecordSeal SEAL = RecordSeal.of("test record key: 32 bytes or more, never in production".getBytes(StandardCharsets.US_ASCII));
    public static final InboundRecords RECORDS = new InboundRecords(SEAL);

    private TestRecords() {
    }

    /** Puts {@code hop} on the mail sealed as this server's SMTP hook would. */
    public static void recordInbound(Mail mail, TlsProvenance hop) {
        RECORDS.record(mail, hop);
    }
}
