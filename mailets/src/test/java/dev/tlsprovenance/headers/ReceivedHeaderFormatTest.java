package dev.tlsprovenance.headers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.provenance.CertificateSummary;
import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.ProvenanceSamples;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;
import dev.tlsprovenance.verify.CertificateClaim;
import dev.tlsprovenance.verify.Hop;
import dev.tlsprovenance.verify.ReceivedLineParser;
import dev.tlsprovenance.verify.TlsStatus;

class ReceivedHeaderFormatTest {

    private static final ReceivedHeaderFormat FORMAT = new ReceivedHeaderFormat("JAMES SMTP Server", ZoneOffset.UTC);
    private static final Optional<String> EHLO = Optional.of("EHLO");
    private static final Optional<String> BOB = Optional.of("bob@example.test");

    @Test
    void cleartextHopIsExactlyWhatJames381Writes() {
        TlsProvenance hop = ProvenanceSamples.cleartextInbound().toBuilder().remoteHost("localhost").build();

        assertThat(FORMAT.value(hop, EHLO, BOB)).isEqualTo(
            "from localhost (EHLO client.test) ([127.0.0.1])\r\n"
                + "          by mx.james.test (JAMES SMTP Server) with ESMTP ID SMTP-7f3a\r\n"
                + "          for <bob@example.test>;\r\n"
                + "          Sun, 29 Nov 2026 10:15:30 +0000 (Z)");
    }

    @Test
    void starttlsHopWithVerifiedClientCertificateNamesProtocolCipherAndCertificate() {
        TlsProvenance hop = ProvenanceSamples.starttlsInboundWithClientCertificate().toBuilder().remoteHost("localhost").build();

        assertThat(FORMAT.lines(hop, EHLO, BOB)).containsExactly(
            "from localhost (EHLO relay.partner.test) ([127.0.0.1])",
            "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))",
            "(client certificate subject \"CN=relay.partner.test,O=Partner\\\\, Inc.\" issuer \"CN=Test Intermediate CA\""
                + " checked against \"listener-truststore\" verified yes)",
            "by mx.james.test (JAMES SMTP Server) with ESMTPSA ID SMTP-8b01",
            "for <bob@example.test>",
            "tls TLS_AES_256_GCM_SHA384;",
            "Sun, 29 Nov 2026 10:15:30 +0000 (Z)");
    }

    @Test
    void implicitTlsWithoutClientCertificateHasNoCertificateCommentAndPutsTheDateAfterTheTlsClause() {
        TlsProvenance hop = ProvenanceSamples.cleartextInbound().toBuilder()
            .transport(Transport.IMPLICIT_TLS).protocol("TLSv1.2").cipherSuite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").cipherBits(128)
            .build();

        assertThat(FORMAT.lines(hop, EHLO, Optional.empty())).containsExactly(
            "from 127.0.0.1 (EHLO client.test) ([127.0.0.1])",
            "(using TLSv1.2 with cipher TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (128/128 bits))",
            "by mx.james.test (JAMES SMTP Server) with ESMTPS ID SMTP-7f3a",
            "tls TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256;",
            "Sun, 29 Nov 2026 10:15:30 +0000 (Z)");
    }

    @Test
    void withKeywordFollowsRfc3848() {
        TlsProvenance cleartext = ProvenanceSamples.cleartextInbound();
        TlsProvenance tls = cleartext.toBuilder().transport(Transport.STARTTLS).protocol("TLSv1.3").cipherSuite("TLS_AES_128_GCM_SHA256").build();

        assertThat(ReceivedHeaderFormat.withKeyword(cleartext, EHLO)).isEqualTo("ESMTP");
        assertThat(ReceivedHeaderFormat.withKeyword(cleartext.toBuilder().authenticated(true).build(), EHLO)).isEqualTo("ESMTPA");
        assertThat(ReceivedHeaderFormat.withKeyword(tls, EHLO)).isEqualTo("ESMTPS");
        assertThat(ReceivedHeaderFormat.withKeyword(tls.toBuilder().authenticated(true).build(), EHLO)).isEqualTo("ESMTPSA");
        assertThat(ReceivedHeaderFormat.withKeyword(cleartext, Optional.of("HELO"))).isEqualTo("SMTP");
        assertThat(ReceivedHeaderFormat.withKeyword(tls, Optional.empty())).isEqualTo("SMTP");
    }

    /** Each way a presented certificate can have been handled has its own words; only a failed check says "verified no". */
    @Test
    void clientCertificateCommentSaysWhatWasDoneWithTheCertificate() {
        String presented = "(client certificate subject \"CN=relay.partner.test,O=Partner\\\\, Inc.\" issuer \"CN=Test Intermediate CA\"";
        Map<CertificateVerification, String> expected = new LinkedHashMap<>();
        expected.put(CertificateVerification.verified("private-ca:/etc/james/conf/partner-ca.pem", "namespace partner.test, name mx.partner.test"),
            presented + " checked against \"private-ca:/etc/james/conf/partner-ca.pem\" verified yes)");
        expected.put(CertificateVerification.verified("listener-truststore"),
            presented + " checked against \"listener-truststore\" verified yes)");
        expected.put(CertificateVerification.failed("private-ca:/ca.pem", "expired"), presented + " verified no)");
        expected.put(CertificateVerification.notChecked("listener requests client certificates without verifying them"),
            presented + " presented, not checked by the listener)");
        expected.put(CertificateVerification.notChecked(), presented + " presented, not checked by the listener)");
        expected.forEach((verification, comment) -> {
            TlsProvenance hop = ProvenanceSamples.starttlsInboundWithClientCertificate().toBuilder().peerVerification(verification).build();
            assertThat(FORMAT.lines(hop, EHLO, BOB)).as(verification.toString()).contains(comment);
        });
    }

    /** The verifier reads each certificate state of our own line back as the same state: writer and reader agree. */
    @Test
    void verifierReadsEveryClientCertificateStateOfOurLineBack() {
        Map<CertificateVerification, CertificateClaim> expected = new LinkedHashMap<>();
        expected.put(CertificateVerification.verified("private-ca:/etc/james/conf/partner-ca.pem", "name mx.partner.test"),
            CertificateClaim.VERIFIED);
        expected.put(CertificateVerification.verified("listener-truststore"), CertificateClaim.VERIFIED);
        expected.put(CertificateVerification.failed("private-ca:/ca.pem", "expired"), CertificateClaim.FAILED);
        expected.put(CertificateVerification.notChecked(), CertificateClaim.PRESENTED_NOT_VERIFIED);
        expected.forEach((verification, claim) -> {
            TlsProvenance hop = ProvenanceSamples.starttlsInboundWithClientCertificate().toBuilder().peerVerification(verification).build();
            Hop read = ReceivedLineParser.parse(FORMAT.value(hop, EHLO, BOB));
            assertThat(read.tls()).as(verification.toString()).isEqualTo(TlsStatus.YES);
            assertThat(read.clientCertificate()).as(verification.toString()).isEqualTo(claim);
        });
        TlsProvenance none = ProvenanceSamples.starttlsInboundWithClientCertificate().toBuilder()
            .peerCertificate(null).peerVerification(CertificateVerification.notPresented()).build();
        assertThat(ReceivedLineParser.parse(FORMAT.value(none, EHLO, BOB)).clientCertificate()).isEqualTo(CertificateClaim.NOT_PRESENTED);
    }

    @Test
    void unverifiedCertificateSaysSoAndHostileTextCannotEscapeTheComment() {
        CertificateSummary hostile = new CertificateSummary("CN=evil) by attacker (x", "CN=\"quoted\"\r\nissuer",
            List.of(), "01", "cd".repeat(32), ProvenanceSamples.TIME, ProvenanceSamples.TIME);
        TlsProvenance hop = ProvenanceSamples.cleartextInbound().toBuilder()
            .transport(Transport.STARTTLS).protocol("TLSv1.3").cipherSuite("TLS_AES_128_GCM_SHA256")
            .heloName("bad)helo")
            .peerCertificate(hostile).peerVerification(CertificateVerification.notChecked())
            .build();

        assertThat(FORMAT.lines(hop, EHLO, BOB))
            .contains("from 127.0.0.1 (EHLO bad?helo) ([127.0.0.1])")
            .contains("(client certificate subject \"CN=evil\\) by attacker \\(x\" issuer \"CN=\\\"quoted\\\" issuer\""
                + " presented, not checked by the listener)");
    }

    @Test
    void theDateFollowsEveryHopEvenWhenTheFormatIsReusedAcrossSecondsAndZones() {
        ReceivedHeaderFormat paris = new ReceivedHeaderFormat("JAMES SMTP Server", ZoneId.of("Europe/Paris"));
        TlsProvenance hop = ProvenanceSamples.cleartextInbound();
        Instant time = hop.time();

        for (Instant when : List.of(time, time.plusMillis(400), time.plusSeconds(1), time, time.plusSeconds(86_400 * 200))) {
            List<String> lines = paris.lines(hop.toBuilder().time(when).build(), EHLO, BOB);
            assertThat(lines.get(lines.size() - 1)).isEqualTo(DateTimeFormatter
                .ofPattern("EEE, dd MMM yyyy HH:mm:ss Z (zzz)", Locale.US).format(when.atZone(ZoneId.of("Europe/Paris"))));
        }
    }
}
