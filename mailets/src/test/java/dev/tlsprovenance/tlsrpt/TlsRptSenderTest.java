package dev.tlsprovenance.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

class TlsRptSenderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate DAY = LocalDate.parse("2026-12-01");
    private static final TlsReport.Settings SETTINGS = ReportMessageTest.SETTINGS;

    @TempDir
    Path dir;
    private LoopbackReportServer https;
    private Path ledger;
    private final Map<String, List<String>> txt = new HashMap<>();
    private final List<String[]> mailed = new CopyOnWriteArrayList<>();
    private volatile boolean mailFails;

    @BeforeEach
    void setUp() throws IOException {
        https = new LoopbackReportServer(true);
        ledger = dir.resolve("outbound.jsonl");
        GeneratedAttempts attempts = new GeneratedAttempts(3, List.of("mail.test", "web.test", "both.test", "silent.test"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            lines.add(attempts.line(Instant.parse("2026-12-01T00:00:00Z").plusSeconds(i * 200L)).toString());
        }
        Files.write(ledger, lines, StandardCharsets.UTF_8);
        txt.put("_smtp._tls.mail.test", List.of("v=TLSRPTv1; rua=mailto:tlsrpt@mail.test"));
        txt.put("_smtp._tls.web.test", List.of("v=TLSRPTv1; rua=" + https.uri("/web")));
        txt.put("_smtp._tls.both.test", List.of("v=TLSRPTv1; rua=mailto:a@both.test, " + https.uri("/both")));
        txt.put("_smtp._tls.silent.test", List.of("v=spf1 -all"));
    }

    @AfterEach
    void tearDown() {
        https.close();
    }

    private TlsRptSender sender(Clock clock) throws IOException {
        return new TlsRptSender(true, Duration.ofMinutes(15), () -> SETTINGS, () -> GeneratedAttempts.REPORT_SENDER,
            () -> List.of(ledger), name -> txt.getOrDefault(name, List.of()),
            (report, from, to) -> {
                if (mailFails) {
                    throw new javax.mail.MessagingException("spool unavailable");
                }
                mailed.add(new String[] {report.policyDomain(), from, to, new String(report.toJsonBytes(), StandardCharsets.UTF_8)});
            },
            new HttpsReportPoster(LoopbackReportServer.trustingClient()), new SentReports(dir.resolve("var/tls-rpt/sent.txt")), clock);
    }

    private static List<String> words(List<TlsRptSender.Outcome> outcomes) {
        return outcomes.stream().map(o -> o.domain() + " " + o.result()).collect(Collectors.toList());
    }

    @Test
    void eachDestinationGetsTheDaysReportOnceEvenAcrossARestart() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-12-02T00:15:00Z"), ZoneOffset.UTC);
        List<TlsRptSender.Outcome> first = sender(clock).send(DAY);
        assertThat(words(first)).containsExactly("both.test sent", "both.test sent", "mail.test sent", "silent.test no-record",
            "web.test sent");
        assertThat(mailed).extracting(m -> m[0] + " " + m[1] + " " + m[2])
            .containsExactly("both.test " + GeneratedAttempts.REPORT_SENDER + " a@both.test",
                "mail.test " + GeneratedAttempts.REPORT_SENDER + " tlsrpt@mail.test");
        Map<String, byte[]> posted = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            LoopbackReportServer.Received request = https.next();
            assertThat(request.contentType).isEqualTo(ReportMessage.MEDIA_TYPE);
            posted.put(request.path, request.body);
        }
        Map<String, TlsReport> reports = sender(clock).reports(DAY);
        assertThat(JSON.readTree(new GZIPInputStream(new ByteArrayInputStream(posted.get("/web")))))
            .isEqualTo(JSON.readTree(reports.get("web.test").toJsonBytes()));
        assertThat(JSON.readTree(mailed.get(1)[3])).isEqualTo(JSON.readTree(reports.get("mail.test").toJsonBytes()));

        // a restart: a new sender reading the same record of what was sent
        TlsRptSender restarted = sender(clock);
        assertThat(words(restarted.send(DAY))).containsExactly("both.test already-sent", "both.test already-sent",
            "mail.test already-sent", "web.test already-sent");
        assertThat(mailed).hasSize(2);
        assertThat(https.pending()).isZero();
        assertThat(Files.readAllLines(dir.resolve("var/tls-rpt/sent.txt"))).contains("2026-12-01 silent.test -",
            "2026-12-01 mail.test mailto:tlsrpt@mail.test", "2026-12-01 web.test " + https.uri("/web"));
    }

    @Test
    void aFailedDestinationIsTriedAgainAndOnlyIt() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-12-02T00:15:00Z"), ZoneOffset.UTC);
        mailFails = true;
        https.answer(500);
        List<TlsRptSender.Outcome> first = sender(clock).send(DAY);
        assertThat(words(first)).containsExactly("both.test failed", "both.test failed", "mail.test failed",
            "silent.test no-record", "web.test failed");
        assertThat(first.get(0).detail()).isEqualTo("spool unavailable");
        assertThat(first.get(1).detail()).contains("answered 500");
        https.next();
        https.next();
        mailFails = false;
        https.answer(200);
        assertThat(words(sender(clock).send(DAY))).containsExactly("both.test sent", "both.test sent", "mail.test sent",
            "web.test sent");
    }

    @Test
    void aFailedTxtLookupIsNotANoRecord() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-12-02T00:15:00Z"), ZoneOffset.UTC);
        TlsRptSender sender = new TlsRptSender(true, Duration.ZERO, () -> SETTINGS, () -> GeneratedAttempts.REPORT_SENDER,
            () -> List.of(ledger), name -> {
                throw new IOException("SERVFAIL");
            }, (report, from, to) -> { }, new HttpsReportPoster(LoopbackReportServer.trustingClient()),
            new SentReports(dir.resolve("sent.txt")), clock);
        assertThat(sender.send(DAY)).allSatisfy(o -> {
            assertThat(o.result()).isEqualTo("failed");
            assertThat(o.detail()).contains("SERVFAIL").contains("_smtp._tls.");
        });
        assertThat(dir.resolve("sent.txt")).doesNotExist();
    }

    @Test
    void theDailyRunIsAtMidnightUtcPlusTheDelay() throws Exception {
        TlsRptSender sender = sender(Clock.systemUTC());
        assertThat(sender.nextRun(Instant.parse("2026-12-01T23:59:00Z"))).isEqualTo(Instant.parse("2026-12-02T00:15:00Z"));
        assertThat(sender.nextRun(Instant.parse("2026-12-02T00:14:59Z"))).isEqualTo(Instant.parse("2026-12-02T00:15:00Z"));
        assertThat(sender.nextRun(Instant.parse("2026-12-02T00:15:00Z"))).isEqualTo(Instant.parse("2026-12-03T00:15:00Z"));
    }

    @Test
    void aStartAfterTodaysRunTimeCatchesUpYesterday() throws Exception {
        TlsRptSender sender = sender(Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC));
        sender.catchUpAfter(Duration.ofMillis(10));
        try {
            sender.start();
            sender.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> mailed.size() == 2);
            assertThat(https.next()).isNotNull();
            assertThat(https.next()).isNotNull();
        } finally {
            sender.close();
        }
        assertThat(mailed).extracting(m -> m[0]).containsExactly("both.test", "mail.test");
    }

    @Test
    void offMeansNoSchedule() throws Exception {
        TlsRptSender off = new TlsRptSender(false, Duration.ZERO, () -> SETTINGS, () -> GeneratedAttempts.REPORT_SENDER,
            () -> List.of(ledger), name -> txt.getOrDefault(name, List.of()), (report, from, to) -> mailed.add(new String[0]),
            new HttpsReportPoster(LoopbackReportServer.trustingClient()), new SentReports(dir.resolve("sent.txt")),
            Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC));
        off.catchUpAfter(Duration.ZERO);
        off.start();
        off.close();
        assertThat(off.enabled()).isFalse();
        assertThat(off.reports(DAY)).containsKeys("mail.test", "web.test", "both.test", "silent.test");
    }
}
