package dev.tlsprovenance.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReportJsonWriterTest {

    @Test
    void writesTheDocumentedShapeWithIndexZeroTheOldestHop() {
        HeaderBlock block = HeaderBlock.parse("Received: from mx.example.test (mx.example.test [10.0.0.2])"
            + " by store.example.test (Postfix) with ESMTP id 3C; Mon, 30 Nov 2026 09:00:03 +0000 (UTC)\r\n"
            + "Received: from c.test (c.test [192.0.2.1]) (using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits))"
            + " (Client CN \"c.test\", Issuer \"CA\" (verified OK)) by mx.example.test (Postfix) with ESMTPS id 2B;"
            + " Mon, 30 Nov 2026 09:00:02 +0000 (UTC)\r\n"
            + "Message-ID: <a\"b@test>\r\n\r\n");
        MessageReport report = new TraceAnalyzer(TrustBoundary.everything()).analyze(block);

        String json = ReportJsonWriter.toJson(List.of(report));

        assertThat(json).isEqualTo("{\"messages\":[{\"messageId\":\"<a\\\"b@test>\",\"hops\":["
            + "{\"index\":0,\"from\":\"c.test\",\"by\":\"mx.example.test\",\"date\":\"2026-11-30T09:00:02Z\",\"tls\":\"yes\","
            + "\"protocol\":\"TLSv1.2\",\"cipher\":\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\",\"bits\":256,\"clientCertVerified\":true,"
            + "\"weak\":false,\"trusted\":true,\"source\":\"received\",\"protocolLabel\":\"TLSv1.2\","
            + "\"cipherOriginal\":\"ECDHE-RSA-AES256-GCM-SHA384\",\"family\":\"postfix\",\"applicable\":true,"
            + "\"clientCertificate\":\"verified\",\"delaySeconds\":null},"
            + "{\"index\":1,\"from\":\"mx.example.test\",\"by\":\"store.example.test\",\"date\":\"2026-11-30T09:00:03Z\",\"tls\":\"no\","
            + "\"protocol\":null,\"cipher\":null,\"bits\":null,\"clientCertVerified\":null,\"weak\":false,\"trusted\":true,"
            + "\"source\":\"received\",\"protocolLabel\":null,\"cipherOriginal\":null,\"family\":\"postfix\",\"applicable\":true,"
            + "\"clientCertificate\":null,\"delaySeconds\":1}],"
            + "\"verdict\":\"cleartext-hop\",\"note\":\"hop 1 (mx.example.test -> store.example.test) was cleartext\"}]}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) (No client certificate requested) | not-requested | false",
        "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) (Client did not present a certificate) | not-presented | false",
        "(using TLSv1 with cipher DHE-RSA-AES256-SHA (256/256 bits)) (Client CN \"x\", Issuer \"x\" (not verified)) | presented-not-verified | false",
        "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)) (Client CN \"c.test\", Issuer \"CA\" (verified OK)) | verified | true"})
    void clientCertificateSaysWhichOfTheFiveCasesAHopIs(String tlsComments, String state, String deprecatedFlag) {
        HeaderBlock block = HeaderBlock.parse("Received: from c.test (c.test [192.0.2.1]) " + tlsComments
            + " by mx.example.test (Postfix) with ESMTPS id 2B; Mon, 30 Nov 2026 09:00:02 +0000 (UTC)\r\n\r\n");

        String json = ReportJsonWriter.toJson(List.of(new TraceAnalyzer(TrustBoundary.everything()).analyze(block)));

        assertThat(json).contains("\"clientCertificate\":\"" + state + "\",\"delaySeconds\":null}").contains("\"clientCertVerified\":" + deprecatedFlag + ",");
    }

    @Test
    void aFailedCertificateIsNotConfusedWithNone() {
        HeaderBlock block = HeaderBlock.parse("Received: from a.test (a.test [192.0.2.1]) by b.test (8.17.1/8.17.1) with ESMTPS"
            + " id 40AA (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=FAIL); Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n");

        String json = ReportJsonWriter.toJson(List.of(new TraceAnalyzer(TrustBoundary.everything()).analyze(block)));

        assertThat(json).contains("\"clientCertificate\":\"failed\"");
    }

    @Test
    void noMessages() {
        assertThat(ReportJsonWriter.toJson(List.of())).isEqualTo("{\"messages\":[]}");
    }
}
