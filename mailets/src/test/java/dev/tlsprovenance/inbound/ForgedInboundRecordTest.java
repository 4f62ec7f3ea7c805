package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy;
import dev.tlsprovenance.mail.InboundRecords;
import dev.tlsprovenance.mail.ProvenanceAttributes;
import dev.tlsprovenance.provenance.RecordSeal;
import dev.tlsprovenance.testing.james.DeliveredMail;
import dev.tlsprovenance.testing.james.ForgeInboundRecord;
import dev.tlsprovenance.testing.james.JamesTestServer;
import dev.tlsprovenance.testing.pki.TestPki;
import dev.tlsprovenance.testing.smtp.SmtpTestClient;
import dev.tlsprovenance.testing.smtp.TestMessages;

/**
 * Only this server's SMTP hook can mint an inbound record (issue 9.4). A mailet placed before ours (as any other
 * mailet, or a message injected into the spool queue, could) forges the record on a cleartext mail; the forgery
 * must never become TLS: stamped {@code transport=unknown}, WARN logged once, matched as cleartext, and refused by
 * the enforcement mailet for a namespace that requires TLS. A genuine STARTTLS mail keeps its normal stamp.
 */
class ForgedInboundRecordTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String SENDER = "sender@client.test";
    private static final String PROTECTED = "user@contoso1.microsoftonline.com";
    private static final String UNPROTECTED = "user@example.test";
    private static final String QUARANTINE = "memory://var/mail/quarantine/";
    private static final RecordSeal OTHER_DEPLOYMENT =
        RecordSeal.of("the record key of some other deployment".getBytes(StandardCharsets.US_ASCII));
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    @RegisterExtension
    static JamesTestServer james = JamesTestServer.builder()
        .withGuiceExtensionModule("dev.tlsprovenance.guice.TlsProvenanceModule")
        .withCoreHandlersPackage(TlsProvenanceCoreHandlers.class.getName())
        .withConfFile("tls-policy.conf", "contoso1.microsoftonline.com  inbound=require\n")
        .withMailets("<mailet match=\"HasHeader=" + ForgeInboundRecord.HEADER + "\" class=\"" + ForgeInboundRecord.class.getName() + "\"/>\n"
            + "<mailet match=\"dev.tlsprovenance.matchers.ReceivedOverTls\" class=\"SetMailAttribute\">\n"
            + "  <test.matched.overTls>yes</test.matched.overTls>\n"
            + "</mailet>\n"
            + "<mailet match=\"dev.tlsprovenance.matchers.ReceivedInCleartext=recordedOnly\" class=\"SetMailAttribute\">\n"
            + "  <test.matched.cleartext>yes</test.matched.cleartext>\n"
            + "</mailet>\n"
            + "<mailet match=\"All\" class=\"dev.tlsprovenance.headers.AddTlsProvenanceHeaders\"/>\n"
            + "<mailet match=\"All\" class=\"dev.tlsprovenance.enforcement.EnforceInboundTlsPolicy\">\n"
            + "  <onViolation>quarantine</onViolation>\n"
            + "  <quarantineRepository>" + QUARANTINE + "</quarantineRepository>\n"
            + "</mailet>")
        .build();

    /** The sealed record of a real STARTTLS mail through this very server: what a forger would copy. */
    private static Map<String, String> genuineStartTls;

    @BeforeAll
    static void captureWarningsAndOneGenuineRecord() throws Exception {
        LOG.start();
        ((Logger) LoggerFactory.getLogger(InboundRecords.class)).addAppender(LOG);
        DeliveredMail genuine = sendOverStartTls(UNPROTECTED, "genuine, to copy");
        genuineStartTls = ProvenanceAttributes.fieldsOf(genuine.attributes().get(ProvenanceAttributes.INBOUND.asString()));
        assertThat(genuineStartTls).containsEntry("transport", "starttls").containsKey(RecordSeal.FIELD);
        james.clearDelivered();
    }

    @AfterAll
    static void releaseLog() {
        ((Logger) LoggerFactory.getLogger(InboundRecords.class)).detachAppender(LOG);
    }

    @AfterEach
    void clear() {
        james.clearDelivered();
        james.clear(QUARANTINE);
        LOG.list.clear();
    }

    static Stream<Arguments> forgeries() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("genuine STARTTLS record sealed by another deployment", (UnaryOperator<AttributeValue<?>>) own ->
            ProvenanceAttributes.toAttributeValue(OTHER_DEPLOYMENT.seal(genuineStartTls)),
            "the seal names key " + OTHER_DEPLOYMENT.currentKeyId() + ", which this server does not hold (a record from another deployment?)"));
        cases.add(Arguments.of("STARTTLS record without a seal", (UnaryOperator<AttributeValue<?>>) own ->
            ProvenanceAttributes.toAttributeValue(without(genuineStartTls, RecordSeal.FIELD)), "the record has no seal"));
        cases.add(Arguments.of("the mail's own cleartext record turned into STARTTLS, its seal kept", (UnaryOperator<AttributeValue<?>>) own -> {
            Map<String, String> fields = fieldsOf(own);
            fields.put("transport", "starttls");
            fields.put("protocol", "TLSv1.3");
            fields.put("cipher", "TLS_AES_256_GCM_SHA384");
            return ProvenanceAttributes.toAttributeValue(fields);
        }, "the seal does not match the record's fields (altered, or sealed with another secret)"));
        for (String field : List.of("transport", "addr", "host", "helo", "by", "verify", "session", "time", "protocol", "cipher", "bits", "dir")) {
            cases.add(Arguments.of("copied STARTTLS record, field " + field + " altered, original seal kept",
                (UnaryOperator<AttributeValue<?>>) own -> {
                    Map<String, String> fields = new LinkedHashMap<>(genuineStartTls);
                    fields.put(field, altered(field, fields.get(field)));
                    return ProvenanceAttributes.toAttributeValue(fields);
                }, "the seal does not match the record's fields (altered, or sealed with another secret)"));
        }
        cases.add(Arguments.of("copied STARTTLS record with an extra field, original seal kept", (UnaryOperator<AttributeValue<?>>) own -> {
            Map<String, String> fields = new LinkedHashMap<>(genuineStartTls);
            fields.put("auth", "yes");
            return ProvenanceAttributes.toAttributeValue(fields);
        }, "the seal does not match the record's fields (altered, or sealed with another secret)"));
        cases.add(Arguments.of("a string instead of a record", (UnaryOperator<AttributeValue<?>>) own ->
            AttributeValue.of("transport=starttls"), "the record is malformed: provenance attribute is not a map but String"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgeries")
    void aForgedRecordOnACleartextMailIsNeverTls(String label, UnaryOperator<AttributeValue<?>> forgery, String reason) throws Exception {
        String token = ForgeInboundRecord.register(label, forgery);
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.test");
            assertThat(client.send(SENDER, List.of(PROTECTED, UNPROTECTED),
                ForgeInboundRecord.HEADER + ": " + token + "\r\n" + TestMessages.simple(SENDER, PROTECTED, label)).code()).isEqualTo(250);
        }

        DeliveredMail delivered = james.awaitDeliveredMails(1).get(0);
        assertThat(delivered.recipients()).containsExactly(UNPROTECTED);
        assertThat(delivered.header("X-TLS-Provenance")).singleElement().satisfies(stamp -> assertThat(stamp)
            .startsWith("v=1; dir=inbound; transport=unknown; by=")
            .contains("; verify=not-checked; reason=\"no inbound TLS record sealed by this server: " + reason + "\"; time=")
            .doesNotContain("starttls").doesNotContain("protocol="));
        assertThat(delivered.attributes()).as("ReceivedOverTls must not match, ReceivedInCleartext (even recordedOnly) must")
            .doesNotContainKey("test.matched.overTls").containsKey("test.matched.cleartext")
            .doesNotContainKeys(ProvenanceAttributes.INBOUND.asString(), ProvenanceAttributes.JAMES_SSL_PROTOCOL.asString());
        assertThat(delivered.attribute(InboundRecords.REJECTED_NAME)).contains(reason);
        assertThat(delivered.firstHeader("Received")).hasValueSatisfying(received -> assertThat(received)
            .contains(" with ESMTP ").doesNotContain("using TLS"));

        DeliveredMail quarantined = james.awaitMailsIn(QUARANTINE, 1).get(0);
        assertThat(quarantined.recipients()).containsExactly(PROTECTED);
        assertThat(quarantined.attribute(EnforceInboundTlsPolicy.VIOLATION)).contains(
            "namespace contoso1.microsoftonline.com (tls-policy.conf:1) requires TLS but the mail's inbound TLS record is not believed "
                + "(no inbound TLS record sealed by this server: " + reason + ")");

        List<ILoggingEvent> warnings = LOG.list.stream().filter(event -> event.getLevel() == Level.WARN).collect(Collectors.toList());
        assertThat(warnings).as("one WARN per mail, however many readers").singleElement()
            .satisfies(event -> assertThat(event.getFormattedMessage()).startsWith("Mail " + delivered.name()
                + " carries an inbound TLS record that this server did not seal (" + reason + ")"));
    }

    @Test
    void aGenuineStartTlsMailKeepsItsStampAndReachesTheProtectedRecipient() throws Exception {
        DeliveredMail delivered = sendOverStartTls(PROTECTED, "genuine");

        assertThat(delivered.recipients()).containsExactly(PROTECTED);
        assertThat(delivered.header("X-TLS-Provenance")).singleElement().satisfies(stamp -> assertThat(stamp)
            .startsWith("v=1; dir=inbound; transport=starttls; protocol=TLSv1.3; cipher=TLS_AES_256_GCM_SHA384; bits=256; by="
                + TestPki.SERVER_HOST + "; addr=127.0.0.1;")
            .doesNotContain(RecordSeal.FIELD + "="));
        assertThat(delivered.attributes()).containsKey("test.matched.overTls").doesNotContainKey("test.matched.cleartext")
            .doesNotContainKey(InboundRecords.REJECTED_NAME);
        assertThat(james.mailCount(QUARANTINE)).isZero();
        assertThat(LOG.list).isEmpty();
    }

    @Test
    void aGenuineCleartextMailIsCleartextWithoutWarning() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connect("localhost", james.smtpPort())) {
            client.ehlo("client.test");
            client.send(SENDER, List.of(UNPROTECTED), TestMessages.simple(SENDER, UNPROTECTED, "cleartext"));
        }
        DeliveredMail delivered = james.awaitDeliveredMails(1).get(0);
        assertThat(delivered.header("X-TLS-Provenance")).singleElement()
            .satisfies(stamp -> assertThat(stamp).startsWith("v=1; dir=inbound; transport=cleartext; by="));
        assertThat(delivered.attributes()).containsKey("test.matched.cleartext").doesNotContainKey(InboundRecords.REJECTED_NAME);
        assertThat(LOG.list).isEmpty();
    }

    private static DeliveredMail sendOverStartTls(String recipient, String subject) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.connectWithStartTls("localhost", james.smtpPort(),
                "client.test", PKI.trustingRoot())) {
            assertThat(client.send(SENDER, List.of(recipient), TestMessages.simple(SENDER, recipient, subject)).code()).isEqualTo(250);
        }
        return james.awaitDeliveredMails(1).get(0);
    }

    private static Map<String, String> fieldsOf(AttributeValue<?> value) {
        try {
            return new LinkedHashMap<>(ProvenanceAttributes.fieldsOf(value));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, String> without(Map<String, String> fields, String name) {
        Map<String, String> copy = new LinkedHashMap<>(fields);
        copy.remove(name);
        return copy;
    }

    /** A plausible other value, so that only the seal can tell. */
    private static String altered(String field, String value) {
        switch (field) {
            case "transport":
                return "implicit-tls";
            case "time":
                return java.time.Instant.parse(value).plusSeconds(1).toString();
            case "bits":
                return "128";
            case "dir":
                return "outbound";
            default:
                return value + "x";
        }
    }
}
