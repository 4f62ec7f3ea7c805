package dev.tlsprovenance.benchmarks.inbound;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.tlsprovenance.headers.AddTlsProvenanceHeaders;
import dev.tlsprovenance.headers.ReceivedHeaderFormat;
import dev.tlsprovenance.mail.InboundRecords;
import dev.tlsprovenance.provenance.RecordSeal;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

/**
 * Where B's extra time per mail goes, step by step, without SMTP, TLS or threads (the end-to-end benchmark
 * cannot resolve a few microseconds on a shared machine). Each mail path imitates what James 3.8.1's memory
 * queue and memory repository do to every mail (copy into the queue, copy out, copy into the repository,
 * serialise), on the exact text the inbound benchmark's servers write:
 * <ul>
 *   <li>{@code stockPath}: A's message (stock 3-line Received header), no attributes of ours, no mailet.</li>
 *   <li>{@code oursWithoutMailet}: B's message (TLS Received header) with B's attributes: the cost of carrying
 *       a longer header and three more attributes through James's copies.</li>
 *   <li>{@code oursPath}: the same plus {@link AddTlsProvenanceHeaders} between queue and repository.</li>
 *   <li>{@code receivedHeaderAndRecord}: building the hop record, the Received lines and the attributes
 *       (the SMTP-side work of {@code TlsReceivedDataLineFilter} and {@code RecordTlsProvenanceHook}).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InboundStepsBenchmark {

    private static final String BODY_HEADERS = "From: <sender@client.test>\r\n"
        + "To: <bob@james.test>\r\n"
        + "Subject: benchmark 1\r\n"
        + "Date: Sun, 29 Nov 2026 12:10:45 GMT\r\n"
        + "Message-ID: <0d6f4a7e-3c2b-4d0e-9a51-5b8f1c2e7d90@tls-provenance.test>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=us-ascii\r\n"
        + "\r\n"
        + "Test message body.\r\n";
    private static final String STOCK_RECEIVED = "Received: from localhost (EHLO client.test) ([127.0.0.1])\r\n"
        + "          by mx.james.test (JAMES SMTP Server ) with ESMTP ID 930a1e2f\r\n"
        + "          for <bob@james.test>;\r\n"
        + "          Sun, 29 Nov 2026 12:10:45 +0000 (UTC)\r\n";

    private TlsProvenance hop;
    private ReceivedHeaderFormat receivedFormat;
    private byte[] stockMessage;
    /** A fixed key: sealing costs the same whatever its bytes. */
    private static final InboundRecords RECORDS =
        new InboundRecords(RecordSeal.of("benchmark record key, 32 bytes or longer".getBytes(StandardCharsets.US_ASCII)));
    private byte[] ourMessage;
    private AddTlsProvenanceHeaders mailet;
    private MailAddress sender;
    private MailAddress recipient;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        hop = hop(Instant.parse("2026-11-29T12:10:45.123Z"));
        receivedFormat = new ReceivedHeaderFormat("JAMES SMTP Server ", ZoneOffset.UTC);
        stockMessage = (STOCK_RECEIVED + BODY_HEADERS).getBytes(StandardCharsets.US_ASCII);
        ourMessage = ("Received: " + receivedFormat.value(hop, Optional.of("EHLO"), Optional.of("bob@james.test")) + "\r\n"
            + BODY_HEADERS).getBytes(StandardCharsets.US_ASCII);
        mailet = new AddTlsProvenanceHeaders(RECORDS);
        mailet.init(new BenchmarkMailetConfig("AddTlsProvenanceHeaders", Map.of()));
        sender = new MailAddress("sender@client.test");
        recipient = new MailAddress("bob@james.test");
    }

    static TlsProvenance hop(Instant time) {
        return TlsProvenance.builder(Direction.INBOUND)
            .transport(Transport.STARTTLS).protocol("TLSv1.3").cipherSuite("TLS_AES_256_GCM_SHA384").cipherBits(256)
            .localHost("mx.james.test").remoteAddress("127.0.0.1").remoteHost("localhost").heloName("client.test")
            .time(time).sessionId("c66d4735").peerVerification(CertificateVerification.notPresented())
            .build();
    }

    @Benchmark
    public long stockPath() throws Exception {
        return throughJames(received(stockMessage, false), false);
    }

    @Benchmark
    public long oursWithoutMailet() throws Exception {
        return throughJames(received(ourMessage, true), false);
    }

    /** Splits {@code oursWithoutMailet}: the longer Received header alone, no attributes. */
    @Benchmark
    public long ourHeaderOnly() throws Exception {
        return throughJames(received(ourMessage, false), false);
    }

    /** Splits {@code oursWithoutMailet}: our attributes alone, on the stock message. */
    @Benchmark
    public long ourAttributesOnly() throws Exception {
        return throughJames(received(stockMessage, true), false);
    }

    @Benchmark
    public long oursPath() throws Exception {
        return throughJames(received(ourMessage, true), true);
    }

    @Benchmark
    public Object receivedHeaderAndRecord() throws Exception {
        TlsProvenance record = hop(Instant.now());
        MailImpl mail = MailImpl.builder().name("m").sender(sender).addRecipient(recipient).build();
        RECORDS.record(mail, record);
        return receivedFormat.lines(record, Optional.of("EHLO"), Optional.of("bob@james.test"));
    }

    /** The mail as the SMTP server hands it to the queue (James's DataLineJamesMessageHookHandler). */
    private MailImpl received(byte[] message, boolean ourAttributes) throws Exception {
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create("bench",
            new SharedByteArrayInputStream(message));
        MailImpl mail = MailImpl.builder().name("m").sender(sender).addRecipient(recipient).build();
        mail.setMessageContent(source);
        if (ourAttributes) {
            RECORDS.record(mail, hop);
        }
        return mail;
    }

    /** Memory queue in and out, optionally our mailet, then the memory repository's copy and a full write. */
    private long throughJames(MailImpl received, boolean runMailet) throws Exception {
        MailImpl queued = MailImpl.duplicate(received); // MemoryMailQueue.cloneMail
        queued.setMessage(new MimeMessage(received.getMessage()));
        queued.getMessage().getMessageID(); // the spooler logs/reads it
        if (runMailet) {
            mailet.service(queued);
        }
        Mail stored = queued.duplicate(); // MemoryMailRepository.cloneMail
        CountingSink sink = new CountingSink();
        stored.getMessage().writeTo(sink);
        dispose(received);
        dispose(queued);
        dispose(stored);
        return sink.count;
    }

    private static void dispose(Mail mail) {
        if (mail instanceof MailImpl) {
            ((MailImpl) mail).dispose();
        }
    }

    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
