package dev.tlsprovenance.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import dev.tlsprovenance.mail.TestRecords;
import dev.tlsprovenance.provenance.ProvenanceSamples;
import dev.tlsprovenance.provenance.TlsProvenance;

class ReceivedMatchersTest {

    private static final String BOB = "bob@example.test";

    @Test
    void receivedOverTlsMatchesOnlyEncryptedRecordsMeetingTheCondition() throws Exception {
        Matcher anyTls = matcher(new ReceivedOverTls(TestRecords.RECORDS), "ReceivedOverTls", null);
        Matcher mutualTls13 = matcher(new ReceivedOverTls(TestRecords.RECORDS), "ReceivedOverTls", "minProtocol=TLSv1.3,verifiedClientCert");

        assertThat(anyTls.match(mailWith(ProvenanceSamples.starttlsInboundWithClientCertificate()))).containsExactly(new MailAddress(BOB));
        assertThat(mutualTls13.match(mailWith(ProvenanceSamples.starttlsInboundWithClientCertificate()))).containsExactly(new MailAddress(BOB));
        assertThat(anyTls.match(mailWith(ProvenanceSamples.cleartextInbound()))).isEmpty();
        assertThat(anyTls.match(mailWithoutRecord())).isEmpty();
    }

    @Test
    void receivedInCleartextMatchesCleartextAndUnrecordedMailUnlessRecordedOnly() throws Exception {
        Matcher cleartext = matcher(new ReceivedInCleartext(TestRecords.RECORDS), "ReceivedInCleartext", "");
        Matcher recordedOnly = matcher(new ReceivedInCleartext(TestRecords.RECORDS), "ReceivedInCleartext", "recordedOnly");

        assertThat(cleartext.match(mailWith(ProvenanceSamples.cleartextInbound()))).containsExactly(new MailAddress(BOB));
        assertThat(cleartext.match(mailWithoutRecord())).containsExactly(new MailAddress(BOB));
        assertThat(cleartext.match(mailWith(ProvenanceSamples.starttlsInboundWithClientCertificate()))).isEmpty();
        assertThat(recordedOnly.match(mailWith(ProvenanceSamples.cleartextInbound()))).containsExactly(new MailAddress(BOB));
        assertThat(recordedOnly.match(mailWithoutRecord())).isEmpty();
    }

    @Test
    void badConditionsAreNamed() {
        assertThatThrownBy(() -> matcher(new ReceivedOverTls(TestRecords.RECORDS), "ReceivedOverTls", "minProtocol=TLSv1.4"))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("'minProtocol=TLSv1.4'").hasMessageContaining("ReceivedOverTls");
        assertThatThrownBy(() -> matcher(new ReceivedInCleartext(TestRecords.RECORDS), "ReceivedInCleartext", "all"))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("'all'").hasMessageContaining("ReceivedInCleartext");
    }

    private static Matcher matcher(Matcher matcher, String name, String condition) throws MessagingException {
        matcher.init(FakeMatcherConfig.builder().matcherName(name).condition(condition).build());
        return matcher;
    }

    private static FakeMail mailWith(TlsProvenance hop) throws MessagingException {
        FakeMail mail = mailWithoutRecord();
        TestRecords.recordInbound(mail, hop);
        return mail;
    }

    private static FakeMail mailWithoutRecord() throws MessagingException {
        return FakeMail.builder().name("m").recipient(BOB).build();
    }
}
