package dev.tlsprovenance.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.provenance.CertificateVerification;
import dev.tlsprovenance.provenance.Direction;
import dev.tlsprovenance.provenance.ProvenanceHeaderCodec;
import dev.tlsprovenance.provenance.TlsProvenance;
import dev.tlsprovenance.provenance.Transport;

class TraceAnalyzerTest {
    private static final String OUTSIDE_TLS = "Received: from client.outside.test (client.outside.test [198.51.100.7])\r\n"
        + "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n"
        + "\t(No client certificate requested)\r\n"
        + "\tby edge.outside.test (Postfix) with ESMTPS id 1A;\r\n"
        + "\tMon, 30 Nov 2026 09:00:00 +0000 (UTC)\r\n";
    private static final String EDGE_TO_MX_CLEAR = "Received: from edge.outside.test (edge.outside.test [203.0.113.5])\r\n"
        + "\tby mx.example.test (Postfix) with ESMTP id 2B;\r\n"
        + "\tMon, 30 Nov 2026 09:00:02 +0000 (UTC)\r\n";
    private static final String EDGE_TO_MX_TLS = "Received: from edge.outside.test (edge.outside.test [203.0.113.5])\r\n"
        + "\t(using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits))\r\n"
        + "\t(Client CN \"edge.outside.test\", Issuer \"Test CA\" (verified OK))\r\n"
        + "\tby mx.example.test (Postfix) with ESMTPS id 2B;\r\n"
        + "\tMon, 30 Nov 2026 09:00:02 +0000 (UTC)\r\n";
    private static final String MX_TO_STORE = "Received: from mx.example.test (mx.example.test [10.0.0.2])\r\n"
        + "\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits))\r\n"
        + "\t(No client certificate requested)\r\n"
        + "\tby store.example.test (Postfix) with ESMTPS id 3C;\r\n"
        + "\tMon, 30 Nov 2026 09:00:03 +0000 (UTC)\r\n";
    private static final String LOCAL_DELIVERY = "Received: by store.example.test (Postfix, from userid 0) id 4D;"
        + " Mon, 30 Nov 2026 09:00:04 +0000 (UTC)\r\n";

    private static HeaderBlock headers(String... receivedNewestFirst) {
        return HeaderBlock.parse(String.join("", receivedNewestFirst) + "Message-ID: <m1@example.test>\r\nSubject: t\r\n\r\nbody\r\n");
    }

    @Test
    void hopsAreIndexedOldestFirstAndAvailableNewestFirst() {
        MessageTrace trace = MessageTrace.of(headers(MX_TO_STORE, EDGE_TO_MX_TLS, OUTSIDE_TLS));

        assertThat(trace.hopsOldestFirst()).extracting(h -> h.byHost().orElse(""))
            .containsExactly("edge.outside.test", "mx.example.test", "store.example.test");
        assertThat(trace.hopsNewestFirst()).extracting(h -> h.byHost().orElse(""))
            .containsExactly("store.example.test", "mx.example.test", "edge.outside.test");
        assertThat(trace.messageId()).contains("<m1@example.test>");
    }

    @Test
    void everyTrustedHopOverTlsIsTlsAllTheWay() {
        MessageReport report = new TraceAnalyzer(TrustBoundary.everything())
            .analyze(headers(LOCAL_DELIVERY, MX_TO_STORE, EDGE_TO_MX_TLS, OUTSIDE_TLS));

        assertThat(report.verdict()).isEqualTo(Verdict.TLS_ALL_THE_WAY);
        assertThat(report.verdict().exitCode()).isZero();
        assertThat(report.hops().get(1).clientCertificate()).isEqualTo(CertificateClaim.VERIFIED);
        assertThat(report.hops().get(3).applicable()).isFalse();
    }

    @Test
    void aCleartextHopInsideTheBoundaryIsReportedWithItsIndex() {
        MessageReport report = new TraceAnalyzer(TrustBoundary.everything())
            .analyze(headers(MX_TO_STORE, EDGE_TO_MX_CLEAR, OUTSIDE_TLS));

        assertThat(report.verdict()).isEqualTo(Verdict.CLEARTEXT_HOP);
        assertThat(report.verdict().exitCode()).isEqualTo(1);
        assertThat(report.note()).isEqualTo("hop 1 (edge.outside.test -> mx.example.test) was cleartext");
    }

    @Test
    void hopsBelowTheFirstUntrustedRecorderAreClaimsOnly() {
        TrustBoundary ours = TrustBoundary.builder().trustHost(".example.test").build();
        String forgedCleartext = "Received: from evil.test ([192.0.2.66]) by relay.elsewhere.test with ESMTP id 0;"
            + " Mon, 30 Nov 2026 08:59:00 +0000\r\n";

        MessageReport report = new TraceAnalyzer(ours)
            .analyze(headers(MX_TO_STORE, EDGE_TO_MX_TLS, OUTSIDE_TLS, forgedCleartext));

        assertThat(report.hops()).extracting(Hop::trusted).containsExactly(false, false, true, true);
        assertThat(report.verdict()).isEqualTo(Verdict.TLS_ALL_THE_WAY);
    }

    @Test
    void trustExtendsDownTheChainThroughTrustedNetworks() {
        TrustBoundary networks = TrustBoundary.builder().trustHost("store.example.test").trustNetwork("10.0.0.0/8").build();

        MessageReport report = new TraceAnalyzer(networks).analyze(headers(MX_TO_STORE, EDGE_TO_MX_CLEAR, OUTSIDE_TLS));

        // store recorded mx's address 10.0.0.2, so mx's own line is trusted; mx received from 203.0.113.5: stop.
        assertThat(report.hops()).extracting(Hop::trusted).containsExactly(false, true, true);
        assertThat(report.verdict()).isEqualTo(Verdict.CLEARTEXT_HOP);
    }

    @Test
    void fromOurOwnHopInward() {
        TrustBoundary own = TrustBoundary.builder().ownHost("mx.example.test").build();

        MessageReport report = new TraceAnalyzer(own).analyze(headers(LOCAL_DELIVERY, MX_TO_STORE, EDGE_TO_MX_TLS, OUTSIDE_TLS));

        assertThat(report.hops()).extracting(Hop::trusted).containsExactly(false, true, true, true);
    }

    @Test
    void onlyUnknownsGiveUnknownHop() {
        String james38 = "Received: from edge.outside.test (EHLO edge.outside.test) ([203.0.113.5])\r\n"
            + "          by mx.example.test (JAMES SMTP Server ) with ESMTP ID 77;\r\n"
            + "          Mon, 30 Nov 2026 09:00:02 +0000 (UTC)\r\n";

        MessageReport report = new TraceAnalyzer(TrustBoundary.everything()).analyze(headers(MX_TO_STORE, james38, OUTSIDE_TLS));

        assertThat(report.verdict()).isEqualTo(Verdict.UNKNOWN_HOP);
        assertThat(report.verdict().exitCode()).isEqualTo(2);
        assertThat(report.note()).contains("hop 1").contains("does not say");
    }

    @Test
    void noReceivedLineAtAllIsUnknown() {
        assertThat(new TraceAnalyzer(TrustBoundary.everything()).analyze(headers()).verdict()).isEqualTo(Verdict.UNKNOWN_HOP);
    }

    @Test
    void ourStampReplacesTheClaimOfTheTrustedHopItDescribes() {
        String james38 = "Received: from edge.outside.test (EHLO edge.outside.test) ([203.0.113.5])\r\n"
            + "          by mx.example.test (JAMES SMTP Server ) with ESMTP ID 77;\r\n"
            + "          Mon, 30 Nov 2026 09:00:02 +0000 (UTC)\r\n";
        TlsProvenance stamp = TlsProvenance.builder(Direction.INBOUND).transport(Transport.STARTTLS)
            .protocol("TLSv1.3").cipherSuite("TLS_AES_256_GCM_SHA384")
            .peerVerification(CertificateVerification.notPresented())
            .localHost("mx.example.test").remoteAddress("203.0.113.5").time(Instant.parse("2026-11-30T09:00:02Z")).build();
        String stampHeader = ProvenanceHeaderCodec.DEFAULT_HEADER_NAME + ": " + ProvenanceHeaderCodec.format(stamp) + "\r\n";

        MessageReport report = new TraceAnalyzer(TrustBoundary.builder().trustHost(".example.test").build())
            .analyze(headers(MX_TO_STORE, stampHeader, james38, OUTSIDE_TLS));

        Hop hop = report.hops().get(1);
        assertThat(hop.source()).isEqualTo(HopSource.PROVENANCE);
        assertThat(hop.tls()).isEqualTo(TlsStatus.YES);
        assertThat(hop.protocol()).contains("TLSv1.3");
        assertThat(hop.cipherIana()).contains("TLS_AES_256_GCM_SHA384");
        assertThat(hop.bits()).isEqualTo(256);
        assertThat(hop.clientCertificate()).isEqualTo(CertificateClaim.NOT_PRESENTED);
        assertThat(report.verdict()).isEqualTo(Verdict.TLS_ALL_THE_WAY);
    }

    @Test
    void aStampOutsideTheBoundaryIsIgnoredAndACleartextStampIsBelieved() {
        TlsProvenance forged = TlsProvenance.builder(Direction.INBOUND).transport(Transport.STARTTLS)
            .protocol("TLSv1.3").cipherSuite("TLS_AES_256_GCM_SHA384")
            .localHost("edge.outside.test").remoteAddress("198.51.100.7").time(Instant.parse("2026-11-30T09:00:00Z")).build();
        TlsProvenance clear = TlsProvenance.builder(Direction.INBOUND).transport(Transport.CLEARTEXT)
            .localHost("mx.example.test").remoteAddress("203.0.113.5").time(Instant.parse("2026-11-30T09:00:02Z")).build();
        String stamps = "X-TLS-Provenance: " + ProvenanceHeaderCodec.format(clear) + "\r\n"
            + "X-TLS-Provenance: " + ProvenanceHeaderCodec.format(forged) + "\r\n"
            + "X-TLS-Provenance: v=1; garbage\r\n";
        String clientNoTls = "Received: from client.outside.test ([198.51.100.7]) by edge.outside.test (Postfix) with ESMTP id 1A;"
            + " Mon, 30 Nov 2026 09:00:00 +0000\r\n";

        MessageReport report = new TraceAnalyzer(TrustBoundary.builder().trustHost(".example.test").build())
            .analyze(headers(MX_TO_STORE, stamps, EDGE_TO_MX_TLS, clientNoTls));

        assertThat(report.hops().get(0).source()).isEqualTo(HopSource.RECEIVED);
        assertThat(report.hops().get(0).tls()).isEqualTo(TlsStatus.NO);
        assertThat(report.hops().get(1).source()).isEqualTo(HopSource.PROVENANCE);
        assertThat(report.hops().get(1).tls()).isEqualTo(TlsStatus.NO);
        assertThat(report.verdict()).isEqualTo(Verdict.CLEARTEXT_HOP);
    }

    @Test
    void requireBetweenJudgesOnlyThatSegment() {
        HopSegment segment = HopSegment.between("edge.outside.test", "store.example.test");

        MessageReport cleartextOutsideSegment = new TraceAnalyzer(TrustBoundary.everything(),
            HopSegment.between("mx.example.test", "store.example.test"))
            .analyze(headers(MX_TO_STORE, EDGE_TO_MX_CLEAR, OUTSIDE_TLS));
        MessageReport cleartextInside = new TraceAnalyzer(TrustBoundary.everything(), segment)
            .analyze(headers(MX_TO_STORE, EDGE_TO_MX_CLEAR, OUTSIDE_TLS));
        MessageReport missing = new TraceAnalyzer(TrustBoundary.everything(), HopSegment.between("nowhere.test", "store.example.test"))
            .analyze(headers(MX_TO_STORE, EDGE_TO_MX_CLEAR, OUTSIDE_TLS));

        assertThat(cleartextOutsideSegment.verdict()).isEqualTo(Verdict.TLS_ALL_THE_WAY);
        assertThat(cleartextInside.verdict()).isEqualTo(Verdict.CLEARTEXT_HOP);
        assertThat(missing.verdict()).isEqualTo(Verdict.UNKNOWN_HOP);
        assertThat(missing.note()).contains("not found");
    }

    @Test
    void aRealThreadFromTheLinuxKernelListIsReadHopByHop() throws IOException {
        HeaderBlock block;
        try (InputStream in = getClass().getResourceAsStream("/received-corpus/starfive-thread.eml")) {
            block = HeaderBlock.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }

        MessageReport all = new TraceAnalyzer(TrustBoundary.everything()).analyze(block);
        MessageReport corporate = new TraceAnalyzer(TrustBoundary.everything(),
            HopSegment.between("[192.168.125.124]", "lindbergh.monkeyblade.net")).analyze(block);

        assertThat(all.hops().stream().map(h -> h.tls().token() + (h.applicable() ? "" : "(n/a)")).collect(Collectors.toList()))
            .containsExactly("yes", "yes", "yes", "yes", "no", "unknown(n/a)", "no");
        // Postfix's "(not verified)": presented, and the line cannot say whether a check failed or none was made.
        assertThat(all.hops().get(2).clientCertificate()).isEqualTo(CertificateClaim.PRESENTED_NOT_VERIFIED);
        assertThat(all.verdict()).isEqualTo(Verdict.CLEARTEXT_HOP);
        assertThat(corporate.verdict()).isEqualTo(Verdict.TLS_ALL_THE_WAY);
    }

    @Test
    void verdictsCombineToTheWorst() {
        assertThat(Verdict.TLS_ALL_THE_WAY.worst(Verdict.UNKNOWN_HOP)).isEqualTo(Verdict.UNKNOWN_HOP);
        assertThat(Verdict.UNKNOWN_HOP.worst(Verdict.CLEARTEXT_HOP)).isEqualTo(Verdict.CLEARTEXT_HOP);
        assertThat(List.of(Verdict.TLS_ALL_THE_WAY, Verdict.TLS_ALL_THE_WAY).stream().reduce(Verdict.TLS_ALL_THE_WAY, Verdict::worst))
            .isEqualTo(Verdict.TLS_ALL_THE_WAY);
    }
}
