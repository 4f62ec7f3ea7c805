package dev.tlsprovenance.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

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
            + "\"cipherOriginal\":\"ECDHE-RSA-AES256-GCM-SHA384\",\"family\":\"postfix\",\"applicable\":true},"
            + "{\"index\":1,\"from\":\"mx.example.test\",\"by\":\"store.example.test\",\"date\":\"2026-11-30T09:00:03Z\",\"tls\":\"no\","
            + "\"protocol\":null,\"cipher\":null,\"bits\":null,\"clientCertVerified\":null,\"weak\":false,\"trusted\":true,"
            + "\"source\":\"received\",\"protocolLabel\":null,\"cipherOriginal\":null,\"family\":\"postfix\",\"applicable\":true}],"
            + "\"verdict\":\"cleartext-hop\",\"note\":\"hop 1 (mx.example.test -> store.example.test) was cleartext\"}]}");
    }

    @Test
    void noMessages() {
        assertThat(ReportJsonWriter.toJson(List.of())).isEqualTo("{\"messages\":[]}");
    }
}
