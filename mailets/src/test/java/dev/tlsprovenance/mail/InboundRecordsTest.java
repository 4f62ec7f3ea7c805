package dev.tlsprovenance.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.tlsprovenance.provenance.ProvenanceSamples;
import dev.tlsprovenance.provenance.RecordSeal;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.provenance.VerificationStatus;

class InboundRecordsTest {
    private static final TlsProvenance STARTTLS = ProvenanceSamples.starttlsInboundWithClientCertificate();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(InboundRecords.class)).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(InboundRecords.class)).detachAppender(log);
    }

    @Test
    void aSealedRecordSurvivesTheJsonRoundTripOfJamesQueuesAndStillVerifies() throws Exception {
        FakeMail mail = FakeMail.builder().name("queued").build();
        TestRecords.recordInbound(mail, STARTTLS);
        AttributeValue<?> value = mail.getAttribute(ProvenanceAttributes.INBOUND).orElseThrow().getValue();
        assertThat(ProvenanceAttributes.fieldsOf(value)).containsKey(RecordSeal.FIELD);

        AttributeValue<?> restored = AttributeValue.fromJsonString(value.toJson().orElseThrow().toString());
        FakeMail dequeued = FakeMail.builder().name("queued").attribute(new Attribute(ProvenanceAttributes.INBOUND, restored)).build();

        assertThat(TestRecords.RECORDS.read(dequeued).trusted()).contains(STARTTLS);
        assertThat(log.list).isEmpty();
    }

    /**
     * The readers after the first are answered from the last trusted read of the same attribute value object; any
     * other value (a copy with one field changed, a map changed in place) is verified again, on the same thread,
     * straight after, and refused.
     */
    @Test
    void aRecordReadAgainIsTheSameTrustedRecordAndAnyAlteredValueReadRightAfterIsStillRefused() throws Exception {
        InboundRecords records = new InboundRecords(RecordSeal.of("another key for this test only, 32+ bytes".getBytes(StandardCharsets.US_ASCII)));
        FakeMail mail = FakeMail.builder().name("queued").build();
        records.record(mail, STARTTLS);
        String json = mail.getAttribute(ProvenanceAttributes.INBOUND).orElseThrow().getValue().toJson().orElseThrow().toString();
        FakeMail dequeued = FakeMail.builder().name("queued")
            .attribute(new Attribute(ProvenanceAttributes.INBOUND, AttributeValue.fromJsonString(json))).build();

        InboundRecord first = records.read(dequeued);
        assertThat(records.read(dequeued)).isSameAs(first);
        assertThat(first.trusted()).contains(STARTTLS);

        Map<String, String> altered = new LinkedHashMap<>(ProvenanceAttributes.fieldsOf(
            dequeued.getAttribute(ProvenanceAttributes.INBOUND).orElseThrow().getValue()));
        altered.put(TlsProvenance.Fields.TRANSPORT, "implicit");
        FakeMail copy = FakeMail.builder().name("altered copy")
            .attribute(new Attribute(ProvenanceAttributes.INBOUND, ProvenanceAttributes.toAttributeValue(altered))).build();
        assertThat(records.read(copy).isRejected()).isTrue();
        assertThat(records.read(dequeued)).isSameAs(first);

        Map<String, AttributeValue<?>> mutable = new LinkedHashMap<>();
        ProvenanceAttributes.fieldsOf(dequeued.getAttribute(ProvenanceAttributes.INBOUND).orElseThrow().getValue())
            .forEach((name, field) -> mutable.put(name, AttributeValue.of(field)));
        AttributeValue<?> changeable = AttributeValue.of(mutable);
        FakeMail inPlace = FakeMail.builder().name("changed in place").attribute(new Attribute(ProvenanceAttributes.INBOUND, changeable)).build();
        assertThat(records.read(inPlace).trusted()).contains(STARTTLS);
        mutable.put(TlsProvenance.Fields.TRANSPORT, AttributeValue.of("implicit"));
        assertThat(records.read(inPlace).isRejected()).isTrue();
    }

    @Test
    void anUnsealedRecordIsReplacedByTheReasonLoggedOnceAndStandsAsUnknown() throws Exception {
        FakeMail mail = FakeMail.builder().name("forged").remoteAddr("192.0.2.7").build();
        mail.setAttribute(new Attribute(ProvenanceAttributes.INBOUND, ProvenanceAttributes.toAttributeValue(STARTTLS)));
        mail.setAttribute(new Attribute(ProvenanceAttributes.JAMES_SSL_PROTOCOL, AttributeValue.of("TLSv1.3")));

        InboundRecord first = TestRecords.RECORDS.read(mail);
        InboundRecord second = TestRecords.RECORDS.read(mail);

        for (InboundRecord read : List.of(first, second)) {
            assertThat(read.trusted()).isEmpty();
            assertThat(read.isRejected()).isTrue();
            TlsProvenance unknown = read.vouchedHop().orElseThrow();
            assertThat(unknown.transport()).isEqualTo(Transport.UNKNOWN);
            assertThat(unknown.isEncrypted()).isFalse();
            assertThat(unknown.remoteAddress()).isEqualTo("192.0.2.7");
            assertThat(unknown.peerVerification().status()).isEqualTo(VerificationStatus.NOT_CHECKED);
            assertThat(unknown.peerVerification().reason()).isEqualTo("no inbound TLS record sealed by this server: the record has no seal");
        }
        assertThat(mail.getAttribute(ProvenanceAttributes.INBOUND)).isEmpty();
        assertThat(mail.getAttribute(ProvenanceAttributes.JAMES_SSL_PROTOCOL)).isEmpty();
        assertThat(mail.getAttribute(InboundRecords.REJECTED).map(a -> (Object) a.getValue().value())).contains("the record has no seal");
        assertThat(log.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).startsWith("Mail forged carries an inbound TLS record that this server did not seal "
                + "(the record has no seal); treated as no record, stamped transport=unknown, never as TLS.");
        });
    }

    @Test
    void recordsThatAreNotStringMapsAreRejectedAsMalformed() throws Exception {
        Map<String, AttributeValue<?>> withNumber = new LinkedHashMap<>();
        STARTTLS.toFields().forEach((name, value) -> withNumber.put(name, AttributeValue.of(value)));
        withNumber.put("bits", AttributeValue.of(256));
        List<AttributeValue<?>> forgeries = List.of(AttributeValue.of("transport=starttls"), AttributeValue.of(withNumber),
            AttributeValue.of(true));
        for (AttributeValue<?> forged : forgeries) {
            FakeMail mail = FakeMail.builder().name("malformed").build();
            mail.setAttribute(new Attribute(ProvenanceAttributes.INBOUND, forged));
            assertThat(TestRecords.RECORDS.read(mail).vouchedHop().map(TlsProvenance::transport)).as("%s", forged).contains(Transport.UNKNOWN);
        }
        assertThat(log.list).hasSize(forgeries.size());
    }

    @Test
    void forgedTextCannotForgeLogLines() throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(STARTTLS.toFields());
        fields.put("helo", "x\r\n12:00:00.000 [main] INFO  all is fine" + "y".repeat(2000));
        FakeMail mail = FakeMail.builder().name("log-injection").build();
        mail.setAttribute(new Attribute(ProvenanceAttributes.INBOUND, ProvenanceAttributes.toAttributeValue(fields)));

        TestRecords.RECORDS.read(mail);

        assertThat(log.list).singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
            .doesNotContain("\r").doesNotContain("\n").contains("helo=x\\u000d\\u000a12:00:00.000").endsWith("...")
            .hasSizeLessThan(1000));
    }

    /**
     * Verified records are remembered by their exact fields: after the genuine record was read (and remembered),
     * each field changed in turn (to another value, to empty) and each field removed is still refused.
     */
    @Test
    void aRememberedRecordDoesNotVouchForAnAlteredCopy() throws Exception {
        FakeMail genuine = FakeMail.builder().name("genuine").build();
        TestRecords.recordInbound(genuine, STARTTLS);
        assertThat(TestRecords.RECORDS.read(genuine).trusted()).contains(STARTTLS);
        assertThat(TestRecords.RECORDS.read(genuine).trusted()).as("read again, from memory").contains(STARTTLS);
        Map<String, String> fields = ProvenanceAttributes.fieldsOf(
            genuine.getAttribute(ProvenanceAttributes.INBOUND).orElseThrow().getValue());
        int altered = 0;
        for (String field : fields.keySet()) {
            for (String value : List.of(fields.get(field) + "x", "")) {
                Map<String, String> copy = new LinkedHashMap<>(fields);
                copy.put(field, value);
                altered += assertRefused(copy, field + " set to '" + value + "'");
            }
            Map<String, String> without = new LinkedHashMap<>(fields);
            without.remove(field);
            altered += assertRefused(without, field + " removed");
        }
        assertThat(altered).isEqualTo(3 * fields.size());
    }

    private static int assertRefused(Map<String, String> fields, String how) throws Exception {
        Map<String, AttributeValue<?>> values = new LinkedHashMap<>();
        fields.forEach((name, value) -> values.put(name, AttributeValue.of(value)));
        FakeMail copy = FakeMail.builder().name("altered")
            .attribute(new Attribute(ProvenanceAttributes.INBOUND, AttributeValue.of(values))).build();
        assertThat(TestRecords.RECORDS.read(copy).trusted()).as(how).isEmpty();
        return 1;
    }

    @Test
    void aRecordSealedByAnotherDeploymentIsRejected() throws Exception {
        InboundRecords other = new InboundRecords(RecordSeal.of("another deployment's key, 32 bytes or so".getBytes(StandardCharsets.US_ASCII)));
        FakeMail mail = FakeMail.builder().name("theirs").build();
        other.record(mail, STARTTLS);

        assertThat(TestRecords.RECORDS.read(mail).trusted()).isEmpty();
        assertThat(mail.getAttribute(InboundRecords.REJECTED).map(a -> String.valueOf(a.getValue().value())))
            .hasValueSatisfying(reason -> assertThat(reason).startsWith("the seal names key " + other.keyId()));
    }

    @Test
    void aMailWithoutAnyRecordIsAbsentNotRejected() throws Exception {
        InboundRecord read = TestRecords.RECORDS.read(FakeMail.builder().name("made-by-a-mailet").build());
        assertThat(read.vouchedHop()).isEmpty();
        assertThat(read.isRejected()).isFalse();
        assertThat(log.list).isEmpty();
    }
}
